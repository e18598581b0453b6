import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  isTerminalExecutionStatus,
  parseYaml,
  type DryRunResponse,
  type ExecuteRequest,
  type ExecutionDetail,
  type ExecutionStatus,
  type ExecutionSummary,
  type LogLineView,
  type LogPageView,
  type PipelineDetail,
  type PipelineRef,
  type PipelineSummary,
  type Problem,
  type RerunRequest,
  type ValidationResponse,
} from '@idp-pipelines/plugin-pipeline-engine-common';
import { ProblemsError } from '../problems';
import type {
  Actor,
  ExecuteOptions,
  ExecutionFilter,
  ListResult,
  PipelineEngineApi,
  PipelineFilter,
} from '../types';

const key = (ref: PipelineRef) =>
  `${ref.orgIdentifier}/${ref.projectIdentifier}/${ref.pipelineIdentifier}`;

function page<T>(items: T[], filter: { limit?: number; offset?: number }) {
  const offset = filter.offset ?? 0;
  return {
    items: items.slice(offset, offset + (filter.limit ?? 50)),
    totalCount: items.length,
  };
}

/**
 * An in-memory {@link PipelineEngineApi} for router tests. Pipelines
 * declare required runtime inputs as `pipeline.variables` with value
 * `<+input>`; execute reports each missing one with its line:column.
 */
export class FakePipelineEngine implements PipelineEngineApi {
  readonly pipelines = new Map<string, PipelineDetail>();
  readonly executions = new Map<string, ExecutionDetail>();
  readonly logs = new Map<string, LogLineView[]>();
  readonly executeCalls: Array<{
    ref: PipelineRef;
    request: ExecuteRequest;
    actor: Actor;
    options?: ExecuteOptions;
  }> = [];
  readonly dryRunCalls: Array<{ ref: PipelineRef; request: ExecuteRequest }> =
    [];
  readonly rerunCalls: Array<{
    id: string;
    request: RerunRequest;
    actor: Actor;
  }> = [];
  private readonly listeners = new Map<string, Set<() => void>>();
  private nextExecution = 1;

  /** Stores a pipeline directly. */
  addPipeline(
    ref: PipelineRef,
    yaml = `pipeline:\n  identifier: ${ref.pipelineIdentifier}\n`,
  ): PipelineDetail {
    const pipeline: PipelineDetail = {
      ...ref,
      name: ref.pipelineIdentifier,
      version: 1,
      storeType: 'INLINE',
      updatedAt: '2026-01-01T00:00:00.000Z',
      yaml,
    };
    this.pipelines.set(key(ref), pipeline);
    return pipeline;
  }

  /** Stores an execution directly. */
  addExecution(
    ref: PipelineRef,
    status: ExecutionStatus = 'Running',
  ): ExecutionDetail {
    const id = `exec-${this.nextExecution++}`;
    const execution: ExecutionDetail = {
      ...ref,
      id,
      sequenceId: this.nextExecution,
      pipelineName: ref.pipelineIdentifier,
      status,
      triggeredBy: { identity: 'user:default/jane' },
      triggerType: 'MANUAL',
      createdAt: '2026-01-01T00:00:00.000Z',
      nodes: [],
      outputs: {},
    };
    this.executions.set(id, execution);
    this.logs.set(id, []);
    return execution;
  }

  /** Appends log lines and notifies listeners, like the log sink does. */
  appendLogs(id: string, ...lines: string[]): void {
    const log = this.logs.get(id)!;
    for (const line of lines) {
      log.push({
        seq: log.length + 1,
        nodeFqn: 'pipeline.stages.s',
        stream: 'stdout',
        line,
        createdAt: '2026-01-01T00:00:00.000Z',
      });
    }
    this.notify(id);
  }

  /** Appends lines without notifying, as another replica would. */
  appendLogsSilently(id: string, ...lines: string[]): void {
    const listeners = this.listeners.get(id);
    this.listeners.delete(id);
    this.appendLogs(id, ...lines);
    if (listeners) this.listeners.set(id, listeners);
  }

