import type { components } from './generated/schema';

/*
 * JSON shapes of the REST routes that `api/types.ts` does not cover: lists,
 * input sets, triggers, execution config, approvals, and the queries of the
 * list and log routes. The backend router produces exactly these; the node
 * and browser clients both use them. Response and body shapes are the
 * generated types of openapi.yaml.
 */

/**
 * A page of a list route, with the count of all matches.
 *
 * @public
 */
export interface ListResponse<T> {
  items: T[];
  totalCount: number;
}

/**
 * Paging of list routes.
 *
 * @public
 */
export interface PageQuery {
  limit?: number;
  offset?: number;
}

/**
 * Filter of the pipeline list.
 *
 * @public
 */
export interface PipelineListQuery extends PageQuery {
  orgIdentifier?: string;
  projectIdentifier?: string;
}

/**
 * Filter of the execution list.
 *
 * @public
 */
export interface ExecutionListQuery extends PageQuery {
  orgIdentifier?: string;
  projectIdentifier?: string;
  pipelineIdentifier?: string;
  /** One status or several separated by commas. */
  status?: string;
}

/**
 * Query of the log page route.
 *
 * @public
 */
export interface LogQuery {
  /** Sequence number to read after (exclusive). */
  after?: number;
  limit?: number;
  /** Only lines of this node. */
  nodeFqn?: string;
}

/**
 * How following the log event stream ended.
 *
 * @public
 */
export interface FollowLogsResult {
  /** Sequence number of the last line delivered; resume after it. */
  cursor: number;
  /** True when the execution is over and every line was delivered. */
  complete: boolean;
}

/**
 * A stored input set of a pipeline.
 *
 * @public
 */
export type InputSetView = components['schemas']['InputSet'];

/**
 * Kinds of trigger: Harness's `source.type`, with custom webhooks apart.
 *
 * @public
 */
export type TriggerTypeView = components['schemas']['Trigger']['type'];

/**
 * A trigger of a pipeline; its webhook token is never readable.
 *
 * @public
 */
export type TriggerView = components['schemas']['Trigger'];

/**
 * A trigger as returned when it was created or its token rotated: the
 * clear webhook token is shown this once.
 *
 * @public
 */
export type TriggerWithTokenView = components['schemas']['TriggerWithToken'];

/**
 * Body of `POST .../triggers/:id/run`.
 *
 * @public
 */
export type TriggerRunRequest = components['schemas']['TriggerRunRequest'];

/**
 * Infrastructure kinds of the execution-config API.
 *
 * @public
 */
export type ExecutionConfigInfra = components['parameters']['infra'];

/**
 * Step kinds whose container image the execution-config API sets.
 *
 * @public
 */
export const EXECUTION_CONFIG_FIELDS = [
  'cookieCutter',
  'createRepo',
  'directPush',
  'registerCatalog',
  'createCatalog',
  'slackNotify',
  'createOrganisation',
  'createProject',
  'createResource',
  'updateCatalogProperty',
] as const;

/**
 * A step kind of the execution-config API.
 *
 * @public
 */
export type ExecutionConfigField = (typeof EXECUTION_CONFIG_FIELDS)[number];

/**
 * Images by step kind, e.g. `{ createRepo: 'harness/createrepo:1.9.0' }`.
 *
 * @public
 */
export type ExecutionConfigData = Partial<Record<ExecutionConfigField, string>>;

/**
 * Harness's response envelope of the execution-config API.
 *
 * @public
 */
export interface ExecutionConfigResponse {
  status: 'SUCCESS';
  data: ExecutionConfigData;
  /** Always null; Harness's envelope field. */
  metaData: Record<string, never> | null;
  correlationId: string;
}

/**
 * One activity on an approval.
 *
 * @public
 */
export type ApprovalActivityView = components['schemas']['ApprovalActivity'];

/**
 * A HarnessApproval step waiting for (or decided by) people.
 *
 * @public
 */
export type ApprovalView = components['schemas']['Approval'];

/**
 * Body of an approve or reject.
 *
 * @public
 */
export type ApprovalActivityRequest =
  components['schemas']['ApprovalActivityRequest'];
