import { ConflictError, InputError } from '@backstage/errors';
import {
  isTerminalExecutionStatus,
  mergeInputSets,
  parsePipelineWithTemplates,
  resolveRuntimeInputs,
  collectRuntimeInputs,
  type RuntimeInputInfo,
  type TemplateUse,
  type DryRunResponse,
  type ParsePipelineResult,
  type ExecuteRequest,
  type ExecutionDetail,
  type ExecutionSummary,
  type LogPageView,
  type ApiProblem,
  type PipelineDetail,
  type PipelineRef,
  type PipelineSummary,
  type RerunRequest,
  type StepSpecRegistry,
  type ValidationResponse,
  type Problem,
  type YamlValue,
} from '@idp-pipelines/plugin-pipeline-engine-common';
import type {
  ExecutionStatus,
  Pipeline,
  PipelineEngineStores,
} from '../database';
import { SharedReads } from '../database/sharedReads';
import {
  planExecution,
  type ExecutionPlan,
  type StepHandlerLookup,
} from '../engine/plan';
import type {
  ExecutionEvent,
  ExecutionEvents,
} from '../engine/executionEvents';
import { SecretMasker } from '../engine/secretMasker';
import type { ExecutionWorker } from '../engine/worker';
import type { ApproverGroupCheck } from './approverGroupCheck';
import { checkCallerSecretUse } from './inputSecretCheck';
import { ProblemsError, toApiProblem } from './problems';
import { describePlan } from './planView';
import { decideRerun, frozenStageGroups, stageGroupsOf } from './rerunPlan';
import type {
  Actor,
  ExecuteOptions,
  ExecutionFilter,
  ListResult,
  PipelineEngineApi,
  PipelineFilter,
} from './types';
import {
  toExecutionDetail,
  toExecutionSummary,
  toPipelineDetail,
  toPipelineSummary,
} from './views';

/** Parsed pipeline versions kept in memory. */
const PARSED_CACHE_SIZE = 100;

/** What the service needs. */
export interface PipelineEngineServiceOptions {
  stores: PipelineEngineStores;
  registry: StepSpecRegistry;
  handlers: StepHandlerLookup;
  worker: ExecutionWorker;
  /** Execution events of every replica (new executions, aborts, logs, ends). */
  events: ExecutionEvents;
  /** Base URL of execution links, e.g. `http://localhost:7007/api/pipeline-engine`. */
  baseUrl?: string;
  /** Configured secret values: masked wherever a caller's inputs are shown back. */
  secrets?: Record<string, string>;
  /** Warns of HarnessApproval approver groups missing from the catalog. */
  checkApproverGroups?: ApproverGroupCheck;
}

/**
 * Pipelines, executions and logs. Data flows one way: YAML is parsed and
 * validated, runtime inputs resolved, the step types planned against the
 * installed handlers, and only then is an execution queued — so a queued
 * execution holds a pipeline that can run.
 */
export class PipelineEngineService implements PipelineEngineApi {
  private readonly parsedCache = new Map<
    string,
    {
      parsed: ParsePipelineResult;
      plan: ExecutionPlan;
      runtimeInputs: RuntimeInputInfo[] | undefined;
      templates: TemplateUse[];
    }
  >();

  /** Stored pipelines as executes read them: concurrent executes share one read. */
  private readonly storedPipelines: SharedReads<PipelineRef, Pipeline>;

  constructor(private readonly options: PipelineEngineServiceOptions) {
    this.storedPipelines = new SharedReads(
      ref => options.stores.pipelines.get(ref),
      ref =>
        JSON.stringify([
          ref.orgIdentifier,
          ref.projectIdentifier,
          ref.pipelineIdentifier,
        ]),
    );
  }

  async listPipelines(
    filter: PipelineFilter,
  ): Promise<ListResult<PipelineSummary>> {
    const page = await this.options.stores.pipelines.list(
      filter as Parameters<PipelineEngineStores['pipelines']['list']>[0],
    );
    return {
      items: page.items.map(toPipelineSummary),
      totalCount: page.totalCount,
    };
  }

  async getPipeline(ref: PipelineRef): Promise<PipelineDetail> {
    return toPipelineDetail(await this.options.stores.pipelines.get(ref));
  }