  /** Ends an execution and notifies listeners. */
  finish(id: string, status: ExecutionStatus = 'Success'): void {
    this.executions.get(id)!.status = status;
    this.notify(id);
  }

  listenerCount(id: string): number {
    return this.listeners.get(id)?.size ?? 0;
  }

  private notify(id: string) {
    for (const listener of this.listeners.get(id) ?? []) listener();
  }

  private pipeline(ref: PipelineRef): PipelineDetail {
    const pipeline = this.pipelines.get(key(ref));
    if (!pipeline) throw new NotFoundError(`Pipeline ${key(ref)} not found`);
    return pipeline;
  }

  async listPipelines(
    filter: PipelineFilter,
  ): Promise<ListResult<PipelineSummary>> {
    const all = [...this.pipelines.values()]
      .filter(
        p => !filter.orgIdentifier || p.orgIdentifier === filter.orgIdentifier,
      )
      .filter(
        p =>
          !filter.projectIdentifier ||
          p.projectIdentifier === filter.projectIdentifier,
      )
      .map(({ yaml: _yaml, ...summary }) => summary);
    return page(all, filter);
  }

  async getPipeline(ref: PipelineRef): Promise<PipelineDetail> {
    return this.pipeline(ref);
  }

  async createPipeline(yaml: string, _actor: Actor): Promise<PipelineDetail> {
    const parsed = parseYaml(yaml);
    if (parsed.problems.length > 0) {
      throw new ProblemsError('the pipeline has problems', parsed.problems);
    }
    const doc = (parsed.value as { pipeline: Record<string, string> }).pipeline;
    const ref = {
      orgIdentifier: doc.orgIdentifier ?? 'default',
      projectIdentifier: doc.projectIdentifier ?? 'default',
      pipelineIdentifier: doc.identifier,
    };
    if (this.pipelines.has(key(ref))) {
      throw new ConflictError(`Pipeline ${key(ref)} already exists`);
    }
    return this.addPipeline(ref, yaml);
  }

  async updatePipeline(
    ref: PipelineRef,
    yaml: string,
    _actor: Actor,
    expectedVersion?: number,
  ): Promise<PipelineDetail> {
    const current = this.pipeline(ref);
    if (expectedVersion !== undefined && expectedVersion !== current.version) {
      throw new ConflictError(`Pipeline is at version ${current.version}`);
    }
    const updated = { ...current, yaml, version: current.version + 1 };
    this.pipelines.set(key(ref), updated);
    return updated;
  }

  async deletePipeline(ref: PipelineRef): Promise<void> {
    this.pipeline(ref);
    this.pipelines.delete(key(ref));
  }

  async validatePipeline(yaml: string): Promise<ValidationResponse> {
    const parsed = parseYaml(yaml);
    return {
      ok: parsed.problems.length === 0,
      problems: parsed.problems.map(p => ({ ...p })),
    };
  }

  async execute(
    ref: PipelineRef,
    request: ExecuteRequest,
    actor: Actor,
    options?: ExecuteOptions,
  ): Promise<ExecutionSummary> {
    this.pipeline(ref);
    this.executeCalls.push({ ref, request, actor, options });
    const problems = this.inputProblems(ref, request);
    if (problems.length > 0) {
      throw new ProblemsError('the input set does not fit', problems);
    }
    const {
      nodes: _n,
      outputs: _o,
      ...summary
    } = this.addExecution(ref, 'Queued');
    return {
      ...summary,
      triggeredBy: actor,
      triggerType: options?.triggerType ?? 'MANUAL',
    };
  }

  async dryRun(
    ref: PipelineRef,
    request: ExecuteRequest,
  ): Promise<DryRunResponse> {
    this.pipeline(ref);
    this.dryRunCalls.push({ ref, request });
    const problems = this.inputProblems(ref, request);
    const given = typeof request.inputSet === 'object' ? request.inputSet : {};
    return problems.length > 0
      ? { ok: false, problems, inputs: {}, stages: [] }
      : {
          ok: true,
          problems: [],
          inputs: Object.fromEntries(
            Object.entries(given).map(([k, v]) => [
              `pipeline.variables.${k}`,
              v,
            ]),
          ),
          stages: [],
        };
  }

