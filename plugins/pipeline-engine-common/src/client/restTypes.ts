import type { PipelineRef } from '../api/types';

/*
 * JSON shapes of the REST routes that `api/types.ts` does not cover: lists,
 * input sets, triggers, execution config, and the queries of the list and
 * log routes. The backend router produces exactly these; the node and
 * browser clients both use them.
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
export interface InputSetView extends PipelineRef {
  identifier: string;
  name: string;
  description?: string;
  tags: Record<string, string>;
  /** The input set YAML (`inputSet: { pipeline: ... }`) as written. */
  yaml: string;
  version: number;
  createdBy?: string;
  updatedBy?: string;
  createdAt: string;
  updatedAt: string;
}

/**
 * Kinds of trigger: Harness's `source.type`, with custom webhooks apart.
 *
 * @public
 */
export type TriggerTypeView = 'Webhook' | 'Custom' | 'Scheduled';

/**
 * A trigger of a pipeline; its webhook token is never readable.
 *
 * @public
 */
export interface TriggerView extends PipelineRef {
  identifier: string;
  name: string;
  description?: string;
  type: TriggerTypeView;
  enabled: boolean;
  /** Input sets applied, in order, before the caller's values. */
  inputSetRefs: string[];
  /** The trigger YAML as written. */
  yaml?: string;
  hasWebhookToken: boolean;
  /** When an enabled Scheduled trigger fires next (ISO 8601); absent when it never will. */
  nextFireAt?: string;
  version: number;
  createdBy?: string;
  updatedBy?: string;
  createdAt: string;
  updatedAt: string;
}

/**
 * A trigger as returned when it was created or its token rotated: the
 * clear webhook token is shown this once.
 *
 * @public
 */
export interface TriggerWithTokenView extends TriggerView {
  webhookToken?: string;
}

/**
 * Body of `POST .../triggers/:id/run`.
 *
 * @public
 */
export interface TriggerRunRequest {
  /** Stored input sets applied after the trigger's own, in order. */
  inputSetRefs?: string[];
  /** Values applied last: flat map (short or FQN keys) or input-set YAML. */
  inputSet?: Record<string, unknown> | string;
}

/**
 * Infrastructure kinds of the execution-config API.
 *
 * @public
 */
export type ExecutionConfigInfra = 'K8' | 'VM';

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
export interface ApprovalActivityView {
  /** Entity ref of the user. */
  user: string;
  action: 'APPROVE' | 'REJECT';
  comments?: string;
  approverInputs: Record<string, string>;
  createdAt: string;
}

/**
 * A HarnessApproval step waiting for (or decided by) people.
 *
 * @public
 */
export interface ApprovalView {
  id: string;
  executionId: string;
  orgIdentifier: string;
  projectIdentifier: string;
  pipelineIdentifier: string;
  nodeFqn: string;
  stepIdentifier: string;
  stepName: string;
  status: 'WAITING' | 'APPROVED' | 'REJECTED' | 'EXPIRED';
  approvalMessage: string;
  /** Catalog group refs; `_account_all_users` is any signed-in user. */
  userGroups: string[];
  minimumCount: number;
  disallowPipelineExecutor: boolean;
  approverInputs: Array<{ name: string; defaultValue: string }>;
  createdAt: string;
  deadlineAt?: string;
  activities: ApprovalActivityView[];
  /** The page where it is given. */
  link?: string;
}

/**
 * Body of an approve or reject.
 *
 * @public
 */
export interface ApprovalActivityRequest {
  action: 'APPROVE' | 'REJECT';
  comments?: string;
  /** Values of the step's approverInputs, by name. */
  approverInputs?: Record<string, string>;
}