  async createPipeline(yaml: string, actor: Actor): Promise<PipelineDetail> {
    const { pipeline, warnings } = await this.parseForStore(yaml);
    const created = await this.options.stores.pipelines.create({
      orgIdentifier: pipeline.orgIdentifier ?? 'default',
      projectIdentifier: pipeline.projectIdentifier ?? 'default',
      identifier: pipeline.identifier,
      name: pipeline.name,
      ...(pipeline.description ? { description: pipeline.description } : {}),
      ...(pipeline.tags ? { tags: pipeline.tags } : {}),
      yaml,
      storeType: 'INLINE',
      createdBy: actor.identity,
    });
    return withWarnings(toPipelineDetail(created), warnings);
  }

  async updatePipeline(
    ref: PipelineRef,
    yaml: string,
    actor: Actor,
    expectedVersion?: number,
  ): Promise<PipelineDetail> {
    const { pipeline, warnings } = await this.parseForStore(yaml);
    if (pipeline.identifier !== ref.pipelineIdentifier) {
      throw new InputError(
        `the YAML's pipeline.identifier "${pipeline.identifier}" differs from "${ref.pipelineIdentifier}" in the URL; identifiers cannot change`,
      );
    }
    const updated = await this.options.stores.pipelines.update(
      ref,
      {
        yaml,
        name: pipeline.name,
        description: pipeline.description ?? null,
        ...(pipeline.tags ? { tags: pipeline.tags } : {}),
      },
      {
        updatedBy: actor.identity,
        ...(expectedVersion !== undefined ? { expectedVersion } : {}),
      },
    );
    return withWarnings(toPipelineDetail(updated), warnings);
  }

  async deletePipeline(ref: PipelineRef): Promise<void> {
    await this.options.stores.pipelines.delete(ref);
  }

  async validatePipeline(yaml: string): Promise<ValidationResponse> {
    const parsed = await this.parse(yaml);
    const problems = [...parsed.problems];
    if (parsed.ok && parsed.pipeline) {
      const planned = planExecution(parsed.pipeline, this.options.handlers);
      if (!planned.ok) problems.push(...planned.problems);
      problems.push(
        ...(await this.approverGroupWarnings(yaml, parsed.document)),
      );
    }
    return {
      ok: !problems.some(p => p.severity === 'error'),
      problems: problems.map(toApiProblem),
    };
  }

  /**
   * Admits an execution. Running work yields to admissions through the
   * router, which counts every request that starts an execution from its
   * arrival (see the admission gate).
   */
  async execute(
    ref: PipelineRef,
    request: ExecuteRequest,
    actor: Actor,
    options: ExecuteOptions = {},
  ): Promise<ExecutionSummary> {
    if (options.idempotencyKey) {
      const first = await this.options.stores.executions.findByIdempotencyKey(
        ref,
        actor.identity,
        options.idempotencyKey,
      );
      if (first)
        return toExecutionSummary(
          first,
          (await this.options.stores.pipelines.get(ref)).name,
        );
    }
    const { stored, resolved, runtimeInputs, templates } = await this.prepare(
      ref,
      request,
    );
    await checkCallerSecretUse(
      options.callerInputSet ?? request.inputSet,
      { runtimeInputs, resolvedDocument: resolved.pipeline },
      options.deniedSecrets,
    );
    const execution = await this.options.stores.executions.enqueue({
      ...ref,
      pipelineVersion: stored.version,
      // JSON is YAML too, and an order of magnitude faster to read back at run time.
      pipelineYaml: JSON.stringify(resolved.pipeline),
      inputs: resolved.values as Record<string, never>,
      triggeredBy: request.scaffolderTask
        ? { ...actor, scaffolderTask: request.scaffolderTask }
        : actor,
      triggerType: options.triggerType ?? 'MANUAL',
      ...(options.triggerIdentifier
        ? { triggerIdentifier: options.triggerIdentifier }
        : {}),
      ...(options.triggerPayload
        ? { triggerPayload: options.triggerPayload }
        : {}),
      ...(options.idempotencyKey
        ? { idempotencyKey: options.idempotencyKey }
        : {}),
      ...(templates.length
        ? { templateVersions: templates.map(use => ({ ...use })) }
        : {}),
    });
    this.options.events.publish({ type: 'queued', executionId: execution.id });
    this.options.worker.wake();
    return toExecutionSummary(execution, stored.name);
  }

