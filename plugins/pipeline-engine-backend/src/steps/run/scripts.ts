import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ProcessPaths } from '../../runners';

/*
 * How output variables are read from a script's final state. The user's
 * script never sees these mechanics except as a trailer:
 *
 * - Sh/Bash: the script runs in one shell with a trailer appended (and the
 *   same function on an EXIT trap, for scripts that call `exit 0`) that
 *   writes each named shell variable, exported or not, with `printf '%s'`
 *   to its own file `out/<index>`: values keep newlines, `=`, spaces and
 *   quotes byte for byte. A variable that is unset leaves no file.
 * - Python: a wrapper `exec`s the script in a fresh module namespace, then
 *   reads each name from the script's globals (str, int, float or bool) or,
 *   failing that, from `os.environ` (Harness's documented way), and writes
 *   them as JSON to `out.json`. `sys.exit(0)` still records outputs.
 * - Pwsh/Powershell: the script runs inside try/finally; the finally block
 *   reads each name as a PowerShell variable or, failing that, an
 *   environment variable, and writes JSON to `out.json`.
 */

/** Shells the script steps accept (Run's and ShellScript's spellings). */
export type ScriptShell =
  'Sh' | 'Bash' | 'Python' | 'Pwsh' | 'Powershell' | 'PowerShell';

/** A script ready to run: its command line and how to read its outputs. */
export interface PreparedScript {
  /** Program the shell needs, for messages: `bash`, `python3`, `pwsh`. */
  program: string;
  argv(paths: ProcessPaths): string[];
  /** Values of the output variables by index; a variable the script did not set is absent. */
  readOutputs(): Promise<Map<number, string>>;
}

