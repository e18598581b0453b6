import type { z } from 'zod';
import type { YamlValue } from '../model/types';
import type { YamlPath } from '../parser/yamlPath';
import type { StepDefinition } from '../steps/defineStep';
import { expressionTolerant } from '../steps/expressionTolerant';
import { knownKeys } from '../steps/fields';
import type { ProblemCollector } from './collector';
import { warnUnknownKeys, type YamlMap } from './readers';

/**
 * Checks a step's spec as written against its type's declaration (any field
 * may still be an expression) and maps each zod issue to the YAML path of
 * the offending field.
 */
export function checkStepSpec(
  definition: StepDefinition,
  spec: YamlMap,
  specPath: YamlPath,
  c: ProblemCollector,
): void {
  warnUnknownKeys(
    spec,
    specPath,
    knownKeys(definition.spec),
    c,
    `${definition.type} spec`,
  );
  const result = expressionTolerant(definition.spec).safeParse(spec);
  if (result.success) return;
  for (const issue of result.error.issues) {
    const at = [...specPath, ...issue.path];
    const field = issue.path.length
      ? String(issue.path[issue.path.length - 1])
      : 'spec';
    const value = valueAt(spec, issue.path);
    if (value === undefined && issue.code === 'invalid_type') {
      c.error(
        at,
        'required',
        `${field} is required for a ${definition.type} step`,
        `add "${field}:" under spec (${definition.type} ${definition.description})`,
      );
    } else {
      c.error(
        at,
        'invalid-spec',
        `${field}: ${describeIssue(issue, value)}`,
        hintFor(issue),
      );
    }
  }
}

function valueAt(
  root: YamlValue,
  path: ReadonlyArray<string | number>,
): YamlValue | undefined {
  let v: YamlValue | undefined = root;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, YamlValue>)[seg];
  }
  return v;
}

function describeIssue(issue: z.ZodIssue, value: unknown): string {
  if (issue.code === 'invalid_union') {
    // Unions here are "literal type or expression": report the literal branch.
    const literal = issue.unionErrors[0]?.issues[0];
    if (literal) return describeIssue(literal, value);
  }
  if (issue.code === 'invalid_enum_value') {
    return `${JSON.stringify(value)} is not allowed`;
  }
  if (issue.code === 'invalid_type') {
    return `expected ${issue.expected}, found ${issue.received === 'null' ? 'nothing (null)' : issue.received}`;
  }
  return issue.message;
}

function hintFor(issue: z.ZodIssue): string | undefined {
  if (issue.code === 'invalid_union') {
    const literal = issue.unionErrors[0]?.issues[0];
    return literal
      ? (hintFor(literal) ??
          'or use an expression such as <+pipeline.variables.x>')
      : undefined;
  }
  if (issue.code === 'invalid_enum_value') {
    return `use one of: ${issue.options.join(', ')} (or an expression)`;
  }
  return undefined;
}
