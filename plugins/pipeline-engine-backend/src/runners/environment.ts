import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { delimiter, isAbsolute, join } from 'node:path';

/**
 * Backend variables every process gets. Nothing else of the backend's
 * environment is passed on: it holds the backend's own credentials
 * (database, integrations, secrets referenced from app-config).
 */
export const BASIC_VARIABLES = [
  'PATH',
  'HOME',
  'LANG',
  'LANGUAGE',
  'LC_ALL',
  'LC_CTYPE',
  'TZ',
  'TMPDIR',
  'TMP',
  'TEMP',
  'USER',
  'LOGNAME',
  // Windows cannot start most programs without these.
  'SYSTEMROOT',
  'SystemRoot',
  'COMSPEC',
  'ComSpec',
  'PATHEXT',
  'WINDIR',
  'windir',
];

/** What a docker-compatible CLI needs to find its engine and credentials. */
export const CONTAINER_CLIENT_VARIABLES = [
  'DOCKER_HOST',
  'DOCKER_CONFIG',
  'DOCKER_CONTEXT',
  'DOCKER_CERT_PATH',
  'DOCKER_TLS_VERIFY',
  'CONTAINER_HOST',
  'CONTAINER_CONNECTION',
  'CONTAINERS_CONF',
  'REGISTRY_AUTH_FILE',
  'XDG_RUNTIME_DIR',
  'XDG_CONFIG_HOME',
  'XDG_DATA_HOME',
];

/** The backend's values of the basic variables plus `extra` names. */
export function scrubbedEnvironment(
  extra: readonly string[] = [],
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of [...BASIC_VARIABLES, ...extra]) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}

/** Throws when a step's environment variable name cannot be passed to a process. */
export function checkEnvironmentNames(
  env: Record<string, string>,
  field: string,
): void {
  for (const name of Object.keys(env)) {
    if (name === '' || name.includes('=') || name.includes('\0')) {
      throw new Error(
        `${field}: ${JSON.stringify(name)} is not a valid environment variable name`,
      );
    }
  }
}

/** Absolute path of `program` on `path` (a PATH value), or undefined. */
export async function findProgram(
  program: string,
  path: string | undefined,
): Promise<string | undefined> {
  const candidates =
    isAbsolute(program) || program.includes('/')
      ? [program]
      : (path ?? '')
          .split(delimiter)
          .filter(Boolean)
          .flatMap(dir => {
            const base = join(dir, program);
            return process.platform === 'win32'
              ? [base, `${base}.exe`, `${base}.cmd`]
              : [base];
          });
  for (const candidate of candidates) {
    try {
      await access(candidate, constants.X_OK);
      if ((await stat(candidate)).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}
