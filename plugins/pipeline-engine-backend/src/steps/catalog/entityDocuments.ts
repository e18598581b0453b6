import {
  KubernetesValidatorFunctions,
  type Entity,
} from '@backstage/catalog-model';
import {
  BUILTIN_ENTITY_KINDS,
  builtinKindValidators,
  catalogEntityPolicy,
  didYouMean,
} from '@idp-pipelines/plugin-pipeline-engine-common';
import { LineCounter, parseAllDocuments } from 'yaml';

/** One entity of a catalog file. */
export interface EntityDocument {
  /** 1-based position among the file's documents. */
  index: number;
  /** 1-based line the document starts on. */
  line: number;
  entity: Entity;
}

/** What validating a catalog file found. */
export interface CatalogFileCheck {
  entities: EntityDocument[];
  /** Problems the catalog would reject the file for; empty when valid. */
  errors: string[];
  /** Things that may work, depending on the catalog's installed processors. */
  warnings: string[];
}

const FORMAT_HELP =
  'see https://backstage.io/docs/features/software-catalog/descriptor-format';

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A name the catalog accepts, derived from an invalid one. */
function suggestName(name: string): string {
  const cleaned = name
    .trim()
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/[-_.]{2,}/g, '-')
    .replace(/^[-_.]+|[-_.]+$/g, '')
    .slice(0, 63)
    .replace(/[-_.]+$/, '');
  return cleaned || 'my-component';
}

/**
 * Rewrites the schema validators' messages (`/spec must have required
 * property 'type' - missingProperty: type`) as field paths (`spec.type is
 * required`).
 */
