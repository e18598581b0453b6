import { parseArgs } from 'node:util';
import { processIo, type CliIo } from './io';
import { inputsCommand } from './inputsCommand';
import { renderCommand } from './renderCommand';
import { validateCommand } from './validateCommand';

export type { CliIo } from './io';

const USAGE = `usage: pipeline <command> [options]

commands:
  validate <file...> [--templates DIR]    check pipelines; prints file:line:col for every problem
  inputs <file> [--json] [--templates DIR]
                                          list runtime inputs with their fully-qualified names
  render <file> [--set key=value]... [--input-set file] [--templates DIR]
                                          print the pipeline with runtime inputs resolved
  render <file> --expand [--templates DIR]
                                          print the pipeline with its templates expanded

  --templates DIR   Harness template files (every *.yaml in DIR) for template references;
                    DIR/stable.yaml (<identifier>: <versionLabel>) names the stable version
                    of a template that has several`;

/** Runs one CLI invocation and returns its exit code. */
export async function runCli(
  argv: string[],
  io: CliIo = processIo,
): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        set: { type: 'string', multiple: true },
        'input-set': { type: 'string' },
        json: { type: 'boolean' },
        templates: { type: 'string' },
        expand: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    io.err(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const [command, ...rest] = parsed.positionals;
  if (parsed.values.help || !command) {
    io.out(USAGE);
    return command || parsed.values.help ? 0 : 2;
  }
  switch (command) {
    case 'validate':
      return validateCommand(rest, io, { templates: parsed.values.templates });
    case 'inputs':
      return inputsCommand(rest, io, {
        json: parsed.values.json,
        templates: parsed.values.templates,
      });
    case 'render':
      return renderCommand(rest, io, {
        set: parsed.values.set,
        inputSet: parsed.values['input-set'],
        templates: parsed.values.templates,
        expand: parsed.values.expand,
      });
    default:
      io.err(`unknown command "${command}"\n${USAGE}`);
      return 2;
  }
}

/** Entry point of the `pipeline` bin. */
export function main(): void {
  runCli(process.argv.slice(2)).then(
    code => {
      process.exitCode = code;
    },
    error => {
      process.stderr.write(`pipeline: ${(error as Error).message}\n`);
      process.exitCode = 1;
    },
  );
}
