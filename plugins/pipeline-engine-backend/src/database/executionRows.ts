import { toIsoTimestamp, toOptionalIsoTimestamp } from './dbClock';
import { fromJsonColumn } from './jsonColumns';
import { ExecutionStatus, ExecutionTriggerType } from './statuses';
import { JsonObject, PipelineKey, TriggeredBy } from './types';

/** A pipeline execution, which doubles as a queue entry with a lease. */
export interface Execution extends PipelineKey {
  id: string;
  pipelineVersion: number;
  /** The YAML that runs, frozen at enqueue time. */
  pipelineYaml: string;
  /** 1, 2, 3, ... per pipeline. */
  sequenceId: number;
  status: ExecutionStatus;
  /** Runtime inputs; secrets appear only as references, never as values. */
  inputs: JsonObject;
  triggeredBy: TriggeredBy;
  triggerType: ExecutionTriggerType;
  triggerIdentifier?: string;
  /** The JSON body of the webhook call that started it, if one did. */
  triggerPayload?: JsonObject;
  createdAt: string;
  updatedAt: string;
  startedAt?: string;
  endedAt?: string;
  abortRequested: boolean;
  /** Replica holding the lease, while one does. */
  leaseOwner?: string;
  leaseExpiresAt?: string;
  heartbeatAt?: string;
  /** Times a replica claimed it; grows on every claim and takeover. */
  attempt: number;
  /** Times it was taken over after its lease expired. */
  recoveryCount: number;
  errorMessage?: string;
  outputs?: JsonObject;
  /** The execution this one re-runs, if it is a re-run. */
  rerunOf?: string;
  /** Identifier of the first stage a re-run ran again; earlier stages were reused. */
  rerunFromStage?: string;
  /** The template versions the frozen pipeline was expanded with. */
  templateVersions?: ExecutionTemplateVersion[];
}

/** One template version an execution ran (see `TemplateUse` of the common package). */
export interface ExecutionTemplateVersion {
  [key: string]: string | boolean;
  scope: string;
  identifier: string;
  versionLabel: string;
  /** True when taken as the stable version (the reference gave no versionLabel). */
  stable: boolean;
  /** `pipeline`, or the template that nests it. */
  usedBy: string;
  yamlPath: string;
}

/** An `executions` row as read from either database. */
export interface ExecutionRow {
  id: string;
  org_identifier: string;
  project_identifier: string;
  pipeline_identifier: string;
  pipeline_version: number;
  pipeline_yaml: string;
  sequence_id: number;
  status: ExecutionStatus;
  inputs: string;
  triggered_by: string;
  trigger_type: ExecutionTriggerType;
  trigger_identifier: string | null;
  trigger_payload: string | null;
  created_at: unknown;
  updated_at: unknown;
  started_at: unknown;
  ended_at: unknown;
  abort_requested: boolean | number;
  lease_owner: string | null;
  lease_expires_at: unknown;
  heartbeat_at: unknown;
  attempt: number;
  recovery_count: number;
  error_message: string | null;
  outputs: string | null;
  log_seq: number | string;
  rerun_of?: string | null;
  rerun_from_stage?: string | null;
  /** `Idempotency-Key` of the request that created it, with who sent it. */
  idempotency_key?: string | null;
  idempotency_caller?: string | null;
  /** JSON list of {@link ExecutionTemplateVersion}. */
  template_versions?: string | null;
}

/** Maps an `executions` row to an {@link Execution}. */
export function toExecution(row: ExecutionRow): Execution {
  return {
    id: row.id,
    orgIdentifier: row.org_identifier,
    projectIdentifier: row.project_identifier,
    pipelineIdentifier: row.pipeline_identifier,
    pipelineVersion: Number(row.pipeline_version),
    pipelineYaml: row.pipeline_yaml,
    sequenceId: Number(row.sequence_id),
    status: row.status,
    inputs: fromJsonColumn<JsonObject>(row.inputs, 'executions.inputs') ?? {},
    triggeredBy: fromJsonColumn<JsonObject>(
      row.triggered_by,
      'executions.triggered_by',
    ) as unknown as TriggeredBy,
    triggerType: row.trigger_type,
    triggerIdentifier: row.trigger_identifier ?? undefined,
    triggerPayload: fromJsonColumn<JsonObject>(
      row.trigger_payload,
      'executions.trigger_payload',
    ),
    createdAt: toIsoTimestamp(row.created_at),
    updatedAt: toIsoTimestamp(row.updated_at),
    startedAt: toOptionalIsoTimestamp(row.started_at),
    endedAt: toOptionalIsoTimestamp(row.ended_at),
    abortRequested: Boolean(row.abort_requested),
    leaseOwner: row.lease_owner ?? undefined,
    leaseExpiresAt: toOptionalIsoTimestamp(row.lease_expires_at),
    heartbeatAt: toOptionalIsoTimestamp(row.heartbeat_at),
    attempt: Number(row.attempt),
    recoveryCount: Number(row.recovery_count),
    errorMessage: row.error_message ?? undefined,
    outputs: fromJsonColumn<JsonObject>(row.outputs, 'executions.outputs'),
    ...(row.rerun_of ? { rerunOf: row.rerun_of } : {}),
    ...(row.rerun_from_stage ? { rerunFromStage: row.rerun_from_stage } : {}),
    ...(row.template_versions
      ? {
          templateVersions: fromJsonColumn<ExecutionTemplateVersion[]>(
            row.template_versions,
            'executions.template_versions',
          ),
        }
      : {}),
  };
}
