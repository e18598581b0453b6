/*
 * Publishes the example cookiecutter templates (examples/cookiecutter/*)
 * as bare repositories of the engine's local git host, so the example
 * pipeline can clone them offline (main job and browser e2e tests).
 */
const { execFileSync } = require('node:child_process');
const { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join, resolve } = require('node:path');

const ROOT = resolve(__dirname, '../..');
const IDENTITY = { GIT_AUTHOR_NAME: 'demo', GIT_AUTHOR_EMAIL: 'demo@localhost', GIT_COMMITTER_NAME: 'demo', GIT_COMMITTER_EMAIL: 'demo@localhost' };

/** Pushes each template to `<gitRoot>/templates/<name>.git` (replacing it). */
function publishCookiecutterTemplates(gitRoot) {
  const dir = join(ROOT, 'examples/cookiecutter');
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    const bare = join(gitRoot, 'templates', `${name}.git`);
    rmSync(bare, { recursive: true, force: true });
    mkdirSync(bare, { recursive: true });
    const git = (args, cwd) => execFileSync('git', args, { cwd, stdio: 'ignore', env: { ...process.env, ...IDENTITY } });
    git(['init', '--bare', '-q', '-b', 'main', bare]);
    // Public: CookieCutter clones templates anonymously (private repositories need a Backstage token).
    git(['--git-dir', bare, 'config', 'pipelineEngine.visibility', 'public']);
    const work = mkdtempSync(join(tmpdir(), 'cc-'));
    execFileSync('cp', ['-a', `${join(dir, name)}/.`, work]);
    git(['init', '-q', '-b', 'main'], work);
    git(['add', '-A'], work);
    git(['commit', '-q', '-m', `cookiecutter template ${name}`], work);
    git(['push', '-q', bare, 'main'], work);
    rmSync(work, { recursive: true, force: true });
  }
}

module.exports = { publishCookiecutterTemplates };
