import type { YamlValue } from '../model/types';
import type { ParsedYaml } from '../parser/parseYaml';
import { formatYamlPath, type YamlPath } from '../parser/yamlPath';
import type { Problem } from '../validation/problem';
import { didYouMean } from '../validation/suggest';
import {
  applyTemplateInputs,
  type InputsReporter,
} from './applyTemplateInputs';
import {
  parseTemplateDocument,
  VERSION_LABEL_PATTERN,
  type TemplateDocument,
  type TemplateType,
} from './templateDocument';
import {
  describeTemplateKey,
  formatTemplateScope,
  resolveTemplateRef,
  type TemplateKey,
  type TemplateScope,
} from './templateScope';

/** The versions a template has, and which one is stable. @public */
export interface TemplateVersionList {
  versionLabels: string[];
  /** Used when a reference gives no versionLabel. */
  stableVersionLabel?: string;
}

/** The text of one template version. @public */
export interface TemplateVersionText {
  yaml: string;
  /** Where it came from (a file path, `template <scope>/<id>@<version>`), for problem positions. */
  location?: string;
}

/**
 * A value returned directly or through a promise.
 *
 * @public
 */
export type MaybePromise<T> = T | Promise<T>;

/**
 * Where templates come from: the engine's store, or a folder of files for
 * the CLI. Template resolution itself does no I/O.
 *
 * @public
 */
export interface TemplateSource {
  /** The versions of a template; undefined when the scope has no such template. */
  listVersions(key: TemplateKey): MaybePromise<TemplateVersionList | undefined>;
  /** One version's document; undefined when it does not exist. */
  getVersion(
    key: TemplateKey,
    versionLabel: string,
  ): MaybePromise<TemplateVersionText | undefined>;
  /** Identifiers of the templates of a scope, for "did you mean". */
  listIdentifiers(scope: TemplateScope): MaybePromise<string[]>;
}

/** One template version a pipeline was expanded with. @public */
export interface TemplateUse {
  /** `account`, `<org>` or `<org>.<project>`. */
  scope: string;
  identifier: string;
  versionLabel: string;
  /** True when the reference gave no versionLabel and the stable version was taken. */
  stable: boolean;
  /** `pipeline`, or the template (`<scope>/<id>@<version>`) that uses it. */
  usedBy: string;
  /** YAML path of the reference in the document of `usedBy`. */
  yamlPath: string;
}

/** Result of {@link expandTemplates}. @public */
export interface ExpandTemplatesResult {
  ok: boolean;
  /** The document with every template reference replaced by its template, when `ok`. */
  document?: YamlValue;
  problems: Problem[];
  templates: TemplateUse[];
}

/** Options of {@link expandTemplates}. @public */
export interface ExpandTemplatesOptions {
  /** Places problems of the pipeline document at their line:column. */
  locate?: ParsedYaml['locate'];
  /** Nesting limit (templates using templates); 10 by default. */
  maxDepth?: number;
}

type Plain = { [key: string]: YamlValue };

function isPlain(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const KIND_OF_KEY: Record<string, TemplateType> = {
  pipeline: 'Pipeline',
  stage: 'Stage',
  stepGroup: 'StepGroup',
  step: 'Step',
};

/** Keys that stay on a templated node; the template supplies the rest. */
const NODE_KEYS = [
  'name',
  'identifier',
  'description',
  'tags',
  'orgIdentifier',
  'projectIdentifier',
];

/**
 * True when a `pipeline`, `stage`, `stepGroup` or `step` node of the
 * document has a `template:` reference.
 *
 * @public
 */
export function hasTemplateReferences(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasTemplateReferences);
  if (!isPlain(value)) return false;
  return Object.entries(value).some(
    ([key, child]) =>
      (key in KIND_OF_KEY && isPlain(child) && 'template' in child) ||
      hasTemplateReferences(child),
  );
}

/** The document being walked: the pipeline, or one template version. */
interface Context {
  scope: TemplateScope;
  /** `pipeline` or `<scope>/<id>@<version>`. */
  name: string;
  /** Template versions being expanded, outermost first (cycle detection). */
  stack: string[];
  report: InputsReporter;
}

interface LoadedTemplate {
  template: TemplateDocument;
  /** The spec with its own template references expanded. */
  spec: YamlValue;
}

/**
 * Replaces every `template: {templateRef, versionLabel?, templateInputs?}`
 * reference on a pipeline, stage, step group or step by the template's body,
 * with `templateInputs` filling the template's `<+input>` fields. Templates
 * may use templates; cycles, missing templates and missing versions are
 * errors at the reference's line:column with a "did you mean".
 *
 * @public
 */
