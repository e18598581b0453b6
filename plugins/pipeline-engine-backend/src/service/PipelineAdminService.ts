import {
  AuthenticationError,
  ConflictError,
  InputError,
} from '@backstage/errors';
import {
  mergeInputSets,
  type ExecutionSummary,
  type PipelineRef,
} from '@idp-pipelines/plugin-pipeline-engine-common';
import type {
  ExecutionConfigData,
  ExecutionConfigField,
  ExecutionConfigInfra,
  InputSetView,
  TriggerRunRequest,
  TriggerView,
  TriggerWithTokenView,
} from '@idp-pipelines/plugin-pipeline-engine-node';
import type {
  InputSet,
  JsonObject,
  PipelineEngineStores,
  Trigger,
} from '../database';
import { generateWebhookToken } from '../database/webhookTokens';
import { readInputSetDocument, readTriggerDocument } from './adminDocuments';
import type {
  AdminPage,
  ExecutionConfigUpdate,
  PipelineAdminApi,
} from './adminTypes';
import {
  assertExecutionConfigFields,
  assertExecutionInfra,
  DEFAULT_EXECUTION_CONFIG,
  toExecutionConfigData,
} from './executionConfigDefaults';
import { ProblemsError } from './problems';
import type { Actor, ListResult, PipelineEngineApi } from './types';

/** What {@link PipelineAdminService} needs. */
export interface PipelineAdminServiceOptions {
  stores: Pick<
    PipelineEngineStores,
    'inputSets' | 'triggers' | 'executionConfig'
  >;
  /** Runs what triggers start. */
  engine: Pick<PipelineEngineApi, 'execute'>;
  /** Replaces built-in default images, e.g. for a private registry. */
  defaultImages?: Partial<
    Record<ExecutionConfigInfra, Partial<Record<ExecutionConfigField, string>>>
  >;
  /** The current time, for the next occurrence of Scheduled triggers. */
  now?: () => Date;
}

/** Input sets, triggers and execution config over the stores. */
export class PipelineAdminService implements PipelineAdminApi {
  constructor(private readonly options: PipelineAdminServiceOptions) {}

  private get stores() {
    return this.options.stores;
  }

  async listInputSets(
    ref: PipelineRef,
    page?: AdminPage,
  ): Promise<ListResult<InputSetView>> {
    const result = await this.stores.inputSets.list(ref, page);
    return {
      items: result.items.map(toInputSetView),
      totalCount: result.totalCount,
    };
  }

  async getInputSet(
    ref: PipelineRef,
    identifier: string,
  ): Promise<InputSetView> {
    return toInputSetView(await this.stores.inputSets.get(ref, identifier));
  }

  async createInputSet(
    ref: PipelineRef,
    yaml: string,
    actor: Actor,
  ): Promise<InputSetView> {
    const doc = readInputSetDocument(yaml, ref);
    const created = await this.stores.inputSets.create({
      ...ref,
      identifier: doc.identifier,
      name: doc.name,
      ...(doc.description ? { description: doc.description } : {}),
      tags: doc.tags,
      yaml,
      createdBy: actor.identity,
    });
    return toInputSetView(created);
  }

  async updateInputSet(
    ref: PipelineRef,
    identifier: string,
    yaml: string,
    actor: Actor,
    expectedVersion?: number,
  ): Promise<InputSetView> {
    const doc = readInputSetDocument(yaml, ref, identifier);
    const updated = await this.stores.inputSets.update(
      ref,
      identifier,
      {
        name: doc.name,
        description: doc.description ?? null,
        tags: doc.tags,
        yaml,
      },
      { updatedBy: actor.identity, expectedVersion },
    );
    return toInputSetView(updated);
  }

  async deleteInputSet(ref: PipelineRef, identifier: string): Promise<void> {
    await this.stores.inputSets.delete(ref, identifier);
  }

  async listTriggers(
    ref: PipelineRef,
    page?: AdminPage,
  ): Promise<ListResult<TriggerView>> {
    const result = await this.stores.triggers.list(ref, page);
    return {
      items: result.items.map(toTriggerView),
      totalCount: result.totalCount,
    };
  }

  async getTrigger(ref: PipelineRef, identifier: string): Promise<TriggerView> {
    return toTriggerView(await this.stores.triggers.get(ref, identifier));
  }

