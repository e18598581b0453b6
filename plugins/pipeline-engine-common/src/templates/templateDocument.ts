import type { YamlValue } from '../model/types';
import { parseYaml, type ParsedYaml } from '../parser/parseYaml';
import { formatYamlPath, type YamlPath } from '../parser/yamlPath';
import type { Problem } from '../validation/problem';
import { IDENTIFIER_PATTERN, NAME_PATTERN } from '../validation/rules';
import { didYouMean } from '../validation/suggest';
import type { TemplateScope } from './templateScope';

/** What a template is a template of. @public */
export type TemplateType = 'Pipeline' | 'Stage' | 'StepGroup' | 'Step';

/** The template types, in the order Harness lists them. @public */
export const TEMPLATE_TYPES: readonly TemplateType[] = [
  'Pipeline',
  'Stage',
  'StepGroup',
  'Step',
];

/** A version label: letters, digits, `.`, `_` and `-`, starting with a letter or digit. @public */
export const VERSION_LABEL_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * One version of a Harness v0 template: a `template:` mapping with `name`,
 * `identifier`, `versionLabel`, `type`, `spec` and optional
 * `orgIdentifier` / `projectIdentifier`.
 *
 * @public
 */
export interface TemplateDocument extends TemplateScope {
  name: string;
  identifier: string;
  versionLabel: string;
  type: TemplateType;
  description?: string;
  tags?: Record<string, string>;
  /** The template body: a pipeline, stage, step group or step without name and identifier. */
  spec: { [key: string]: YamlValue };
}

/** Result of {@link parseTemplateDocument}. @public */
export interface ParseTemplateResult {
  ok: boolean;
  template?: TemplateDocument;
  /** Errors and warnings with line:column. */
  problems: Problem[];
  /** The parsed YAML, to place problems found later (while expanding). */
  parsed: ParsedYaml;
}

const SPEC_EXAMPLES: Record<string, string> = {
  Pipeline: 'e.g. spec: {stages: [...], variables: [...]}',
  Stage: 'e.g. spec: {type: IDP, spec: {execution: {steps: [...]}}}',
  StepGroup: 'e.g. spec: {stageType: IDP, steps: [...]}',
  Step: 'e.g. spec: {type: Run, timeout: 10m, spec: {...}}',
};

type Plain = { [key: string]: YamlValue };

function isPlain(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Parses and checks the envelope of a template document. Its `spec` is
 * checked where the template is used, as part of the expanded pipeline.
 *
 * @public
 */
export function parseTemplateDocument(text: string): ParseTemplateResult {
  const parsed = parseYaml(text);
  const problems: Problem[] = [...parsed.problems];
  const error = (
    path: YamlPath,
    code: string,
    message: string,
    hint?: string,
  ) => {
    const position = parsed.locate(path);
    problems.push({
      severity: 'error',
      code,
      path: formatYamlPath(path),
      message,
      ...(hint ? { hint } : {}),
      ...(position ? { line: position.line, column: position.column } : {}),
    });
  };
  const fail = (): ParseTemplateResult => ({ ok: false, problems, parsed });
  if (problems.some(p => p.severity === 'error')) return fail();
  const root = isPlain(parsed.value) ? parsed.value.template : undefined;
  if (!isPlain(root)) {
    error(
      [],
      'not-a-template',
      'not a Harness template',
      'a template document starts with "template:" (name, identifier, versionLabel, type, spec)',
    );
    return fail();
  }
  const text_ = (key: string, required: boolean): string | undefined => {
    const value = root[key];
    if (value === undefined || value === null) {
      if (required)
        error(
          ['template', key],
          'field-required',
          `template.${key} is required`,
        );
      return undefined;
    }
    if (typeof value !== 'string' && typeof value !== 'number') {
      error(
        ['template', key],
        'field-type',
        `template.${key} must be a string`,
      );
      return undefined;
    }
    return String(value);
  };
  const name = text_('name', true);
  if (name !== undefined && !NAME_PATTERN.test(name)) {
    error(
      ['template', 'name'],
      'name-format',
      `"${name}" is not a valid name`,
      'use letters, digits, spaces, _ . - and no leading/trailing space',
    );
  }
  const identifier = text_('identifier', true);
  if (identifier !== undefined && !IDENTIFIER_PATTERN.test(identifier)) {
    error(
      ['template', 'identifier'],
      'identifier-format',
      `"${identifier}" is not a valid identifier`,
      'use letters, digits and _, not starting with a digit',
    );
  }
  const versionLabel = text_('versionLabel', true);
  if (versionLabel !== undefined && !VERSION_LABEL_PATTERN.test(versionLabel)) {
    error(
      ['template', 'versionLabel'],
      'version-label-format',
      `"${versionLabel}" is not a valid versionLabel`,
      'use letters, digits, ".", "_" and "-", e.g. v1 or 1.0.0',
    );
  }
  const type = text_('type', true);
  if (type !== undefined && !TEMPLATE_TYPES.includes(type as TemplateType)) {
    error(
      ['template', 'type'],
      'template-type',
      `template type "${type}" is not supported`,
      [
        didYouMean(type, TEMPLATE_TYPES),
        `use one of ${TEMPLATE_TYPES.join(', ')}`,
      ]
        .filter(Boolean)
        .join(' '),
    );
  }
  const orgIdentifier = text_('orgIdentifier', false);
  const projectIdentifier = text_('projectIdentifier', false);
  for (const [key, value] of [
    ['orgIdentifier', orgIdentifier],
    ['projectIdentifier', projectIdentifier],
  ] as const) {
    if (value !== undefined && !IDENTIFIER_PATTERN.test(value)) {
      error(
        ['template', key],
        'identifier-format',
        `"${value}" is not a valid ${key}`,
      );
    }
  }
  if (projectIdentifier !== undefined && orgIdentifier === undefined) {
    error(
      ['template', 'projectIdentifier'],
      'template-scope',
      'a project template needs orgIdentifier too',
      'add orgIdentifier, or remove projectIdentifier for an account template',
    );
  }
  const description = text_('description', false);
  const spec = root.spec;
  if (!isPlain(spec)) {
    error(
      ['template', 'spec'],
      spec === undefined || spec === null ? 'field-required' : 'field-type',
      'template.spec must be a map: the body of the template',
      SPEC_EXAMPLES[type ?? ''],
    );
  }
  const tags = isPlain(root.tags)
    ? Object.fromEntries(
        Object.entries(root.tags).map(([k, v]) => [
          k,
          v === null ? '' : String(v),
        ]),
      )
    : undefined;
  if (problems.some(p => p.severity === 'error') || !isPlain(spec))
    return fail();
  return {
    ok: true,
    problems,
    parsed,
    template: {
      name: name!,
      identifier: identifier!,
      versionLabel: versionLabel!,
      type: type as TemplateType,
      spec,
      ...(orgIdentifier !== undefined ? { orgIdentifier } : {}),
      ...(projectIdentifier !== undefined ? { projectIdentifier } : {}),
      ...(description !== undefined ? { description } : {}),
      ...(tags ? { tags } : {}),
    },
  };
}
