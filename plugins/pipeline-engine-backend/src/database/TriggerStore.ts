import { DatabaseService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError } from '@backstage/errors';
import { Knex } from 'knex';
import { fromJsonColumn, toJsonColumn } from './jsonColumns';
import { connectDatabase } from './migrations';
import {
  assertPipelineKey,
  childFields,
  childWhere,
  PipelineChildTable,
  type ChildRow,
} from './pipelineChildren';
import { documentChanges } from './storedDocuments';
import { Page, PageOptions, PipelineKey, UpdateOptions } from './types';
import { assertIdentifier, assertText } from './validation';
import { generateWebhookToken, hashWebhookToken } from './webhookTokens';

/** Kinds of trigger. */
export const TRIGGER_TYPES = ['Webhook', 'Custom', 'Scheduled'] as const;

/** A kind of trigger. */
export type TriggerType = (typeof TRIGGER_TYPES)[number];

/** A trigger of a pipeline. The webhook token is never readable. */
export interface Trigger extends PipelineKey {
  id: string;
  identifier: string;
  name: string;
  description?: string;
  type: TriggerType;
  enabled: boolean;
  /** Input sets merged, in order, into the runtime inputs. */
  inputSetRefs: string[];
  /** The trigger YAML as written, if any. */
  yaml?: string;
  /** Whether a webhook token (stored hashed) is set. */
  hasWebhookToken: boolean;
  /** Next occurrence of an enabled Scheduled trigger (ISO 8601). */
  nextFireAt?: string;
  version: number;
  createdBy?: string;
  updatedBy?: string;
  createdAt: string;
  updatedAt: string;
}

/** Input of {@link TriggerStore.create}. */
export interface NewTrigger extends PipelineKey {
  identifier: string;
  name: string;
  description?: string;
  type: TriggerType;
  /** Defaults to true. */
  enabled?: boolean;
  inputSetRefs?: string[];
  yaml?: string;
  /**
   * Clear-text webhook token chosen by the caller; only its hash is kept.
   * Use {@link TriggerStore.rotateWebhookToken} to have one generated.
   */
  webhookToken?: string;
  /** Next occurrence, for enabled Scheduled triggers. */
  nextFireAt?: Date;
  createdBy?: string;
}

/** Changes for {@link TriggerStore.update}; `null` clears a field. */
export interface TriggerPatch {
  name?: string;
  description?: string | null;
  type?: TriggerType;
  enabled?: boolean;
  inputSetRefs?: string[];
  yaml?: string | null;
  /** Next occurrence of a Scheduled trigger; `null` when it never fires. */
  nextFireAt?: Date | null;
}

interface TriggerRow extends ChildRow {
  type: TriggerType;
  enabled: boolean | number;
  input_set_refs: string;
  yaml: string | null;
  webhook_token_hash: string | null;
  next_fire_at_ms: number | string | null;
}

/** Stores pipeline triggers and the hashes of their webhook tokens. */
export class TriggerStore {
  /** Connects to the plugin database and migrates it unless told to skip. */
  static async create(options: {
    database: DatabaseService;
  }): Promise<TriggerStore> {
    return new TriggerStore(await connectDatabase(options.database));
  }

  readonly #table: PipelineChildTable<TriggerRow, Trigger>;

