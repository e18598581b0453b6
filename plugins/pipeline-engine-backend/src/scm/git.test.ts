import { existsSync, readFileSync, statSync } from 'node:fs';
import { AuthenticationError } from '@backstage/errors';
import {
  describeGitFailure,
  GitCommandError,
  runGit,
  withGitEnvironment,
} from './git';

describe('runGit', () => {
  it('refuses URL arguments that carry credentials', async () => {
    await expect(
      runGit([
        'clone',
        'https://x-access-token:secret@github.com/a/b.git',
        'dir',
      ]),
    ).rejects.toThrow('refusing to run git with credentials in a URL argument');
    await expect(
      runGit(['ls-remote', 'https://token@github.com/a/b.git']),
    ).rejects.toThrow('refusing');
  });

  it('ignores GIT_* variables and the global config of the parent process', async () => {
    const saved = {
      GIT_DIR: process.env.GIT_DIR,
      GIT_CONFIG_PARAMETERS: process.env.GIT_CONFIG_PARAMETERS,
    };
    process.env.GIT_DIR = '/nonexistent/repo.git';
    process.env.GIT_CONFIG_PARAMETERS = "'credential.helper'='store'";
    try {
      const { stdout } = await runGit(
        ['config', '--get-all', 'credential.helper'],
        { allowFailure: true },
      );
      expect(stdout).toBe('\n');
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });

  it('rejects with git’s message when git fails', async () => {
    const error = await runGit(['rev-parse', '--verify', 'nope'], {
      cwd: '/',
    }).catch(e => e);
    expect(error).toBeInstanceOf(GitCommandError);
    expect(error.message).toMatch(
      /^git rev-parse failed \(exit 128\): fatal: /,
    );
  });
});

describe('withGitEnvironment', () => {
  it('passes the Authorization header through GIT_CONFIG_* only, scoped to the host', async () => {
    await withGitEnvironment(
      { authorization: 'Basic c2VjcmV0', scope: 'https://github.com/' },
      async env => {
        const count = Number(env.GIT_CONFIG_COUNT);
        const entries = Array.from({ length: count }, (_, i) => [
          env[`GIT_CONFIG_KEY_${i}`],
          env[`GIT_CONFIG_VALUE_${i}`],
        ]);
        expect(entries).toContainEqual([
          'http.https://github.com/.extraHeader',
          'Authorization: Basic c2VjcmV0',
        ]);
        expect(env.GIT_TERMINAL_PROMPT).toBe('0');
        const { stdout } = await runGit(
          [
            'config',
            '--get-urlmatch',
            'http.extraHeader',
            'https://github.com/a/b.git',
          ],
          { env },
        );
        expect(stdout.trim()).toBe('Authorization: Basic c2VjcmV0');
        const other = await runGit(
          [
            'config',
            '--get-urlmatch',
            'http.extraHeader',
            'https://evil.example.com/a.git',
          ],
          { env, allowFailure: true },
        );
        expect(other.stdout.trim()).toBe('');
      },
    );
  });

  it('writes an SSH key readable only by the owner and removes it afterwards', async () => {
    let keyFile = '';
    await withGitEnvironment(
      { ssh: { privateKey: 'KEY-MATERIAL' } },
      async env => {
        expect(env.GIT_SSH_COMMAND).toMatch(
          /^ssh -i '.+\/id' -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=accept-new /,
        );
        keyFile = /-i '([^']+)'/.exec(env.GIT_SSH_COMMAND)![1];
        expect(readFileSync(keyFile, 'utf8')).toBe('KEY-MATERIAL\n');
        expect(statSync(keyFile).mode & 0o777).toBe(0o600);
      },
    );
    expect(existsSync(keyFile)).toBe(false);
  });

  it('checks host keys strictly when known hosts are configured', async () => {
    await withGitEnvironment(
      { ssh: { privateKey: 'k', knownHosts: 'host ssh-ed25519 AAAA' } },
      async env => {
        expect(env.GIT_SSH_COMMAND).toContain('StrictHostKeyChecking=yes');
        const file = /UserKnownHostsFile='([^']+)'/.exec(
          env.GIT_SSH_COMMAND,
        )![1];
        expect(readFileSync(file, 'utf8')).toBe('host ssh-ed25519 AAAA');
      },
    );
  });
});

describe('describeGitFailure', () => {
  const failure = (stderr: string) =>
    describeGitFailure(
      new GitCommandError(['clone'], 128, stderr),
      'clone of X failed',
    );
  it('classifies authentication, permission, not found and network failures', () => {
    expect(
      failure("fatal: Authentication failed for 'https://github.com/a/b.git/'"),
    ).toBeInstanceOf(AuthenticationError);
    expect(
      failure('fatal: unable to access: The requested URL returned error: 403')
        .name,
    ).toBe('NotAllowedError');
    expect(failure('remote: Repository not found.').name).toBe('NotFoundError');
    expect(
      failure('fatal: unable to access: Could not resolve host: nowhere'),
    ).toMatchObject({ code: 'ENOTFOUND' });
    expect(
      failure(
        'fatal: unable to access: Failed to connect to localhost port 1: Connection refused',
      ),
    ).toMatchObject({ code: 'ECONNREFUSED' });
    expect(failure('fatal: something else').message).toBe(
      'clone of X failed: fatal: something else',
    );
  });
});
