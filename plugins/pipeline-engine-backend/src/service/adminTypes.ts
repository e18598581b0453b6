import type {
  ExecutionSummary,
  PipelineRef,
} from '@idp-pipelines/plugin-pipeline-engine-common';
import type {
  ExecutionConfigData,
  InputSetView,
  TriggerRunRequest,
  TriggerView,
  TriggerWithTokenView,
} from '@idp-pipelines/plugin-pipeline-engine-node';
import type { Actor, ListResult } from './types';

/** Paging of the admin list calls. */
export interface AdminPage {
  limit?: number;
  offset?: number;
}

/** One `update-config` entry. */
export interface ExecutionConfigUpdate {
  field: string;
  value: string;
}

/**
 * Input sets, triggers and the execution-config API: what the router calls
 * besides {@link PipelineEngineApi}. Like it, it trusts its caller on
 * permissions and throws `@backstage/errors` types; YAML problems are
 * InputErrors carrying `problems` with line:column.
 */
export interface PipelineAdminApi {
  listInputSets(
    ref: PipelineRef,
    page?: AdminPage,
  ): Promise<ListResult<InputSetView>>;
  getInputSet(ref: PipelineRef, identifier: string): Promise<InputSetView>;
  /** Saves a Harness input set (`inputSet: {identifier, name, pipeline}`). */
  createInputSet(
    ref: PipelineRef,
    yaml: string,
    actor: Actor,
  ): Promise<InputSetView>;
  /** Replaces an input set's YAML (and name, description, tags from it). */
  updateInputSet(
    ref: PipelineRef,
    identifier: string,
    yaml: string,
    actor: Actor,
    expectedVersion?: number,
  ): Promise<InputSetView>;
  deleteInputSet(ref: PipelineRef, identifier: string): Promise<void>;

  listTriggers(
    ref: PipelineRef,
    page?: AdminPage,
  ): Promise<ListResult<TriggerView>>;
  getTrigger(ref: PipelineRef, identifier: string): Promise<TriggerView>;
  /**
   * Saves a Harness trigger (`trigger: {identifier, name, source, inputSetRefs}`).
   * Webhook and custom triggers get a generated webhook token, returned once.
   */
  createTrigger(
    ref: PipelineRef,
    yaml: string,
    actor: Actor,
  ): Promise<TriggerWithTokenView>;
  /** Replaces a trigger's YAML; the webhook token stays. */
  updateTrigger(
    ref: PipelineRef,
    identifier: string,
    yaml: string,
    actor: Actor,
    expectedVersion?: number,
  ): Promise<TriggerView>;
  deleteTrigger(ref: PipelineRef, identifier: string): Promise<void>;
  /** Replaces the webhook token; the new one is returned once. */
  rotateWebhookToken(
    ref: PipelineRef,
    identifier: string,
    actor: Actor,
  ): Promise<TriggerWithTokenView>;
  /**
   * The actor a webhook call acts as when `token` is the webhook token of
   * exactly this trigger; AuthenticationError otherwise.
   */
  authenticateWebhook(
    ref: PipelineRef,
    identifier: string,
    token: string,
  ): Promise<Actor>;
  /**
   * Starts the pipeline as the trigger would: the trigger's input sets,
   * then its `inputYaml`, then the request's input sets and values.
   * `payload` (the webhook call's JSON body) is kept with the execution for
   * `<+trigger.payload.*>`. ConflictError when the trigger is disabled.
   * A repeated `idempotencyKey` from the same actor returns the first
   * execution, as the `Idempotency-Key` header of execute does.
   */
  runTrigger(
    ref: PipelineRef,
    identifier: string,
    request: TriggerRunRequest,
    actor: Actor,
    options?: {
      payload?: Record<string, unknown>;
      /** See `ExecuteOptions.deniedSecrets`; without it the caller's input values may read no secret. */
      deniedSecrets?: (secretIds: string[]) => Promise<string[]>;
      idempotencyKey?: string;
    },
  ): Promise<ExecutionSummary>;

  /** The built-in image of every execution-config field. */
  getDefaultExecutionConfig(infra: string): Promise<ExecutionConfigData>;
  /** The overridden fields only, or every field with overrides applied. */
  getCustomerExecutionConfig(
    infra: string,
    overridesOnly: boolean,
  ): Promise<ExecutionConfigData>;
  /** Overrides fields; InputError naming the allowed ones for an unknown field. Returns the overrides. */
  updateExecutionConfig(
    infra: string,
    updates: ReadonlyArray<ExecutionConfigUpdate>,
    actor: Actor,
  ): Promise<ExecutionConfigData>;
  /** Restores fields to their defaults. Returns the remaining overrides. */
  resetExecutionConfig(
    infra: string,
    fields: ReadonlyArray<string>,
  ): Promise<ExecutionConfigData>;
}