  async rerunExecution(
    id: string,
    request: RerunRequest,
    actor: Actor,
  ): Promise<ExecutionSummary> {
    const original = await this.options.stores.executions.get(id);
    const label = `#${original.sequenceId} (${original.id})`;
    if (!isTerminalExecutionStatus(original.status)) {
      throw new ConflictError(
        `execution ${label} is still ${original.status}; wait for it to end, or abort it, before re-running it`,
      );
    }
    const ref: PipelineRef = {
      orgIdentifier: original.orgIdentifier,
      projectIdentifier: original.projectIdentifier,
      pipelineIdentifier: original.pipelineIdentifier,
    };
    const inputs = request.inputs ?? 'same';
    // The original's resolved values are keyed by fully-qualified name; an
    // input the stored version no longer has is a warning, not an error.
    const executeRequest: ExecuteRequest =
      inputs === 'same'
        ? { inputSet: original.inputs, allowUnknownKeys: true }
        : inputs;
    const { stored, resolved, templates } = await this.prepare(
      ref,
      executeRequest,
    );
    const nodes = await this.options.stores.executions.listNodes(original.id);
    const decision = decideRerun({
      next: stageGroupsOf(resolved.pipeline),
      original: frozenStageGroups(original.pipelineYaml),
      originalNodes: nodes.filter(n => n.parentFqn === 'pipeline'),
      originalLabel: label,
      ...(request.fromStage !== undefined
        ? { fromStage: request.fromStage }
        : {}),
    });
    const execution = await this.options.stores.executions.enqueue({
      ...ref,
      pipelineVersion: stored.version,
      pipelineYaml: JSON.stringify(resolved.pipeline),
      inputs: resolved.values as Record<string, never>,
      triggeredBy: actor,
      // Kept so `<+trigger.*>` reads the same in the stages that run again.
      triggerType: original.triggerType,
      ...(original.triggerIdentifier
        ? { triggerIdentifier: original.triggerIdentifier }
        : {}),
      ...(original.triggerPayload
        ? { triggerPayload: original.triggerPayload }
        : {}),
      rerun: { of: original.id, ...decision },
      ...(templates.length
        ? { templateVersions: templates.map(use => ({ ...use })) }
        : {}),
    });
    this.options.events.publish({ type: 'queued', executionId: execution.id });
    this.options.worker.wake();
    return toExecutionSummary(execution, stored.name);
  }

  async dryRun(
    ref: PipelineRef,
    request: ExecuteRequest,
  ): Promise<DryRunResponse> {
    try {
      const { plan, resolved } = await this.prepare(ref, request);
      return {
        ok: true,
        problems: resolved.warnings.map(toApiProblem),
        inputs: resolved.values,
        stages: describePlan(plan),
      };
    } catch (error) {
      if (error instanceof ProblemsError) {
        return { ok: false, problems: error.problems, inputs: {}, stages: [] };
      }
      throw error;
    }
  }

  /**
   * parse → validate → plan → resolve runtime inputs: everything short of
   * running. Throws ProblemsError (400) listing every problem.
   */
  private async prepare(ref: PipelineRef, request: ExecuteRequest) {
    const stored = await this.storedPipelines.get(ref);
    const { parsed, plan, runtimeInputs, templates } =
      await this.parsedVersion(stored);
    const storedSets = request.inputSetRefs?.length
      ? await this.options.stores.inputSets.getMany(ref, request.inputSetRefs)
      : [];
    const merged = mergeInputSets([
      ...storedSets.map(s => s.yaml),
      request.inputSet ?? {},
    ]);
    if (merged.problems.some(p => p.severity === 'error')) {
      throw new ProblemsError('the input set is invalid', merged.problems);
    }
    const resolved = resolveRuntimeInputs(parsed.document, merged.inputSet, {
      allowUnknownKeys: request.allowUnknownKeys ?? false,
      runtimeInputs,
    });
    if (!resolved.ok) {
      throw new ProblemsError(
        `the input set does not fit the runtime inputs of ${ref.pipelineIdentifier}`,
        resolved.problems,
      );
    }
    return { stored, plan, resolved, runtimeInputs, templates };
  }