  async createTrigger(
    ref: PipelineRef,
    yaml: string,
    actor: Actor,
  ): Promise<TriggerWithTokenView> {
    const doc = readTriggerDocument(yaml, ref);
    // Scheduled triggers are fired by the engine, never over HTTP.
    const webhookToken =
      doc.type === 'Scheduled' ? undefined : generateWebhookToken();
    const nextFireAt = this.nextFireAt(doc);
    const created = await this.stores.triggers.create({
      ...ref,
      identifier: doc.identifier,
      name: doc.name,
      ...(doc.description ? { description: doc.description } : {}),
      type: doc.type,
      enabled: doc.enabled,
      inputSetRefs: doc.inputSetRefs,
      yaml,
      ...(webhookToken ? { webhookToken } : {}),
      ...(nextFireAt ? { nextFireAt } : {}),
      createdBy: actor.identity,
    });
    return {
      ...toTriggerView(created),
      ...(webhookToken ? { webhookToken } : {}),
    };
  }

  async updateTrigger(
    ref: PipelineRef,
    identifier: string,
    yaml: string,
    actor: Actor,
    expectedVersion?: number,
  ): Promise<TriggerView> {
    const doc = readTriggerDocument(yaml, ref, identifier);
    const updated = await this.stores.triggers.update(
      ref,
      identifier,
      {
        name: doc.name,
        description: doc.description ?? null,
        type: doc.type,
        enabled: doc.enabled,
        inputSetRefs: doc.inputSetRefs,
        yaml,
        nextFireAt: this.nextFireAt(doc) ?? null,
      },
      { updatedBy: actor.identity, expectedVersion },
    );
    return toTriggerView(updated);
  }

  /** The next occurrence of an enabled Scheduled trigger, from now. */
  private nextFireAt(doc: {
    enabled: boolean;
    schedule?: { nextAfter(after: Date): Date | undefined };
  }): Date | undefined {
    if (!doc.enabled || !doc.schedule) return undefined;
    return doc.schedule.nextAfter(this.options.now?.() ?? new Date());
  }

  async deleteTrigger(ref: PipelineRef, identifier: string): Promise<void> {
    await this.stores.triggers.delete(ref, identifier);
  }

  async rotateWebhookToken(
    ref: PipelineRef,
    identifier: string,
    actor: Actor,
  ): Promise<TriggerWithTokenView> {
    const { trigger, webhookToken } =
      await this.stores.triggers.rotateWebhookToken(ref, identifier, {
        updatedBy: actor.identity,
      });
    return { ...toTriggerView(trigger), webhookToken };
  }

  async authenticateWebhook(
    ref: PipelineRef,
    identifier: string,
    token: string,
  ): Promise<Actor> {
    const trigger = await this.stores.triggers.findByWebhookToken(token);
    // One answer for unknown tokens and other triggers' tokens: no probing.
    if (
      !trigger ||
      trigger.identifier !== identifier ||
      trigger.orgIdentifier !== ref.orgIdentifier ||
      trigger.projectIdentifier !== ref.projectIdentifier ||
      trigger.pipelineIdentifier !== ref.pipelineIdentifier
    ) {
      throw new AuthenticationError('Invalid webhook token for this trigger');
    }
    return {
      identity: triggerIdentity(ref, identifier),
      name: trigger.name,
    };
  }

  async runTrigger(
    ref: PipelineRef,
    identifier: string,
    request: TriggerRunRequest,
    actor: Actor,
    options: {
      payload?: Record<string, unknown>;
      deniedSecrets?: (secretIds: string[]) => Promise<string[]>;
      idempotencyKey?: string;
    } = {},
  ): Promise<ExecutionSummary> {
    const trigger = await this.stores.triggers.get(ref, identifier);
    if (!trigger.enabled) {
      throw new ConflictError(`Trigger '${identifier}' is disabled`);
    }
    return this.startFromTrigger(trigger, request, actor, {
      triggerType: 'WEBHOOK_CUSTOM',
      ...options,
    });
  }

  /**
   * Starts the occurrence of a Scheduled trigger the scheduler claimed: the
   * trigger's input sets and inputYaml, run as the trigger itself.
   */
  async fireScheduledTrigger(trigger: Trigger): Promise<ExecutionSummary> {
    return this.startFromTrigger(
      trigger,
      {},
      {
        identity: triggerIdentity(pipelineRefOf(trigger), trigger.identifier),
        name: trigger.name,
      },
      { triggerType: 'SCHEDULER_CRON' },
    );
  }

