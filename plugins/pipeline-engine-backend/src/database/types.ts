/*
 * Domain types shared by the stores. Rows are snake_case; these are the
 * camelCase objects the rest of the backend works with. Timestamps are ISO
 * 8601 strings.
 */

import type { ScaffolderTaskRef } from '@idp-pipelines/plugin-pipeline-engine-common';

/** A JSON value as stored in JSON columns. */
export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A JSON object as stored in JSON columns. */
export type JsonObject = { [key: string]: JsonValue };

/** Identifies a pipeline, and scopes everything that belongs to it. */
export interface PipelineKey {
  orgIdentifier: string;
  projectIdentifier: string;
  pipelineIdentifier: string;
}

/** Identifies an org/project scope. */
export interface ProjectScope {
  orgIdentifier: string;
  projectIdentifier: string;
}

/** An optional org/project filter of list calls: either, both or neither. */
export interface ScopeFilter {
  orgIdentifier?: string;
  projectIdentifier?: string;
}

/** The WHERE clause of a {@link ScopeFilter}. */
export function scopeWhere(filter: ScopeFilter): Record<string, string> {
  return {
    ...(filter.orgIdentifier !== undefined
      ? { org_identifier: filter.orgIdentifier }
      : {}),
    ...(filter.projectIdentifier !== undefined
      ? { project_identifier: filter.projectIdentifier }
      : {}),
  };
}

/** Who started an execution. */
export interface TriggeredBy {
  /** Entity ref or other stable identity of the user or service. */
  identity: string;
  name?: string;
  email?: string;
  /** The scaffolder task whose action started the execution. */
  scaffolderTask?: ScaffolderTaskRef;
}

/** Paging for list calls. */
export interface PageOptions {
  /** Defaults to 50; capped at 1000. */
  limit?: number;
  /** Rows to skip. */
  offset?: number;
}

/** One page of a list call. */
export interface Page<T> {
  items: T[];
  /** Count of all rows matching the filter, ignoring paging. */
  totalCount: number;
}

/** Options of the update calls of the stores. */
export interface UpdateOptions {
  updatedBy?: string;
  /** Reject with a ConflictError unless the row is still at this version. */
  expectedVersion?: number;
}