  /** Wraps an already migrated Knex client. */
  constructor(private readonly db: Knex) {
    this.#table = new PipelineChildTable(db, {
      table: 'triggers',
      noun: 'Trigger',
      toModel: toTrigger,
      uniqueConflict: (key, identifier) => this.uniqueConflict(key, identifier),
    });
  }

  /**
   * Saves a new trigger. NotFoundError if the pipeline does not exist,
   * ConflictError if the identifier or webhook token is already used.
   */
  async create(input: NewTrigger): Promise<Trigger> {
    assertPipelineKey(input);
    assertIdentifier(input.identifier, 'trigger identifier');
    assertText(input.name, 'name');
    assertTriggerType(input.type);
    const inputSetRefs = checkInputSetRefs(input.inputSetRefs ?? []);
    const tokenHash =
      input.webhookToken === undefined
        ? null
        : hashWebhookToken(input.webhookToken);
    return this.#table.insert(
      input,
      input.identifier,
      {
        name: input.name,
        description: input.description ?? null,
        type: input.type,
        enabled: input.enabled ?? true,
        input_set_refs: toJsonColumn(inputSetRefs),
        yaml: input.yaml ?? null,
        webhook_token_hash: tokenHash,
        next_fire_at_ms: input.nextFireAt?.getTime() ?? null,
      },
      input.createdBy,
    );
  }

  /** Reads one trigger; NotFoundError if missing. */
  async get(key: PipelineKey, identifier: string): Promise<Trigger> {
    return this.#table.get(key, identifier);
  }

  /** Lists the triggers of a pipeline by identifier. */
  async list(key: PipelineKey, page?: PageOptions): Promise<Page<Trigger>> {
    return this.#table.list(key, page);
  }

  /**
   * Applies `patch` and increments the version. NotFoundError if missing;
   * ConflictError if `expectedVersion` is given and no longer current.
   */
  async update(
    key: PipelineKey,
    identifier: string,
    patch: TriggerPatch,
    options: UpdateOptions = {},
  ): Promise<Trigger> {
    const { name, description } = patch;
    const changes = documentChanges({ name, description });
    if (patch.type !== undefined) {
      assertTriggerType(patch.type);
      changes.type = patch.type;
    }
    if (patch.enabled !== undefined) {
      changes.enabled = Boolean(patch.enabled);
    }
    if (patch.inputSetRefs !== undefined) {
      changes.input_set_refs = toJsonColumn(
        checkInputSetRefs(patch.inputSetRefs),
      );
    }
    if (patch.yaml !== undefined) {
      changes.yaml = patch.yaml;
    }
    if (patch.nextFireAt !== undefined) {
      changes.next_fire_at_ms = patch.nextFireAt?.getTime() ?? null;
    }
    return this.#table.update(key, identifier, changes, options);
  }

  /** Enables or disables a trigger; NotFoundError if missing. */
  async setEnabled(
    key: PipelineKey,
    identifier: string,
    enabled: boolean,
    options: UpdateOptions = {},
  ): Promise<Trigger> {
    return this.update(key, identifier, { enabled }, options);
  }

  /**
   * Replaces the webhook token with a freshly generated one. The clear token
   * is returned once and cannot be read back later.
   */
  async rotateWebhookToken(
    key: PipelineKey,
    identifier: string,
    options: UpdateOptions = {},
  ): Promise<{ trigger: Trigger; webhookToken: string }> {
    const webhookToken = generateWebhookToken();
    const trigger = await this.#table.update(
      key,
      identifier,
      { webhook_token_hash: hashWebhookToken(webhookToken) },
      options,
    );
    return { trigger, webhookToken };
  }

  /**
   * Finds the trigger a webhook call is meant for, by the hash of the token
   * it presented. Undefined when no trigger has that token.
   */
  async findByWebhookToken(token: string): Promise<Trigger | undefined> {
    let hash: string;
    try {
      hash = hashWebhookToken(token);
    } catch {
      return undefined; // too short to be one of ours
    }
    const row = await this.db<TriggerRow>('triggers')
      .where({ webhook_token_hash: hash })
      .first();
    return row ? toTrigger(row) : undefined;
  }

  /**
   * Enabled Scheduled triggers whose next occurrence is at or before
   * `now`, oldest first.
   */
  async listDue(now: Date, limit = 100): Promise<Trigger[]> {
    const rows = await this.db<TriggerRow>('triggers')
      .where({ type: 'Scheduled', enabled: true })
      .whereNotNull('next_fire_at_ms')
      .where('next_fire_at_ms', '<=', now.getTime())
      .orderBy('next_fire_at_ms')
      .limit(limit);
    return rows.map(toTrigger);
  }

  /**
   * Claims the occurrence `due` of a Scheduled trigger by moving its next
   * fire time to `next` (`null`: it never fires again). Compare-and-set on
   * the stored value, so of several replicas that see the same due trigger
   * exactly one gets `true`. The row's version is left alone: this is not
   * an edit by a person.
   */
  async claimOccurrence(
    id: string,
    due: Date,
    next: Date | null,
  ): Promise<boolean> {
    const updated = await this.db('triggers')
      .where({ id, next_fire_at_ms: due.getTime(), enabled: true })
      .update({ next_fire_at_ms: next?.getTime() ?? null });
    return updated === 1;
  }

  /** Deletes a trigger; NotFoundError if missing. */
  async delete(key: PipelineKey, identifier: string): Promise<void> {
    return this.#table.delete(key, identifier);
  }

  /** Tells a duplicate identifier apart from a reused webhook token. */
  private async uniqueConflict(
    key: PipelineKey,
    identifier: string,
  ): Promise<ConflictError> {
    const existing = await this.db('triggers')
      .where(childWhere(key, identifier))
      .first('id');
    return new ConflictError(
      existing
        ? `Trigger '${identifier}' already exists for pipeline '${key.pipelineIdentifier}'`
        : 'The webhook token is already used by another trigger',
    );
  }
}

function assertTriggerType(value: unknown): asserts value is TriggerType {
  if (!TRIGGER_TYPES.includes(value as TriggerType)) {
    throw new InputError(
      `Invalid trigger type '${String(value)}', expected one of ${TRIGGER_TYPES.join(', ')}`,
    );
  }
}

function checkInputSetRefs(refs: unknown): string[] {
  if (!Array.isArray(refs)) {
    throw new InputError('inputSetRefs must be an array of identifiers');
  }
  refs.forEach(ref => assertIdentifier(ref, 'input set reference'));
  return refs as string[];
}

function toTrigger(row: TriggerRow): Trigger {
  return {
    ...childFields(row),
    type: row.type,
    enabled: Boolean(row.enabled),
    inputSetRefs:
      fromJsonColumn<string[]>(row.input_set_refs, 'triggers.input_set_refs') ??
      [],
    yaml: row.yaml ?? undefined,
    hasWebhookToken: row.webhook_token_hash !== null,
    ...(row.next_fire_at_ms !== null && row.next_fire_at_ms !== undefined
      ? { nextFireAt: new Date(Number(row.next_fire_at_ms)).toISOString() }
      : {}),
  };
}
