import type { Problem } from '../validation/problem';
import type {
  TemplateSource,
  TemplateVersionList,
  TemplateVersionText,
} from './expandTemplates';
import { parseTemplateDocument } from './templateDocument';
import {
  describeTemplateKey,
  formatTemplateScope,
  type TemplateKey,
  type TemplateScope,
} from './templateScope';

/** One template document handed to {@link createDocumentTemplateSource}. @public */
export interface TemplateDocumentInput {
  yaml: string;
  /** A file path or URL, for problem positions. */
  location?: string;
}

/** Result of {@link createDocumentTemplateSource}. @public */
export interface DocumentTemplateSourceResult {
  source: TemplateSource;
  /** Problems of documents that could not be read, and of duplicate versions. */
  problems: Problem[];
}

function stableProblem(
  name: string,
  versionLabel: string,
  keys: string[],
  exists: boolean,
): string {
  if (exists)
    return `the stable version "${versionLabel}" of ${name} does not exist`;
  if (keys.length > 1)
    return `"${name}" is the identifier of several templates (${keys.join(', ')})`;
  return `there is no template "${name}"`;
}

interface Entry {
  versions: Map<string, TemplateVersionText>;
  stable?: string;
}

/**
 * A template source over template documents in memory (a folder of files,
 * configured templates). A template with one version has it stable; with
 * several, `stable` names the stable version of each `<scope>/<identifier>`
 * (or `<identifier>`, when it is unique) and a template without one has no
 * stable version.
 *
 * @public
 */
export function createDocumentTemplateSource(
  documents: readonly TemplateDocumentInput[],
  stable: Readonly<Record<string, string>> = {},
): DocumentTemplateSourceResult {
  const problems: Problem[] = [];
  const entries = new Map<string, Entry>();
  const byIdentifier = new Map<string, string[]>();
  for (const document of documents) {
    const parsed = parseTemplateDocument(document.yaml);
    if (!parsed.ok || !parsed.template) {
      problems.push(
        ...parsed.problems.map(p =>
          document.location ? { ...p, document: document.location } : p,
        ),
      );
      continue;
    }
    const template = parsed.template;
    const key = describeTemplateKey(template);
    let entry = entries.get(key);
    if (!entry) {
      entry = { versions: new Map() };
      entries.set(key, entry);
      byIdentifier.set(template.identifier, [
        ...(byIdentifier.get(template.identifier) ?? []),
        key,
      ]);
    }
    if (entry.versions.has(template.versionLabel)) {
      const first = entry.versions.get(template.versionLabel)!.location;
      problems.push({
        severity: 'error',
        code: 'template-duplicate-version',
        path: 'template.versionLabel',
        message: `template ${key} version "${template.versionLabel}" is defined twice${first ? ` (also in ${first})` : ''}`,
        hint: 'give each version its own versionLabel',
        ...(document.location ? { document: document.location } : {}),
      });
      continue;
    }
    entry.versions.set(template.versionLabel, {
      yaml: document.yaml,
      ...(document.location ? { location: document.location } : {}),
    });
  }
  for (const [name, versionLabel] of Object.entries(stable)) {
    const keys = name.includes('/') ? [name] : (byIdentifier.get(name) ?? []);
    const entry = keys.length === 1 ? entries.get(keys[0]) : undefined;
    if (!entry || !entry.versions.has(versionLabel)) {
      problems.push({
        severity: 'error',
        code: 'template-stable-unknown',
        path: name,
        message: stableProblem(name, versionLabel, keys, entry !== undefined),
        hint: entry
          ? `its versions are ${[...entry.versions.keys()].join(', ')}`
          : 'name it as <scope>/<identifier>, e.g. account/my_stage',
      });
      continue;
    }
    entry.stable = versionLabel;
  }
  for (const entry of entries.values()) {
    if (entry.stable === undefined && entry.versions.size === 1)
      entry.stable = [...entry.versions.keys()][0];
  }
  const source: TemplateSource = {
    listVersions(key: TemplateKey): TemplateVersionList | undefined {
      const entry = entries.get(describeTemplateKey(key));
      if (!entry) return undefined;
      return {
        versionLabels: [...entry.versions.keys()],
        ...(entry.stable ? { stableVersionLabel: entry.stable } : {}),
      };
    },
    getVersion(key: TemplateKey, versionLabel: string) {
      return entries.get(describeTemplateKey(key))?.versions.get(versionLabel);
    },
    listIdentifiers(scope: TemplateScope) {
      const prefix = `${formatTemplateScope(scope)}/`;
      return [...entries.keys()]
        .filter(k => k.startsWith(prefix))
        .map(k => k.slice(prefix.length));
    },
  };
  return { source, problems };
}