/** What {@link prepareScript} writes. */
export interface ScriptOptions {
  /** Host directory for the script and its output files. */
  scratch: string;
  /** The same directory as the process will see it (differs in containers). */
  visibleScratch: string;
  shell: ScriptShell;
  script: string;
  /** Names of the variables to read back, in output order. */
  variables: string[];
  /**
   * Harness CI's Run step prepends `set -xe` (Sh/Bash) or
   * `$ErrorActionPreference = 'Stop'` (PowerShell); the ShellScript step
   * runs the script as written.
   */
  failFast: boolean;
  /**
   * With failFast, also trace commands (`set -x`) as Harness does. Off when
   * the step declares Secret outputs: a trace would log their values before
   * the step can know them as secrets.
   */
  trace: boolean;
  /** The process runs as another user (container): make the directory writable for it. */
  shared: boolean;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Throws unless `name` can name a variable in every supported shell. */
export function checkVariableName(name: string, field: string): void {
  if (!IDENTIFIER.test(name)) {
    throw new Error(
      `${field}: ${JSON.stringify(name)} is not a valid variable name (letters, digits and _, not starting with a digit)`,
    );
  }
}

const TRAILER =
  '{ __harness_rc=$?; set +x; } 2>/dev/null; __harness_export_outputs; exit $__harness_rc';

const shQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const psQuote = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** Writes the script and its wrapper into `scratch`. */
export async function prepareScript(o: ScriptOptions): Promise<PreparedScript> {
  o.variables.forEach(v => checkVariableName(v, 'output variable'));
  const outDir = join(o.scratch, 'out');
  await mkdir(outDir);
  if (o.shared) {
    await chmod(o.scratch, 0o755);
    await chmod(outDir, 0o777);
  }
  const visibleOut = `${o.visibleScratch}/out`;
  switch (o.shell) {
    case 'Sh':
    case 'Bash':
      return prepareShell(o, outDir, visibleOut);
    case 'Python':
      return preparePython(o, outDir, visibleOut);
    default:
      return preparePowerShell(o, outDir, visibleOut);
  }
}

async function prepareShell(
  o: ScriptOptions,
  outDir: string,
  visibleOut: string,
): Promise<PreparedScript> {
  const program = o.shell === 'Bash' ? 'bash' : 'sh';
  const writes = o.variables.map(
    (v, i) =>
      `  if [ -n "\${${v}+set}" ]; then printf '%s' "$${v}" > ${shQuote(`${visibleOut}/${i}`)}; fi`,
  );
  const text = [
    // `{ set +x; } 2>/dev/null` keeps xtrace from printing values (secrets) it writes.
    '__harness_export_outputs() {',
    '  { set +x; } 2>/dev/null',
    ...writes,
    '  :',
    '}',
    // The trap covers `exit`; the trailer covers scripts that replace the trap.
    // Both keep the script's exit status and are hidden from xtrace.
    `trap '${TRAILER}' EXIT`,
    ...(o.failFast ? [o.trace ? 'set -xe' : 'set -e'] : []),
    o.script,
    TRAILER,
    '',
  ].join('\n');
  await writeFile(join(o.scratch, 'script.sh'), text, { mode: 0o644 });
  return {
    program,
    argv: paths => [program, `${paths.scratch}/script.sh`],
    async readOutputs() {
      const values = new Map<number, string>();
      for (let i = 0; i < o.variables.length; i++) {
        try {
          values.set(i, await readFile(join(outDir, String(i)), 'utf8'));
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        }
      }
      return values;
    },
  };
}

function jsonOutputs(
  outDir: string,
  count: number,
): () => Promise<Map<number, string>> {
  return async () => {
    let text: string;
    try {
      text = await readFile(join(outDir, 'out.json'), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
      throw error;
    }
    const parsed = JSON.parse(
      text.replace(/^\uFEFF/, '').trim() || '{}',
    ) as Record<string, unknown>;
    const values = new Map<number, string>();
    for (let i = 0; i < count; i++) {
      const value = parsed[String(i)];
      if (value !== undefined && value !== null) values.set(i, String(value));
    }
    return values;
  };
}

async function preparePython(
  o: ScriptOptions,
  outDir: string,
  visibleOut: string,
): Promise<PreparedScript> {
  const wrapper = `import json, os, sys, traceback


def _harness_main():
    script, out = sys.argv[1], sys.argv[2]
    names = json.loads(${JSON.stringify(JSON.stringify(o.variables))})
    with open(script, encoding='utf-8') as f:
        code = compile(f.read(), script, 'exec')
    scope = {'__name__': '__main__', '__file__': script, '__builtins__': __builtins__}
    sys.argv = [script]

    def dump():
        values = {}
        for i, name in enumerate(names):
            value = scope.get(name)
            if not isinstance(value, (str, int, float, bool)):
                value = os.environ.get(name)
            if value is not None:
                values[str(i)] = value if isinstance(value, str) else str(value)
        with open(out, 'w', encoding='utf-8') as f:
            json.dump(values, f)

    try:
        exec(code, scope)
    except SystemExit as e:
        if e.code in (None, 0):
            dump()
        raise
    except BaseException as e:
        # The user's frames only, as if the script had run directly.
        traceback.print_exception(type(e), e, e.__traceback__.tb_next)
        sys.exit(1)
    dump()


_harness_main()
`;
  await writeFile(join(o.scratch, 'script.py'), o.script, { mode: 0o644 });
  await writeFile(join(o.scratch, 'wrapper.py'), wrapper, { mode: 0o644 });
  return {
    program: 'python3',
    argv: paths => [
      'python3',
      '-u',
      `${paths.scratch}/wrapper.py`,
      `${paths.scratch}/script.py`,
      `${visibleOut}/out.json`,
    ],
    readOutputs: jsonOutputs(outDir, o.variables.length),
  };
}

async function preparePowerShell(
  o: ScriptOptions,
  outDir: string,
  visibleOut: string,
): Promise<PreparedScript> {
  const names = o.variables.map(psQuote).join(', ');
  const text = [
    ...(o.failFast ? ["$ErrorActionPreference = 'Stop'"] : []),
    'try {',
    o.script,
    '} finally {',
    '  $__harnessValues = @{}',
    `  $__harnessNames = @(${names})`,
    '  for ($__harnessI = 0; $__harnessI -lt $__harnessNames.Count; $__harnessI++) {',
    '    $__harnessName = $__harnessNames[$__harnessI]',
    '    $__harnessValue = Get-Variable -Name $__harnessName -ValueOnly -ErrorAction SilentlyContinue',
    '    if ($null -eq $__harnessValue) { $__harnessValue = [Environment]::GetEnvironmentVariable($__harnessName) }',
    '    if ($null -ne $__harnessValue) { $__harnessValues["$__harnessI"] = [string]$__harnessValue }',
    '  }',
    `  [System.IO.File]::WriteAllText(${psQuote(`${visibleOut}/out.json`)}, ($__harnessValues | ConvertTo-Json -Compress))`,
    '}',
    '',
  ].join('\n');
  await writeFile(join(o.scratch, 'script.ps1'), text, { mode: 0o644 });
  const program =
    process.platform === 'win32' && o.shell !== 'Pwsh' ? 'powershell' : 'pwsh';
  return {
    program,
    argv: paths => [
      program,
      '-NoLogo',
      '-NoProfile',
      '-NonInteractive',
      '-ExecutionPolicy',
      'Bypass',
      '-File',
      `${paths.scratch}/script.ps1`,
    ],
    readOutputs: jsonOutputs(outDir, o.variables.length),
  };
}
