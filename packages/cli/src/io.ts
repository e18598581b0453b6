import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** What the commands need from the outside world; tests pass their own. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** Reads a file relative to the working directory; throws ENOENT etc. */
  readFile(path: string): string;
  /** Names of the files in a folder (`--templates DIR`); throws ENOENT etc. */
  listFiles(dir: string): string[];
}

/** The process's own stdout/stderr and file system. */
export const processIo: CliIo = {
  out: line => process.stdout.write(`${line}\n`),
  err: line => process.stderr.write(`${line}\n`),
  readFile: path =>
    readFileSync(resolve(process.env.INIT_CWD ?? process.cwd(), path), 'utf8'),
  listFiles: dir =>
    readdirSync(resolve(process.env.INIT_CWD ?? process.cwd(), dir), {
      withFileTypes: true,
    })
      .filter(entry => entry.isFile())
      .map(entry => entry.name),
};

/** Reads a file, turning I/O failures into one readable line. */
export function readInput(
  io: CliIo,
  path: string,
): { ok: true; text: string } | { ok: false; message: string } {
  try {
    return { ok: true, text: io.readFile(path) };
  } catch (e) {
    const reasons: Record<string, string> = {
      ENOENT: 'no such file',
      EISDIR: 'is a directory',
    };
    const reason =
      reasons[(e as NodeJS.ErrnoException).code ?? ''] ?? (e as Error).message;
    return { ok: false, message: `${path}: cannot read: ${reason}` };
  }
}
