import type { NetworkPolicy, OutboundSource } from './networkPolicy';

/** `-c` arguments that make git talk only to what the policy checked. */
export interface GitRemoteGuard {
  /** Put before git's subcommand: `git ...configArgs clone ...`. */
  configArgs: string[];
}

const SCP_REMOTE = /^([^@/\s]+@)?([^:/\s]+):(?!\/\/)(.*)$/;

/** Only this transport (and, for http, no redirects): submodules and redirects cannot lead elsewhere. */
function onlyProtocol(protocol: string): string[] {
  return [
    '-c',
    'protocol.allow=never',
    '-c',
    `protocol.${protocol}.allow=always`,
  ];
}

/**
 * Checks a git remote a pipeline chose against the policy, before git runs.
 * http(s): host allowed, every address checked and pinned with
 * `http.curloptResolve` (git connects to exactly those), redirects off.
 * ssh/git: host allowed and every address checked; git resolves the name
 * again itself, so a DNS change between check and connect is not caught
 * (documented limit). `file:` URLs and paths: only with `allowLocalPaths`.
 * @throws NotAllowedError
 */
export async function checkGitRemote(
  policy: NetworkPolicy,
  remote: string,
  source: OutboundSource,
): Promise<GitRemoteGuard> {
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//
    .exec(remote)?.[1]
    ?.toLowerCase();
  if (!scheme) {
    const scp = SCP_REMOTE.exec(remote);
    // `C:\repo` and `./a:b` are paths, `git@host:org/repo` is ssh.
    if (
      scp &&
      scp[2].length > 1 &&
      !remote.startsWith('.') &&
      !remote.startsWith('/')
    ) {
      await policy.check(
        new URL(`ssh://${scp[1] ?? ''}${scp[2]}/${scp[3]}`),
        source,
        ['ssh:'],
      );
      return { configArgs: onlyProtocol('ssh') };
    }
    policy.checkLocalPath(remote, source);
    return { configArgs: onlyProtocol('file') };
  }
  if (scheme === 'file') {
    policy.checkLocalPath(remote, source);
    return { configArgs: onlyProtocol('file') };
  }
  let url: URL;
  try {
    url = new URL(remote);
  } catch {
    url = new URL('invalid://');
  }
  const target = await policy.check(url, source, [
    'http:',
    'https:',
    'ssh:',
    'git:',
  ]);
  if (scheme !== 'http' && scheme !== 'https')
    return { configArgs: onlyProtocol(scheme) };
  const addresses = target.addresses
    .map(a => (a.family === 6 ? `[${a.address}]` : a.address))
    .join(',');
  return {
    configArgs: [
      ...onlyProtocol(scheme),
      '-c',
      `http.curloptResolve=${target.hostname}:${target.port}:${addresses}`,
      '-c',
      'http.followRedirects=false',
    ],
  };
}
