/*
 * Benchmark: the builtin cookiecutter engine against the real cookiecutter
 * CLI on the fixture corpus. Prints the median time per template, the ratio
 * and whether both produced identical trees. Asserts nothing.
 *
 *   node plugins/pipeline-engine-cookiecutter/bench/cookiecutter.js [runs] [template-name-prefix]
 *
 * Besides the fixture corpus it renders a generated django-sized template
 * (≥ 200 files, __testUtils__/largeTemplate.ts) and prints its ratio.
 */
require('@backstage/cli/config/nodeTransform.cjs');

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { createBuiltinEngine } = require('../src/builtin/builtinEngine');
const { buildContext } = require('../src/builtin/context');
const { writeLargeTemplate } = require('../src/__testUtils__/largeTemplate');

const TEMPLATES = path.join(
  __dirname,
  '..',
  'src',
  '__fixtures__',
  'templates',
);
const RUNS = Number(process.argv[2] ?? 9);

function findCookiecutter() {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, 'cookiecutter');
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

function snapshot(root) {
  const out = {};
  const walk = dir => {
    for (const name of fs.readdirSync(dir).sort()) {
      const abs = path.join(dir, name);
      const st = fs.lstatSync(abs);
      const rel = path.relative(root, abs);
      if (st.isDirectory()) {
        out[rel] = `dir ${(st.mode & 0o7777).toString(8)}`;
        walk(abs);
      } else {
        out[rel] =
          `file ${(st.mode & 0o7777).toString(8)} ${fs.readFileSync(abs).toString('base64')}`;
      }
    }
  };
  walk(root);
  return JSON.stringify(out);
}

const median = xs => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

async function timeBuiltin(templateDir) {
  const engine = createBuiltinEngine();
  const times = [];
  let tree;
  for (let i = 0; i < RUNS + 1; i++) {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-builtin-'));
    const start = process.hrtime.bigint();
    await engine.render({
      templateDir,
      outputDir: out,
      variables: {},
      overwriteIfExists: false,
    });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (i > 0) times.push(ms); // the first run warms up the JIT and module caches
    tree = snapshot(out);
    fs.rmSync(out, { recursive: true, force: true });
  }
  return { ms: median(times), tree };
}

/**
 * cookiecutter 1.7 does not render `__` private variables (2.x does, and so
 * does the builtin engine): pass their rendered values, as the fidelity test does.
 */
async function privateVariables(templateDir) {
  const ctx = await buildContext(templateDir, {}, templateDir);
  return ctx.cookiecutter
    .entries()
    .filter(
      ([k, v]) =>
        typeof k === 'string' && k.startsWith('__') && typeof v === 'string',
    )
    .map(([k, v]) => `${k}=${v}`);
}

function timeCli(cli, templateDir, extra) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-home-'));
  const config = path.join(home, 'config.yaml');
  fs.writeFileSync(
    config,
    `cookiecutters_dir: ${JSON.stringify(path.join(home, 'cc'))}\nreplay_dir: ${JSON.stringify(path.join(home, 'replay'))}\n`,
  );
  const times = [];
  let tree;
  for (let i = 0; i < RUNS; i++) {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-cli-'));
    const start = process.hrtime.bigint();
    execFileSync(
      cli,
      [
        '--no-input',
        '--config-file',
        config,
        '-o',
        out,
        '--',
        templateDir,
        ...extra,
      ],
      { cwd: home, stdio: 'ignore' },
    );
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    tree = snapshot(out);
    fs.rmSync(out, { recursive: true, force: true });
  }
  fs.rmSync(home, { recursive: true, force: true });
  return { ms: median(times), tree };
}

async function main() {
  const cli = findCookiecutter();
  const only = process.argv[3];
  const largeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-large-'));
  const largeFiles = await writeLargeTemplate(largeDir);
  const largeName = `large-django (${largeFiles} files, generated)`;
  const templates = [
    ...fs
      .readdirSync(TEMPLATES)
      .sort()
      .map(name => [name, path.join(TEMPLATES, name)]),
    [largeName, largeDir],
  ].filter(([name]) => !only || name.startsWith(only));
  console.log(
    `cookiecutter engines on ${templates.length} templates, median of ${RUNS} runs (default variables)`,
  );
  if (!cli)
    console.log(
      'cookiecutter is not on PATH (apt-get install -y cookiecutter): builtin figures only',
    );
  const rows = [];
  for (const [name, dir] of templates) {
    const b = await timeBuiltin(dir);
    const c = cli ? timeCli(cli, dir, await privateVariables(dir)) : undefined;
    rows.push({
      template: name,
      'builtin ms': b.ms.toFixed(2),
      'cli ms': c ? c.ms.toFixed(1) : '-',
      ratio: c ? `${(c.ms / b.ms).toFixed(0)}x` : '-',
      identical: c ? ['NO', 'yes'][Number(c.tree === b.tree)] : '-',
      _ratio: c ? c.ms / b.ms : undefined,
    });
  }
  fs.rmSync(largeDir, { recursive: true, force: true });
  console.table(rows.map(({ _ratio, ...r }) => r));
  const large = rows.find(r => r.template === largeName);
  if (large)
    console.log(
      `large template: builtin ${large['builtin ms']} ms, cli ${large['cli ms']} ms, ratio ${large.ratio}`,
    );
  const ratios = rows.map(r => r._ratio).filter(r => r !== undefined);
  if (ratios.length) {
    console.log(
      `median ratio ${median(ratios).toFixed(0)}x, minimum ${Math.min(...ratios).toFixed(0)}x (target: builtin at least 10x faster with identical output)`,
    );
    const different = rows
      .filter(r => r.identical === 'NO')
      .map(r => r.template);
    console.log(
      different.length
        ? `outputs differ for: ${different.join(', ')}`
        : 'all outputs identical',
    );
  }
}

main().catch(e => {
  console.error(e);
  process.exitCode = 1;
});