export async function expandTemplates(
  document: YamlValue,
  source: TemplateSource | undefined,
  options: ExpandTemplatesOptions = {},
): Promise<ExpandTemplatesResult> {
  const problems: Problem[] = [];
  const templates: TemplateUse[] = [];
  const loaded = new Map<string, Promise<LoadedTemplate | undefined>>();
  const maxDepth = options.maxDepth ?? 10;

  const reporterFor =
    (
      locate: ParsedYaml['locate'] | undefined,
      location: string | undefined,
    ): InputsReporter =>
    (severity, path, code, message, hint) => {
      const position = locate?.(
        path,
        code === 'template-inputs-unknown' ? 'key' : 'value',
      );
      problems.push({
        severity,
        code,
        path: formatYamlPath(path),
        message,
        ...(hint ? { hint } : {}),
        ...(position ? { line: position.line, column: position.column } : {}),
        ...(location ? { document: location } : {}),
      });
    };

  const pipeline =
    isPlain(document) && isPlain(document.pipeline) ? document.pipeline : {};
  const pipelineScope: TemplateScope = {
    orgIdentifier:
      typeof pipeline.orgIdentifier === 'string'
        ? pipeline.orgIdentifier
        : 'default',
    projectIdentifier:
      typeof pipeline.projectIdentifier === 'string'
        ? pipeline.projectIdentifier
        : 'default',
  };

  async function walk(
    value: YamlValue,
    path: YamlPath,
    ctx: Context,
  ): Promise<YamlValue> {
    if (Array.isArray(value)) {
      const out: YamlValue[] = [];
      for (let i = 0; i < value.length; i++)
        out.push(await walk(value[i], [...path, i], ctx));
      return out;
    }
    if (!isPlain(value)) return value;
    const out: Plain = {};
    for (const [key, child] of Object.entries(value)) {
      const kind = KIND_OF_KEY[key];
      out[key] =
        kind && isPlain(child) && 'template' in child
          ? await expandNode(child, kind, [...path, key], ctx)
          : await walk(child, [...path, key], ctx);
    }
    return out;
  }

  async function expandNode(
    node: Plain,
    kind: TemplateType,
    path: YamlPath,
    ctx: Context,
  ): Promise<YamlValue> {
    const refPath = [...path, 'template'];
    const ref = node.template;
    if (!isPlain(ref)) {
      ctx.report(
        'error',
        refPath,
        'template-reference',
        'template must be a map: {templateRef, versionLabel, templateInputs}',
        'e.g. template: {templateRef: account.my_stage, versionLabel: v1}',
      );
      return node;
    }
    for (const key of Object.keys(ref)) {
      if (
        ![
          'templateRef',
          'versionLabel',
          'templateInputs',
          'gitBranch',
        ].includes(key)
      ) {
        ctx.report(
          'warning',
          [...refPath, key],
          'template-inputs-unknown',
          `unknown key "${key}" in the template reference; it is ignored`,
          didYouMean(key, ['templateRef', 'versionLabel', 'templateInputs']) ||
            'a reference has templateRef, versionLabel and templateInputs',
        );
      }
    }
    if (typeof ref.templateRef !== 'string') {
      ctx.report(
        'error',
        [...refPath, 'templateRef'],
        'field-required',
        'template.templateRef is required',
        'the template identifier: account.<id>, org.<id> or <id>',
      );
      return node;
    }
    const resolved = resolveTemplateRef(ref.templateRef, ctx.scope);
    if (!resolved.ok) {
      ctx.report(
        'error',
        [...refPath, 'templateRef'],
        'template-reference',
        resolved.message,
        resolved.hint,
      );
      return node;
    }
    const key = resolved.key;
    const versionValue = ref.versionLabel;
    if (
      versionValue !== undefined &&
      versionValue !== null &&
      ((typeof versionValue !== 'string' && typeof versionValue !== 'number') ||
        !VERSION_LABEL_PATTERN.test(String(versionValue)))
    ) {
      ctx.report(
        'error',
        [...refPath, 'versionLabel'],
        'version-label-format',
        `versionLabel "${String(versionValue)}" is not a version label`,
        'give a fixed label such as v1, or leave it out to use the stable version',
      );
      return node;
    }
    const described = describeTemplateKey(key);
    const versions = source ? await source.listVersions(key) : undefined;
    if (!versions || !versions.versionLabels.length) {
      const known = source ? await source.listIdentifiers(key) : [];
      const suggestion = didYouMean(key.identifier, known);
      ctx.report(
        'error',
        [...refPath, 'templateRef'],
        'template-not-found',
        `template "${ref.templateRef}" (${described}) does not exist${suggestion ? `; ${suggestion}` : ''}`,
        source
          ? `save the template in scope ${formatTemplateScope(key)} first, or fix templateRef`
          : 'template references are resolved against saved templates: save the pipeline in the engine, or run `pipeline validate --templates DIR`',
      );
      return node;
    }
    const explicit =
      versionValue === undefined || versionValue === null
        ? undefined
        : String(versionValue);
    const versionLabel = explicit ?? versions.stableVersionLabel;
    if (versionLabel === undefined) {
      ctx.report(
        'error',
        refPath,
        'template-no-stable',
        `template ${described} has no stable version and the reference gives no versionLabel`,
        `add versionLabel (one of ${versions.versionLabels.join(', ')}) or mark a version stable`,
      );
      return node;
    }
    if (!versions.versionLabels.includes(versionLabel)) {
      const suggestion = didYouMean(versionLabel, versions.versionLabels);
      ctx.report(
        'error',
        [...refPath, explicit ? 'versionLabel' : 'templateRef'],
        'template-version-not-found',
        `template ${described} has no version "${versionLabel}"${suggestion ? `; ${suggestion}` : ''}`,
        `its versions are ${versions.versionLabels.join(', ')}`,
      );
      return node;
    }
    const id = `${described}@${versionLabel}`;
    if (ctx.stack.includes(id)) {
      ctx.report(
        'error',
        [...refPath, 'templateRef'],
        'template-cycle',
        `template cycle: ${[...ctx.stack.slice(ctx.stack.indexOf(id)), id].join(' → ')}`,
        'a template cannot use itself, directly or through other templates',
      );
      return node;
    }
    if (ctx.stack.length >= maxDepth) {
      ctx.report(
        'error',
        [...refPath, 'templateRef'],
        'template-depth',
        `templates are nested more than ${maxDepth} deep (${[...ctx.stack, id].join(' → ')})`,
        'flatten the templates',
      );
      return node;
    }
    let pending = loaded.get(id);
    if (!pending) {
      pending = load(key, versionLabel, id, ctx);
      loaded.set(id, pending);
    }
    const template = await pending;
    if (!template) {
      ctx.report(
        'error',
        [...refPath, 'templateRef'],
        'template-invalid',
        `template ${id} has problems (listed with it)`,
        'fix the template, or use another version',
      );
      return node;
    }
    if (template.template.type !== kind) {
      ctx.report(
        'error',
        [...refPath, 'templateRef'],
        'template-type-mismatch',
        `template ${id} is a ${template.template.type} template, but it is used as a ${kind.charAt(0).toLowerCase()}${kind.slice(1)}`,
        `reference a ${kind} template here`,
      );
      return node;
    }
    templates.push({
      scope: formatTemplateScope(key),
      identifier: key.identifier,
      versionLabel,
      stable: explicit === undefined,
      usedBy: ctx.name,
      yamlPath: formatYamlPath(path),
    });
    const merged = applyTemplateInputs(
      template.spec,
      ref.templateInputs,
      [...refPath, 'templateInputs'],
      ctx.report,
    );
    const out: Plain = {};
    for (const nodeKey of ['name', 'identifier'])
      if (nodeKey in node) out[nodeKey] = node[nodeKey];
    if (kind === 'Pipeline') {
      for (const nodeKey of ['orgIdentifier', 'projectIdentifier'])
        if (nodeKey in node) out[nodeKey] = node[nodeKey];
    }
    if (isPlain(merged)) {
      // `type` first, as Harness writes nodes.
      const entries = Object.entries(merged).sort(
        ([a], [b]) => Number(b === 'type') - Number(a === 'type'),
      );
      for (const [specKey, value] of entries) {
        if (!(specKey in out)) out[specKey] = value;
      }
    }
    for (const nodeKey of ['description', 'tags'])
      if (nodeKey in node) out[nodeKey] = node[nodeKey];
    for (const nodeKey of Object.keys(node)) {
      if (nodeKey === 'template' || NODE_KEYS.includes(nodeKey)) continue;
      ctx.report(
        'warning',
        [...path, nodeKey],
        'template-node-key',
        `"${nodeKey}" beside template is ignored: the template supplies it`,
        'set it in the template, or make it <+input> there and give it in templateInputs',
      );
    }
    return out;
  }

  async function load(
    key: TemplateKey,
    versionLabel: string,
    id: string,
    ctx: Context,
  ): Promise<LoadedTemplate | undefined> {
    const text = await source!.getVersion(key, versionLabel);
    if (!text) return undefined;
    const location = text.location ?? `template ${id}`;
    const parsed = parseTemplateDocument(text.yaml);
    for (const problem of parsed.problems)
      problems.push({ ...problem, document: location });
    if (!parsed.ok || !parsed.template) return undefined;
    const template = parsed.template;
    const report = reporterFor(parsed.parsed.locate, location);
    if (
      template.identifier !== key.identifier ||
      template.versionLabel !== versionLabel
    ) {
      report(
        'error',
        ['template'],
        'template-mismatch',
        `the document of ${id} says identifier "${template.identifier}", versionLabel "${template.versionLabel}"`,
        'store each version under its own identifier and versionLabel',
      );
      return undefined;
    }
    const spec = await walk(template.spec, ['template', 'spec'], {
      scope: {
        ...(template.orgIdentifier
          ? { orgIdentifier: template.orgIdentifier }
          : {}),
        ...(template.projectIdentifier
          ? { projectIdentifier: template.projectIdentifier }
          : {}),
      },
      name: id,
      stack: [...ctx.stack, id],
      report,
    });
    return { template, spec };
  }

  const expanded = await walk(document, [], {
    scope: pipelineScope,
    name: 'pipeline',
    stack: [],
    report: reporterFor(options.locate, undefined),
  });
  const ok = !problems.some(p => p.severity === 'error');
  return { ok, ...(ok ? { document: expanded } : {}), problems, templates };
}