  /**
   * Parsed, validated and planned form of a stored pipeline version. A
   * version never changes, so it is parsed once (YAML parsing dominates the
   * cost of executing a large pipeline). A version that uses templates is
   * expanded on every execute instead: its stable references follow the
   * template's stable version, and the execution freezes what it expanded to.
   */
  private async parsedVersion(stored: {
    id: string;
    version: number;
    yaml: string;
  }) {
    const key = `${stored.id}@${stored.version}`;
    const usesTemplates = hasTemplateReferenceText(stored.yaml);
    const cached = usesTemplates ? undefined : this.parsedCache.get(key);
    if (cached) {
      // Refresh its place in the LRU order.
      this.parsedCache.delete(key);
      this.parsedCache.set(key, cached);
      return cached;
    }
    const parsed = await this.parse(stored.yaml);
    if (!parsed.ok || !parsed.pipeline) {
      throw new ProblemsError(
        usesTemplates
          ? 'the stored pipeline is invalid with the templates it uses now'
          : 'the stored pipeline is invalid',
        parsed.problems,
      );
    }
    const planned = planExecution(parsed.pipeline, this.options.handlers);
    if (!planned.ok) {
      throw new ProblemsError(
        `the pipeline cannot run in this engine`,
        planned.problems,
      );
    }
    const runtimeInputs = parsed.document
      ? collectRuntimeInputs(parsed.document)
      : undefined;
    const entry = {
      parsed,
      plan: planned.plan,
      runtimeInputs,
      templates: parsed.templates,
    };
    if (usesTemplates) return entry;
    this.parsedCache.set(key, entry);
    if (this.parsedCache.size > PARSED_CACHE_SIZE) {
      this.parsedCache.delete(this.parsedCache.keys().next().value as string);
    }
    return entry;
  }

  async listExecutions(
    filter: ExecutionFilter,
  ): Promise<ListResult<ExecutionSummary>> {
    if (!filter.orgIdentifier || !filter.projectIdentifier) {
      throw new InputError(
        'list executions needs orgIdentifier and projectIdentifier',
      );
    }
    const page = await this.options.stores.executions.list({
      orgIdentifier: filter.orgIdentifier,
      projectIdentifier: filter.projectIdentifier,
      ...(filter.pipelineIdentifier
        ? { pipelineIdentifier: filter.pipelineIdentifier }
        : {}),
      ...(filter.status
        ? { statuses: filter.status.split(',') as ExecutionStatus[] }
        : {}),
      ...(filter.limit !== undefined ? { limit: filter.limit } : {}),
      ...(filter.offset !== undefined ? { offset: filter.offset } : {}),
    });
    const names = new Map<string, string>();
    const items: ExecutionSummary[] = [];
    for (const e of page.items) {
      items.push(toExecutionSummary(e, await this.pipelineName(e, names)));
    }
    return { items, totalCount: page.totalCount };
  }

  async getExecution(id: string): Promise<ExecutionDetail> {
    const execution = await this.options.stores.executions.get(id);
    const nodes = await this.options.stores.executions.listNodes(id);
    const url = this.options.baseUrl
      ? `${this.options.baseUrl}/executions/${id}`
      : undefined;
    const detail = toExecutionDetail(
      execution,
      await this.pipelineName(execution, new Map()),
      nodes,
      url,
    );
    // An input may hold a configured secret's value (typed by a caller):
    // shown back masked, as step logs and outputs are.
    if (detail.inputs)
      detail.inputs = this.inputMasker().maskDeep(detail.inputs);
    return execution.templateVersions?.length
      ? { ...detail, templates: execution.templateVersions }
      : detail;
  }

  private inputMaskerCache: SecretMasker | undefined;

  private inputMasker(): SecretMasker {
    if (!this.inputMaskerCache) {
      this.inputMaskerCache = new SecretMasker();
      for (const value of Object.values(this.options.secrets ?? {}))
        this.inputMaskerCache.add(value);
    }
    return this.inputMaskerCache;
  }