  private async startFromTrigger(
    trigger: Trigger,
    request: TriggerRunRequest,
    actor: Actor,
    options: {
      triggerType: 'WEBHOOK_CUSTOM' | 'SCHEDULER_CRON';
      payload?: Record<string, unknown>;
      deniedSecrets?: (secretIds: string[]) => Promise<string[]>;
      idempotencyKey?: string;
    },
  ): Promise<ExecutionSummary> {
    const identifier = trigger.identifier;
    const ref = pipelineRefOf(trigger);
    const inputYaml = trigger.yaml
      ? readTriggerDocument(trigger.yaml, ref, identifier).inputYaml
      : undefined;
    const requestRefs = request.inputSetRefs ?? [];
    const sets = await this.stores.inputSets.getMany(ref, [
      ...trigger.inputSetRefs,
      ...requestRefs,
    ]);
    const triggerSets = sets.slice(0, trigger.inputSetRefs.length);
    const requestSets = sets.slice(trigger.inputSetRefs.length);
    // Later sources win per input: the trigger's own, then the caller's.
    const merged = mergeInputSets([
      ...triggerSets.map(set => set.yaml),
      ...(inputYaml !== undefined ? [inputYaml] : []),
      ...requestSets.map(set => set.yaml),
      request.inputSet ?? {},
    ]);
    if (merged.problems.some(p => p.severity === 'error')) {
      throw new ProblemsError('the input set is invalid', merged.problems);
    }
    return this.options.engine.execute(
      ref,
      { inputSet: merged.inputSet },
      actor,
      {
        triggerType: options.triggerType,
        triggerIdentifier: identifier,
        ...(options.payload
          ? { triggerPayload: options.payload as JsonObject }
          : {}),
        // Only what the caller sent is its own; the trigger's stored inputs were
        // written by someone allowed to update the pipeline.
        callerInputSet: request.inputSet ?? {},
        ...(options.deniedSecrets
          ? { deniedSecrets: options.deniedSecrets }
          : {}),
        ...(options.idempotencyKey
          ? { idempotencyKey: options.idempotencyKey }
          : {}),
      },
    );
  }

  async getDefaultExecutionConfig(infra: string): Promise<ExecutionConfigData> {
    return toExecutionConfigData(this.defaults(infra));
  }

  async getCustomerExecutionConfig(
    infra: string,
    overridesOnly: boolean,
  ): Promise<ExecutionConfigData> {
    const overrides = await this.overrides(infra);
    if (overridesOnly) {
      return toExecutionConfigData(overrides);
    }
    return toExecutionConfigData(
      new Map([...this.defaults(infra), ...overrides]),
    );
  }

  async updateExecutionConfig(
    infra: string,
    updates: ReadonlyArray<ExecutionConfigUpdate>,
    actor: Actor,
  ): Promise<ExecutionConfigData> {
    assertExecutionInfra(infra);
    assertExecutionConfigFields(updates.map(u => u.field));
    for (const { field, value } of updates) {
      if (typeof value !== 'string' || value.trim() === '') {
        throw new InputError(`The value of '${field}' must be an image name`);
      }
    }
    await this.stores.executionConfig.upsert(infra, updates, actor.identity);
    return toExecutionConfigData(await this.overrides(infra));
  }

  async resetExecutionConfig(
    infra: string,
    fields: ReadonlyArray<string>,
  ): Promise<ExecutionConfigData> {
    assertExecutionInfra(infra);
    assertExecutionConfigFields(fields);
    await this.stores.executionConfig.reset(infra, [...fields]);
    return toExecutionConfigData(await this.overrides(infra));
  }

  private defaults(infra: string): Map<string, string> {
    assertExecutionInfra(infra);
    return new Map(
      Object.entries({
        ...DEFAULT_EXECUTION_CONFIG[infra],
        ...this.options.defaultImages?.[infra],
      }),
    );
  }

  private async overrides(infra: string): Promise<Map<string, string>> {
    assertExecutionInfra(infra);
    const rows = await this.stores.executionConfig.list(infra);
    return new Map(rows.map(row => [row.field, row.value]));
  }
}

function toInputSetView(set: InputSet): InputSetView {
  const { id: _id, ...view } = set;
  return view;
}

function pipelineRefOf(trigger: Trigger): PipelineRef {
  return {
    orgIdentifier: trigger.orgIdentifier,
    projectIdentifier: trigger.projectIdentifier,
    pipelineIdentifier: trigger.pipelineIdentifier,
  };
}

/** How executions started by a trigger name who started them. */
function triggerIdentity(ref: PipelineRef, identifier: string): string {
  return `trigger:${ref.orgIdentifier}/${ref.projectIdentifier}/${ref.pipelineIdentifier}/${identifier}`;
}

function toTriggerView(trigger: Trigger): TriggerView {
  const { id: _id, ...view } = trigger;
  return view;
}
