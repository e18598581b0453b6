import { toIsoTimestamp, toOptionalIsoTimestamp } from './dbClock';
import { fromJsonColumn } from './jsonColumns';
import { SecretCipher } from './secretCipher';
import { openSecretOutputs, SecretOutput } from './secretOutputs';
import { NodeStatus, NodeType } from './statuses';
import { JsonObject } from './types';

/** Persisted state of one stage, step group, step, parallel or strategy node. */
export interface NodeExecution {
  id: string;
  executionId: string;
  /** Fully qualified name, unique within the execution. */
  fqn: string;
  parentFqn?: string;
  nodeType: NodeType;
  identifier: string;
  name: string;
  /** Harness step type, for steps. */
  stepType?: string;
  status: NodeStatus;
  /** 1 for the first try, incremented by the engine on every retry. */
  attempt: number;
  startedAt?: string;
  endedAt?: string;
  /** Non-secret outputs. */
  outputs: JsonObject;
  /** Secret outputs; values only when encrypted storage is configured. */
  secretOutputs: Record<string, SecretOutput>;
  errorMessage?: string;
  /** Harness failure type, e.g. `Timeout`. */
  failureType?: string;
  /** Whether re-running the node after a crash is safe. */
  idempotent: boolean;
  /** Set when a re-run reused this node: the execution whose run produced it. */
  reusedFrom?: string;
  createdAt: string;
  updatedAt: string;
}

/** A `node_executions` row as read from either database. */
export interface NodeExecutionRow {
  id: string;
  execution_id: string;
  fqn: string;
  parent_fqn: string | null;
  node_type: NodeType;
  identifier: string;
  name: string;
  step_type: string | null;
  status: NodeStatus;
  attempt: number;
  started_at: unknown;
  ended_at: unknown;
  outputs: string | null;
  secret_outputs: string | null;
  error_message: string | null;
  failure_type: string | null;
  idempotent: boolean | number;
  reused_from?: string | null;
  created_at: unknown;
  updated_at: unknown;
}

/** Maps a `node_executions` row to a {@link NodeExecution}. */
export function toNodeExecution(
  row: NodeExecutionRow,
  cipher: SecretCipher | undefined,
): NodeExecution {
  return {
    id: row.id,
    executionId: row.execution_id,
    fqn: row.fqn,
    parentFqn: row.parent_fqn ?? undefined,
    nodeType: row.node_type,
    identifier: row.identifier,
    name: row.name,
    stepType: row.step_type ?? undefined,
    status: row.status,
    attempt: Number(row.attempt),
    startedAt: toOptionalIsoTimestamp(row.started_at),
    endedAt: toOptionalIsoTimestamp(row.ended_at),
    outputs:
      fromJsonColumn<JsonObject>(row.outputs, 'node_executions.outputs') ?? {},
    secretOutputs: openSecretOutputs(
      fromJsonColumn<JsonObject>(
        row.secret_outputs,
        'node_executions.secret_outputs',
      ),
      cipher,
    ),
    errorMessage: row.error_message ?? undefined,
    failureType: row.failure_type ?? undefined,
    idempotent: Boolean(row.idempotent),
    ...(row.reused_from ? { reusedFrom: row.reused_from } : {}),
    createdAt: toIsoTimestamp(row.created_at),
    updatedAt: toIsoTimestamp(row.updated_at),
  };
}
