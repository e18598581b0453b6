/* Test-only helpers: load the YAML fixtures in this folder. */
import { readFileSync } from 'fs';
import { join } from 'path';
import { parse } from 'yaml';

/** Parses `__fixtures__/<name>` into a plain object, as the engine would. */
export function loadFixture(name: string): unknown {
  return parse(readFileSync(join(__dirname, name), 'utf8'));
}

/** The seed pipeline from idp-stage.md (a copy of examples/seed). */
export const seedPipeline = (): unknown =>
  loadFixture('self-service-flow.pipeline.yaml');

/** Stage variables, step groups and parallel blocks. */
export const nestedPipeline = (): unknown =>
  loadFixture('nested.pipeline.yaml');