  /** Each `<+input>` pipeline variable the request leaves out, with line:column. */
  private inputProblems(ref: PipelineRef, request: ExecuteRequest): Problem[] {
    const parsed = parseYaml(this.pipeline(ref).yaml);
    const variables =
      (
        parsed.value as {
          pipeline?: { variables?: Array<{ name: string; value: unknown }> };
        }
      ).pipeline?.variables ?? [];
    const given = typeof request.inputSet === 'object' ? request.inputSet : {};
    const problems: Problem[] = [];
    variables.forEach((variable, index) => {
      if (variable.value === '<+input>' && given[variable.name] === undefined) {
        const path = ['pipeline', 'variables', index, 'value'];
        const position = parsed.locate(path);
        problems.push({
          severity: 'error',
          code: 'input-required',
          path: `pipeline.variables.${variable.name}`,
          message: `runtime input ${variable.name} is required`,
          ...(position ? { line: position.line, column: position.column } : {}),
        });
      }
    });
    return problems;
  }

  async listExecutions(
    filter: ExecutionFilter,
  ): Promise<ListResult<ExecutionSummary>> {
    const all = [...this.executions.values()]
      .filter(
        e => !filter.orgIdentifier || e.orgIdentifier === filter.orgIdentifier,
      )
      .filter(
        e =>
          !filter.projectIdentifier ||
          e.projectIdentifier === filter.projectIdentifier,
      )
      .filter(
        e =>
          !filter.pipelineIdentifier ||
          e.pipelineIdentifier === filter.pipelineIdentifier,
      )
      .filter(e => !filter.status || e.status === filter.status)
      .map(({ nodes: _n, outputs: _o, ...summary }) => summary);
    return page(all, filter);
  }

  async getExecution(id: string): Promise<ExecutionDetail> {
    const execution = this.executions.get(id);
    if (!execution) throw new NotFoundError(`Execution ${id} not found`);
    return execution;
  }

  async abortExecution(id: string, _actor: Actor): Promise<ExecutionSummary> {
    const execution = await this.getExecution(id);
    execution.status = 'Aborted';
    const { nodes: _n, outputs: _o, ...summary } = execution;
    return summary;
  }

  async rerunExecution(
    id: string,
    request: RerunRequest,
    actor: Actor,
  ): Promise<ExecutionSummary> {
    const original = await this.getExecution(id);
    if (!isTerminalExecutionStatus(original.status)) {
      throw new ConflictError(`execution ${id} is still ${original.status}`);
    }
    this.rerunCalls.push({ id, request, actor });
    const { orgIdentifier, projectIdentifier, pipelineIdentifier } = original;
    const rerun = this.addExecution(
      { orgIdentifier, projectIdentifier, pipelineIdentifier },
      'Queued',
    );
    rerun.rerunOf = id;
    rerun.rerunFromStage = request.fromStage ?? 's';
    const { nodes: _n, outputs: _o, ...summary } = rerun;
    return summary;
  }

  async readLogs(
    id: string,
    options: { after?: number; limit?: number; nodeFqn?: string },
  ): Promise<LogPageView> {
    const execution = await this.getExecution(id);
    const after = options.after ?? 0;
    const all = (this.logs.get(id) ?? []).filter(l => l.seq > after);
    const lines = all.slice(0, options.limit ?? 1000);
    const hasMore = all.length > lines.length;
    return {
      lines,
      nextCursor: lines.length ? lines[lines.length - 1].seq : after,
      complete: isTerminalExecutionStatus(execution.status) && !hasMore,
    };
  }

  onExecutionChanges(id: string, listener: () => void): () => void {
    return this.onLogs(id, listener);
  }

  onLogs(id: string, listener: () => void): () => void {
    const set = this.listeners.get(id) ?? new Set();
    set.add(listener);
    this.listeners.set(id, set);
    return () => set.delete(listener);
  }
}
