import { parseArgs } from 'node:util';
import { processIo, type CliIo } from './io';
import { inputsCommand } from './inputsCommand';
import { renderCommand } from './renderCommand';
import { validateCommand } from './validateCommand';

export type { CliIo } from './io';

const USAGE = `usage: pipeline <command> [options]

commands:
  validate <file...>                      check pipelines; prints file:line:col for every problem
  inputs <file> [--json]                  list runtime inputs with their fully-qualified names
  render <file> [--set key=value]... [--input-set file]
                                          print the pipeline with runtime inputs resolved`;

/** Runs one CLI invocation and returns its exit code. */
export function runCli(argv: string[], io: CliIo = processIo): number {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        set: { type: 'string', multiple: true },
        'input-set': { type: 'string' },
        json: { type: 'boolean' },
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
      return validateCommand(rest, io);
    case 'inputs':
      return inputsCommand(rest, io, { json: parsed.values.json });
    case 'render':
      return renderCommand(rest, io, { set: parsed.values.set, inputSet: parsed.values['input-set'] });
    default:
      io.err(`unknown command "${command}"\n${USAGE}`);
      return 2;
  }
}

/** Entry point of the `pipeline` bin. */
export function main(): void {
  process.exitCode = runCli(process.argv.slice(2));
}
