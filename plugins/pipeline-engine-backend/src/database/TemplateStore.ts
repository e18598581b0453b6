import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  formatTemplateScope,
  type TemplateKey,
  type TemplateScope,
  type TemplateSource,
  type TemplateType,
} from '@idp-pipelines/plugin-pipeline-engine-common';
import { Knex } from 'knex';
import { dbNow, toIsoTimestamp } from './dbClock';
import { isUniqueViolation } from './dbErrors';
import { fromJsonColumn, toJsonColumn } from './jsonColumns';
import { readPage, resolvePage, whereNameOrIdentifierContains } from './paging';
import type { PipelineSource } from './PipelineStore';
import { Page, PageOptions } from './types';
import { assertIdentifier, assertText } from './validation';

/** One saved version of a Harness template. */
export interface TemplateVersion {
  /** `account`, `<org>` or `<org>.<project>`. */
  scope: string;
  identifier: string;
  versionLabel: string;
  name: string;
  type: TemplateType;
  description?: string;
  yaml: string;
  /** Used by references that give no versionLabel. */
  stable: boolean;
  /** Set for templates read from `pipelineEngine.templates[]`. */
  source?: PipelineSource;
  createdBy?: string;
  updatedBy?: string;
  createdAt: string;
  updatedAt: string;
}

/** Input of {@link TemplateStore.create}. */
export interface NewTemplateVersion {
  scope: string;
  identifier: string;
  versionLabel: string;
  name: string;
  type: TemplateType;
  description?: string;
  yaml: string;
  source?: PipelineSource;
  createdBy?: string;
  /** Make it the stable version; the first version of a template always is. */
  stable?: boolean;
}

/** Filter of {@link TemplateStore.list}. */
export interface TemplateListOptions extends PageOptions {
  scope?: string;
  type?: TemplateType;
  /** Case-insensitive substring of the name or identifier. */
  search?: string;
}

interface TemplateRow {
  scope: string;
  identifier: string;
  version_label: string;
  name: string;
  type: TemplateType;
  description: string | null;
  yaml: string;
  is_stable: boolean | number;
  source: string | null;
  created_by: string | null;
  updated_by: string | null;
  created_at: unknown;
  updated_at: unknown;
}

const TABLE = 'pipeline_templates';

function describe(
  scope: string,
  identifier: string,
  versionLabel?: string,
): string {
  return `template ${scope}/${identifier}${versionLabel !== undefined ? `@${versionLabel}` : ''}`;
}

/** Stores template versions and which version of each template is stable. */
export class TemplateStore {
  constructor(private readonly db: Knex) {}