function schemaMessage(message: string): string {
  const m = /^(\S+) (.*?)(?: - (\w+): (.*))?$/s.exec(message);
  if (!m) return message;
  const [, pointer, text, detailKey, detail] = m;
  const path =
    pointer === '<root>' ? '' : pointer.replace(/^\//, '').split('/').join('.');
  if (detailKey === 'missingProperty')
    return `${path ? `${path}.` : ''}${detail} is required`;
  if (detailKey === 'additionalProperty') {
    return `${path || 'the document'} has an unknown field "${detail}"; remove it or move it under ${path ? `${path}` : 'metadata or spec'}`;
  }
  if (detailKey === 'allowedValues') return `${path} ${text}: ${detail}`;
  return `${path || 'the document'} ${text}`;
}

/**
 * Validates every YAML document of a catalog file as a Backstage entity, the
 * way the catalog will. Each error names the document, the field and the fix.
 */
export async function checkCatalogFile(
  content: string,
): Promise<CatalogFileCheck> {
  const errors: string[] = [];
  const warnings: string[] = [];
  const entities: EntityDocument[] = [];
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(content, {
    lineCounter,
    prettyErrors: false,
  });
  const list = Array.isArray(documents) ? documents : [];
  const seen = new Map<string, number>();

  for (let i = 0; i < list.length; i++) {
    const doc = list[i];
    const index = i + 1;
    const start = doc.contents?.range?.[0] ?? doc.range[0];
    const line = lineCounter.linePos(start).line;
    const where = `document ${index} (line ${line})`;
    if (doc.errors.length) {
      for (const e of doc.errors) {
        const at = e.pos ? lineCounter.linePos(e.pos[0]).line : undefined;
        errors.push(
          `${where}: invalid YAML${at ? ` at line ${at}` : ''}: ${e.message.split('\n')[0]}`,
        );
      }
      continue;
    }
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    if (!isObject(value)) {
      errors.push(
        `${where}: expected a mapping with apiVersion, kind, metadata and spec, found ${Array.isArray(value) ? 'a list' : `a ${typeof value}`}`,
      );
      continue;
    }
    const problems = await checkEntity(value);
    errors.push(...problems.errors.map(p => `${where}: ${p}`));
    warnings.push(...problems.warnings.map(p => `${where}: ${p}`));
    if (problems.errors.length) continue;
    const entity = value as unknown as Entity;
    const ref =
      `${entity.kind}:${entity.metadata.namespace ?? 'default'}/${entity.metadata.name}`.toLocaleLowerCase(
        'en-US',
      );
    const first = seen.get(ref);
    if (first !== undefined) {
      errors.push(
        `${where}: ${ref} is already defined by document ${first}; give each entity its own metadata.name`,
      );
      continue;
    }
    seen.set(ref, index);
    entities.push({ index, line, entity });
  }
  if (errors.length === 0 && entities.length === 0) {
    errors.push(
      'fileContent holds no entity; write at least one document with apiVersion, kind, metadata.name and spec',
    );
  }
  return { entities, errors, warnings };
}

async function checkEntity(
  value: Record<string, unknown>,
): Promise<{ errors: string[]; warnings: string[] }> {
  const errors: string[] = [];
  const warnings: string[] = [];
  const { apiVersion, kind, metadata } = value;

  if (typeof apiVersion !== 'string' || !apiVersion) {
    errors.push(
      'apiVersion is required, e.g. apiVersion: backstage.io/v1alpha1',
    );
  } else if (!KubernetesValidatorFunctions.isValidApiVersion(apiVersion)) {
    errors.push(
      `apiVersion "${apiVersion}" is not a group/version such as backstage.io/v1alpha1`,
    );
  }
  if (typeof kind !== 'string' || !kind) {
    errors.push(
      `kind is required, e.g. kind: Component (built-in kinds: ${BUILTIN_ENTITY_KINDS.join(', ')})`,
    );
  }
  if (!isObject(metadata)) {
    errors.push('metadata is required, with at least metadata.name');
  } else if (typeof metadata.name !== 'string' || !metadata.name) {
    errors.push('metadata.name is required');
  } else if (!KubernetesValidatorFunctions.isValidObjectName(metadata.name)) {
    errors.push(
      `metadata.name "${metadata.name}" breaks the naming rules: use 1-63 characters [a-zA-Z0-9] separated by single "-", "_" or "."; e.g. "${suggestName(metadata.name)}"`,
    );
  }
  if (errors.length) return { errors, warnings };

  const entity = value as unknown as Entity;
  try {
    await catalogEntityPolicy.enforce(entity);
  } catch (e) {
    const message = (e as Error).message.replace(
      /\s*To learn more about catalog file format.*$/s,
      '',
    );
    const foreign = /^Unknown field (\S+)$/.exec(message);
    errors.push(
      foreign
        ? `unknown top-level field "${foreign[1]}"; only apiVersion, kind, metadata, spec (and relations, status) belong there, so move it under metadata or spec`
        : `${message} (${FORMAT_HELP})`,
    );
    return { errors, warnings };
  }

  const [group] = (apiVersion as string).split('/');
  if (group !== 'backstage.io') {
    warnings.push(
      `${kind} of ${apiVersion} is not a built-in kind; the catalog accepts it only if a processor for it is installed`,
    );
    return { errors, warnings };
  }
  for (const validator of builtinKindValidators) {
    try {
      if (await validator.check(entity)) return { errors, warnings };
    } catch (e) {
      errors.push(
        `${schemaMessage((e as Error).message)} (${kind} ${FORMAT_HELP})`,
      );
      return { errors, warnings };
    }
  }
  if (!BUILTIN_ENTITY_KINDS.includes(kind as string)) {
    const hint = didYouMean(kind as string, BUILTIN_ENTITY_KINDS);
    errors.push(
      `kind "${kind}" is not a kind of backstage.io${hint ? `; ${hint}` : ''} (built-in kinds: ${BUILTIN_ENTITY_KINDS.join(', ')})`,
    );
  } else {
    errors.push(
      `apiVersion "${apiVersion}" is not supported for kind ${kind}; use backstage.io/v1alpha1`,
    );
  }
  return { errors, warnings };
}