  async abortExecution(id: string, actor: Actor): Promise<ExecutionSummary> {
    const execution = await this.options.stores.executions.requestAbort(id);
    // A parked execution has no runner here: it ends at its next claim.
    if (
      !this.options.worker.abortLocal(
        id,
        `aborted by ${actor.name ?? actor.identity}`,
      )
    )
      this.options.worker.wakeParked();
    this.options.events.publish({
      type: isTerminalExecutionStatus(execution.status)
        ? 'finished'
        : 'abortRequested',
      executionId: id,
    });
    return toExecutionSummary(
      execution,
      await this.pipelineName(execution, new Map()),
    );
  }

  async readLogs(
    id: string,
    options: { after?: number; limit?: number; nodeFqn?: string },
  ): Promise<LogPageView> {
    const execution = await this.options.stores.executions.get(id);
    const page = await this.options.stores.logs.read(id, {
      afterSeq: options.after ?? 0,
      ...(options.limit !== undefined ? { limit: options.limit } : {}),
      ...(options.nodeFqn ? { nodeFqn: options.nodeFqn } : {}),
    });
    return {
      lines: page.lines.map(l => ({
        seq: l.seq,
        nodeFqn: l.nodeFqn ?? 'pipeline',
        stream: l.stream,
        line: l.line,
        createdAt: l.createdAt,
      })),
      nextCursor: page.nextAfterSeq,
      complete: isTerminalExecutionStatus(execution.status) && !page.hasMore,
    };
  }

  onLogs(id: string, listener: () => void): () => void {
    return this.options.events.subscribe(id, event => {
      if (event.type === 'logsAppended' || event.type === 'finished')
        listener();
    });
  }

  onExecutionChanges(id: string, listener: () => void): () => void {
    return this.options.events.subscribe(id, event => {
      if (event.type !== 'queued') listener();
    });
  }

  /**
   * Calls `listener` for every event of execution `id` (node status
   * changed, log lines appended, finished…), whichever replica runs it;
   * returns the unsubscribe function.
   */
  onExecutionEvents(
    id: string,
    listener: (event: ExecutionEvent) => void,
  ): () => void {
    return this.options.events.subscribe(id, listener);
  }

  /** Parses and validates a pipeline, its template references expanded from the template store. */
  private parse(yaml: string) {
    return parsePipelineWithTemplates(yaml, {
      registry: this.options.registry,
      templates: this.options.stores.templates.asTemplateSource(),
    });
  }

  /** Parses YAML for storing: errors → 400 with every problem. */
  private async parseForStore(yaml: string) {
    const parsed = await this.parse(yaml);
    if (!parsed.ok || !parsed.pipeline) {
      throw new ProblemsError(
        parsed.kind === 'pipeline'
          ? 'the pipeline has problems'
          : 'the YAML is not a pipeline',
        parsed.problems,
      );
    }
    const problems = [
      ...parsed.problems,
      ...(await this.approverGroupWarnings(yaml, parsed.document)),
    ];
    return { pipeline: parsed.pipeline, warnings: problems.map(toApiProblem) };
  }

  private async approverGroupWarnings(
    yaml: string,
    document: YamlValue | undefined,
  ): Promise<Problem[]> {
    return this.options.checkApproverGroups
      ? this.options.checkApproverGroups(yaml, document)
      : [];
  }

  private async pipelineName(
    e: PipelineRef,
    cache: Map<string, string>,
  ): Promise<string> {
    const key = `${e.orgIdentifier}/${e.projectIdentifier}/${e.pipelineIdentifier}`;
    let name = cache.get(key);
    if (name === undefined) {
      name = await this.options.stores.pipelines.get(e).then(
        p => p.name,
        () => e.pipelineIdentifier,
      );
      cache.set(key, name);
    }
    return name;
  }
}

/** A cheap test before parsing: only YAML with `templateRef` can use templates. */
function hasTemplateReferenceText(yaml: string): boolean {
  return yaml.includes('templateRef');
}

/** The detail with the YAML's warnings, when there are any. */
function withWarnings(
  detail: PipelineDetail,
  warnings: ApiProblem[],
): PipelineDetail {
  return warnings.length > 0 ? { ...detail, warnings } : detail;
}
