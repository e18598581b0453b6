import {
  createDocumentTemplateSource,
  parseYaml,
  type Problem,
  type TemplateSource,
} from '@idp-pipelines/plugin-pipeline-engine-common';
import { join } from 'node:path';
import { readInput, type CliIo } from './io';

/** The file in a templates folder that names the stable version of templates with several. */
export const STABLE_FILE = 'stable.yaml';

/**
 * Reads every `*.yaml`/`*.yml` file of `dir` as a Harness template version
 * (`--templates DIR`). A template with one version has it stable; with
 * several, `DIR/stable.yaml` (`<identifier>: <versionLabel>`) names it.
 */
export function loadTemplateDir(
  io: CliIo,
  dir: string,
):
  | { ok: true; source: TemplateSource; problems: Problem[] }
  | { ok: false; lines: string[] } {
  let names: string[];
  try {
    names = io.listFiles(dir);
  } catch (e) {
    return {
      ok: false,
      lines: [
        `--templates ${dir}: cannot read the folder: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      ],
    };
  }
  const documents: Array<{ yaml: string; location: string }> = [];
  const lines: string[] = [];
  let stable: Record<string, string> = {};
  for (const name of names.filter(n => /\.ya?ml$/.test(n)).sort()) {
    const path = join(dir, name);
    const input = readInput(io, path);
    if (!input.ok) {
      lines.push(input.message);
      continue;
    }
    if (name === STABLE_FILE) {
      const parsed = parseYaml(input.text);
      const value = parsed.value;
      if (
        parsed.problems.some(p => p.severity === 'error') ||
        typeof value !== 'object' ||
        value === null ||
        Array.isArray(value) ||
        !Object.values(value).every(
          v => typeof v === 'string' || typeof v === 'number',
        )
      ) {
        lines.push(
          `${path}: expected a map of <identifier>: <versionLabel>, e.g. "idp_onboarding: v2"`,
        );
        continue;
      }
      stable = Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k, String(v)]),
      );
      continue;
    }
    documents.push({ yaml: input.text, location: path });
  }
  if (lines.length) return { ok: false, lines };
  const { source, problems } = createDocumentTemplateSource(documents, stable);
  return { ok: true, source, problems };
}
