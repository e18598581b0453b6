import { InputError } from '@backstage/errors';
import {
  formatTemplateScope,
  parseTemplateDocument,
  parseTemplateScope,
  TEMPLATE_TYPES,
  type TemplateDetail,
  type TemplateSummary,
  type TemplateType,
  type TemplateVersionsView,
} from '@idp-pipelines/plugin-pipeline-engine-common';
import type { PipelineSource } from '../database';
import type { TemplateStore, TemplateVersion } from '../database/TemplateStore';
import { ProblemsError, toApiProblem } from './problems';
import type { Actor, ListResult } from './types';

/** Filter of {@link TemplateApi.listTemplates}. */
export interface TemplateFilter {
  scope?: string;
  type?: string;
  search?: string;
  limit?: number;
  offset?: number;
}

/** Templates: versions of Harness pipeline, stage, step group and step templates. */
export interface TemplateApi {
  listTemplates(filter: TemplateFilter): Promise<ListResult<TemplateSummary>>;
  getTemplateVersions(
    scope: string,
    identifier: string,
  ): Promise<TemplateVersionsView>;
  getTemplate(
    scope: string,
    identifier: string,
    versionLabel: string,
  ): Promise<TemplateDetail>;
  /** Saves a new version; the scope comes from the document's orgIdentifier/projectIdentifier. */
  createTemplate(
    yaml: string,
    actor: Actor,
    options?: { stable?: boolean; source?: PipelineSource },
  ): Promise<TemplateDetail>;
  updateTemplate(
    scope: string,
    identifier: string,
    versionLabel: string,
    yaml: string,
    actor: Actor,
  ): Promise<TemplateDetail>;
  deleteTemplate(
    scope: string,
    identifier: string,
    versionLabel: string,
  ): Promise<void>;
  setStableTemplate(
    scope: string,
    identifier: string,
    versionLabel: string,
    actor: Actor,
  ): Promise<TemplateDetail>;
}

/** {@link TemplateApi} over the template store. */
export class TemplateService implements TemplateApi {
  constructor(private readonly store: TemplateStore) {}

  async listTemplates(
    filter: TemplateFilter,
  ): Promise<ListResult<TemplateSummary>> {
    if (filter.scope !== undefined) checkScope(filter.scope);
    if (
      filter.type !== undefined &&
      !TEMPLATE_TYPES.includes(filter.type as TemplateType)
    ) {
      throw new InputError(
        `type "${filter.type}" is not a template type; use one of ${TEMPLATE_TYPES.join(', ')}`,
      );
    }
    const page = await this.store.list({
      ...(filter.scope !== undefined ? { scope: filter.scope } : {}),
      ...(filter.type !== undefined
        ? { type: filter.type as TemplateType }
        : {}),
      ...(filter.search !== undefined ? { search: filter.search } : {}),
      ...(filter.limit !== undefined ? { limit: filter.limit } : {}),
      ...(filter.offset !== undefined ? { offset: filter.offset } : {}),
    });
    return { items: page.items.map(toSummary), totalCount: page.totalCount };
  }

  async getTemplateVersions(
    scope: string,
    identifier: string,
  ): Promise<TemplateVersionsView> {
    checkScope(scope);
    const versions = await this.store.versions(scope, identifier);
    const stable = versions.find(v => v.stable);
    return {
      scope,
      identifier,
      ...(stable ? { stableVersionLabel: stable.versionLabel } : {}),
      versions: versions.map(toSummary),
    };
  }

  async getTemplate(
    scope: string,
    identifier: string,
    versionLabel: string,
  ): Promise<TemplateDetail> {
    checkScope(scope);
    return toDetail(await this.store.get(scope, identifier, versionLabel));
  }

  async createTemplate(
    yaml: string,
    actor: Actor,
    options: { stable?: boolean; source?: PipelineSource } = {},
  ): Promise<TemplateDetail> {
    const { template, warnings } = readTemplate(yaml);
    const created = await this.store.create({
      scope: formatTemplateScope(template),
      identifier: template.identifier,
      versionLabel: template.versionLabel,
      name: template.name,
      type: template.type,
      ...(template.description ? { description: template.description } : {}),
      yaml,
      createdBy: actor.identity,
      ...(options.stable ? { stable: true } : {}),
      ...(options.source ? { source: options.source } : {}),
    });
    return withWarnings(toDetail(created), warnings);
  }

  async updateTemplate(
    scope: string,
    identifier: string,
    versionLabel: string,
    yaml: string,
    actor: Actor,
  ): Promise<TemplateDetail> {
    checkScope(scope);
    const { template, warnings } = readTemplate(yaml);
    const written = {
      scope: formatTemplateScope(template),
      identifier: template.identifier,
      versionLabel: template.versionLabel,
    };
    const url = { scope, identifier, versionLabel };
    for (const key of ['scope', 'identifier', 'versionLabel'] as const) {
      if (written[key] !== url[key]) {
        throw new InputError(
          `the template's ${key} is "${written[key]}" but the URL says "${url[key]}"; ${key === 'versionLabel' ? 'save another version with POST /templates' : 'it cannot change'}`,
        );
      }
    }
    const updated = await this.store.update(
      scope,
      identifier,
      versionLabel,
      {
        name: template.name,
        type: template.type,
        ...(template.description ? { description: template.description } : {}),
        yaml,
      },
      actor.identity,
    );
    return withWarnings(toDetail(updated), warnings);
  }

  async deleteTemplate(
    scope: string,
    identifier: string,
    versionLabel: string,
  ): Promise<void> {
    checkScope(scope);
    await this.store.delete(scope, identifier, versionLabel);
  }

  async setStableTemplate(
    scope: string,
    identifier: string,
    versionLabel: string,
    actor: Actor,
  ): Promise<TemplateDetail> {
    checkScope(scope);
    return toDetail(
      await this.store.setStable(
        scope,
        identifier,
        versionLabel,
        actor.identity,
      ),
    );
  }
}

function checkScope(scope: string): void {
  if (!parseTemplateScope(scope)) {
    throw new InputError(
      `"${scope}" is not a template scope; use account, <org> or <org>.<project>`,
    );
  }
}

function readTemplate(yaml: string) {
  const parsed = parseTemplateDocument(yaml);
  if (!parsed.ok || !parsed.template) {
    throw new ProblemsError('the template has problems', parsed.problems);
  }
  return {
    template: parsed.template,
    warnings: parsed.problems.map(toApiProblem),
  };
}

function toSummary(version: TemplateVersion): TemplateSummary {
  return {
    scope: version.scope,
    identifier: version.identifier,
    versionLabel: version.versionLabel,
    name: version.name,
    type: version.type,
    ...(version.description ? { description: version.description } : {}),
    stable: version.stable,
    createdAt: version.createdAt,
    updatedAt: version.updatedAt,
    ...(version.createdBy ? { createdBy: version.createdBy } : {}),
    ...(version.updatedBy ? { updatedBy: version.updatedBy } : {}),
  };
}

function toDetail(version: TemplateVersion): TemplateDetail {
  return { ...toSummary(version), yaml: version.yaml };
}

function withWarnings(
  detail: TemplateDetail,
  warnings: TemplateDetail['warnings'],
): TemplateDetail {
  return warnings?.length ? { ...detail, warnings } : detail;
}