  /**
   * Saves a new version. ConflictError if the version exists; the first
   * version of a template becomes stable, and `stable: true` moves it.
   */
  async create(input: NewTemplateVersion): Promise<TemplateVersion> {
    assertIdentifier(input.identifier, 'template identifier');
    assertText(input.name, 'name');
    assertText(input.yaml, 'yaml');
    try {
      await this.db.transaction(async tx => {
        const existing = await tx<TemplateRow>(TABLE)
          .where({ scope: input.scope, identifier: input.identifier })
          .first('version_label');
        const stable = input.stable === true || !existing;
        if (stable && existing) {
          await tx(TABLE)
            .where({ scope: input.scope, identifier: input.identifier })
            .update({ is_stable: false });
        }
        await tx(TABLE).insert({
          scope: input.scope,
          identifier: input.identifier,
          version_label: input.versionLabel,
          name: input.name,
          type: input.type,
          description: input.description ?? null,
          yaml: input.yaml,
          is_stable: stable,
          source: input.source ? toJsonColumn({ ...input.source }) : null,
          created_by: input.createdBy ?? null,
          updated_by: input.createdBy ?? null,
        });
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new ConflictError(
          `${describe(input.scope, input.identifier, input.versionLabel)} already exists; update it with PUT, or save a new versionLabel`,
        );
      }
      throw error;
    }
    return this.get(input.scope, input.identifier, input.versionLabel);
  }

  /** One version; NotFoundError if missing. */
  async get(
    scope: string,
    identifier: string,
    versionLabel: string,
  ): Promise<TemplateVersion> {
    const row = await this.db<TemplateRow>(TABLE)
      .where({ scope, identifier, version_label: versionLabel })
      .first();
    if (!row)
      throw new NotFoundError(
        `${describe(scope, identifier, versionLabel)} not found`,
      );
    return toTemplate(row);
  }

  /** Every version of a template, oldest first; NotFoundError if it has none. */
  async versions(
    scope: string,
    identifier: string,
  ): Promise<TemplateVersion[]> {
    const rows = await this.db<TemplateRow>(TABLE)
      .where({ scope, identifier })
      .orderBy([
        { column: 'created_at', order: 'asc' },
        { column: 'version_label', order: 'asc' },
      ]);
    if (!rows.length)
      throw new NotFoundError(`${describe(scope, identifier)} not found`);
    return rows.map(toTemplate);
  }

  /** Lists template versions, newest first. */
  async list(
    options: TemplateListOptions = {},
  ): Promise<Page<TemplateVersion>> {
    const page = resolvePage(options);
    const query = this.db(TABLE);
    if (options.scope !== undefined) query.where({ scope: options.scope });
    if (options.type !== undefined) query.where({ type: options.type });
    if (options.search) whereNameOrIdentifierContains(query, options.search);
    return readPage(
      query,
      [
        { column: 'scope', order: 'asc' },
        { column: 'identifier', order: 'asc' },
        { column: 'version_label', order: 'asc' },
      ],
      page,
      toTemplate,
    );
  }

  /** Replaces a version's document; NotFoundError if missing. */
  async update(
    scope: string,
    identifier: string,
    versionLabel: string,
    patch: {
      name: string;
      type: TemplateType;
      description?: string;
      yaml: string;
      source?: PipelineSource | null;
    },
    updatedBy?: string,
  ): Promise<TemplateVersion> {
    assertText(patch.yaml, 'yaml');
    const count = await this.db(TABLE)
      .where({ scope, identifier, version_label: versionLabel })
      .update({
        name: patch.name,
        type: patch.type,
        description: patch.description ?? null,
        yaml: patch.yaml,
        ...(patch.source !== undefined
          ? { source: patch.source ? toJsonColumn({ ...patch.source }) : null }
          : {}),
        updated_by: updatedBy ?? null,
        updated_at: dbNow(this.db),
      });
    if (!count)
      throw new NotFoundError(
        `${describe(scope, identifier, versionLabel)} not found`,
      );
    return this.get(scope, identifier, versionLabel);
  }

  /**
   * Deletes a version. ConflictError for the stable version while others
   * remain (mark another one stable first); NotFoundError if missing.
   */
  async delete(
    scope: string,
    identifier: string,
    versionLabel: string,
  ): Promise<void> {
    await this.db.transaction(async tx => {
      const rows = await tx<TemplateRow>(TABLE)
        .where({ scope, identifier })
        .select('version_label', 'is_stable');
      const row = rows.find(r => r.version_label === versionLabel);
      if (!row)
        throw new NotFoundError(
          `${describe(scope, identifier, versionLabel)} not found`,
        );
      if (row.is_stable && rows.length > 1) {
        throw new ConflictError(
          `${describe(scope, identifier, versionLabel)} is the stable version; mark another version stable before deleting it`,
        );
      }
      await tx(TABLE)
        .where({ scope, identifier, version_label: versionLabel })
        .delete();
    });
  }

  /** Makes `versionLabel` the stable version; NotFoundError if missing. */
  async setStable(
    scope: string,
    identifier: string,
    versionLabel: string,
    updatedBy?: string,
  ): Promise<TemplateVersion> {
    await this.db.transaction(async tx => {
      const found = await tx<TemplateRow>(TABLE)
        .where({ scope, identifier, version_label: versionLabel })
        .first('version_label');
      if (!found)
        throw new NotFoundError(
          `${describe(scope, identifier, versionLabel)} not found`,
        );
      await tx(TABLE)
        .where({ scope, identifier })
        .whereNot({ version_label: versionLabel })
        .update({ is_stable: false });
      await tx(TABLE)
        .where({ scope, identifier, version_label: versionLabel })
        .update({
          is_stable: true,
          updated_by: updatedBy ?? null,
          updated_at: dbNow(tx),
        });
    });
    return this.get(scope, identifier, versionLabel);
  }

  /** The store as the template source of pipeline expansion. */
  asTemplateSource(): TemplateSource {
    return {
      listVersions: async (key: TemplateKey) => {
        const rows = await this.db<TemplateRow>(TABLE)
          .where({
            scope: formatTemplateScope(key),
            identifier: key.identifier,
          })
          .orderBy('created_at', 'asc')
          .select('version_label', 'is_stable');
        if (!rows.length) return undefined;
        const stable = rows.find(r => Boolean(r.is_stable));
        return {
          versionLabels: rows.map(r => r.version_label),
          ...(stable ? { stableVersionLabel: stable.version_label } : {}),
        };
      },
      getVersion: async (key: TemplateKey, versionLabel: string) => {
        const scope = formatTemplateScope(key);
        const row = await this.db<TemplateRow>(TABLE)
          .where({
            scope,
            identifier: key.identifier,
            version_label: versionLabel,
          })
          .first('yaml');
        return row
          ? {
              yaml: row.yaml,
              location: describe(scope, key.identifier, versionLabel),
            }
          : undefined;
      },
      listIdentifiers: async (scope: TemplateScope) => {
        const rows = await this.db<TemplateRow>(TABLE)
          .where({ scope: formatTemplateScope(scope) })
          .distinct('identifier');
        return rows.map(r => r.identifier);
      },
    };
  }
}

function toTemplate(row: TemplateRow): TemplateVersion {
  const source = fromJsonColumn<{ type: string; location: string }>(
    row.source,
    `${TABLE}.source`,
  );
  return {
    scope: row.scope,
    identifier: row.identifier,
    versionLabel: row.version_label,
    name: row.name,
    type: row.type,
    ...(row.description ? { description: row.description } : {}),
    yaml: row.yaml,
    stable: Boolean(row.is_stable),
    ...(source ? { source } : {}),
    ...(row.created_by ? { createdBy: row.created_by } : {}),
    ...(row.updated_by ? { updatedBy: row.updated_by } : {}),
    createdAt: toIsoTimestamp(row.created_at),
    updatedAt: toIsoTimestamp(row.updated_at),
  };
}
