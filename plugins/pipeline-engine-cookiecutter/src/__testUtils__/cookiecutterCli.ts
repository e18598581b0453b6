import { spawnSync } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { PyDict, PyFloat, PyTuple, type PyValue } from '../jinja/values';

/*
 * Locating the real cookiecutter for fidelity tests, and a Python oracle
 * that renders snippets with cookiecutter's own Jinja2 environment.
 */

const INSTALL_HINT =
  'install it (Debian/Ubuntu: apt-get install -y cookiecutter)';

/** Absolute path of `cookiecutter` on PATH, or undefined. */
export function findCookiecutter(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'cookiecutter');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Whether we run in CI, where a missing cookiecutter must fail the fidelity tests. */
export function inCi(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0';
}

/**
 * `describe` when cookiecutter is installed or in CI (where its absence then
 * fails every test with how to install it); `describe.skip` locally without it.
 */
export function describeWithCookiecutter(
  name: string,
  fn: (cli: () => string) => void,
): void {
  const cli = findCookiecutter();
  const run = cli || inCi() ? describe : describe.skip;
  if (!cli && !inCi()) {
    // eslint-disable-next-line no-console
    console.warn(
      `cookiecutter is not on PATH; skipping "${name}" (${INSTALL_HINT})`,
    );
  }
  run(name, () => {
    fn(() => {
      if (!cli)
        throw new Error(
          `cookiecutter is not on PATH: ${INSTALL_HINT}; the fidelity tests need the real program`,
        );
      return cli;
    });
  });
}

/** The Python interpreter cookiecutter runs on (from its shebang). */
export function cookiecutterPython(cli: string): string {
  const first = readFileSync(cli, 'utf8').split('\n')[0];
  const m = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(first);
  if (!m) return 'python3';
  return m[1].endsWith('/env') && m[2] ? m[2] : m[1];
}

/** Tagged JSON for the oracle: floats, tuples and (ordered) dicts survive the trip. */
export function encodePy(v: PyValue): unknown {
  if (v instanceof PyFloat) return { f: String(v.v) };
  if (v instanceof PyTuple) return { t: v.items.map(encodePy) };
  if (v instanceof PyDict)
    return {
      [v.ordered ? 'o' : 'd']: v
        .entries()
        .map(([k, x]) => [encodePy(k), encodePy(x)]),
    };
  if (Array.isArray(v)) return v.map(encodePy);
  return v;
}

/** One snippet for the oracle. */
export interface OracleCase {
  template: string;
  vars?: Record<string, PyValue>;
  /** Jinja2's keep_trailing_newline; default true, as cookiecutter renders files. */
  keep?: boolean;
  extensions?: string[];
}

/** Python's result: output or the exception's type. */
export type OracleResult = { ok: string } | { err: string; msg: string };

const ORACLE = String.raw`
import json, sys
from collections import OrderedDict
from cookiecutter.environment import StrictEnvironment
def dec(v):
    if isinstance(v, dict):
        if 'f' in v: return float(v['f'])
        if 't' in v: return tuple(dec(x) for x in v['t'])
        if 'd' in v: return {dec(k): dec(x) for k, x in v['d']}
        if 'o' in v: return OrderedDict((dec(k), dec(x)) for k, x in v['o'])
    if isinstance(v, list): return [dec(x) for x in v]
    return v
out = []
for c in json.load(sys.stdin):
    try:
        env = StrictEnvironment(context={'cookiecutter': {'_extensions': c.get('extensions', [])}}, keep_trailing_newline=c.get('keep', True))
        out.append({'ok': env.from_string(c['template']).render(**{k: dec(v) for k, v in c.get('vars', {}).items()})})
    except Exception as e:
        out.append({'err': type(e).__name__, 'msg': str(e)})
sys.stdout.write(json.dumps(out))
`;

/** Renders every case with cookiecutter's Jinja2 (one Python process for all). */
export function pythonRender(cli: string, cases: OracleCase[]): OracleResult[] {
  const input = JSON.stringify(
    cases.map(c => ({
      ...c,
      vars: Object.fromEntries(
        Object.entries(c.vars ?? {}).map(([k, v]) => [k, encodePy(v)]),
      ),
    })),
  );
  const r = spawnSync(cookiecutterPython(cli), ['-c', ORACLE], {
    input,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`python oracle failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as OracleResult[];
}
