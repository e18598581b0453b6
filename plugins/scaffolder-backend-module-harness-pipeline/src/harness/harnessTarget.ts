import { statusKey } from '../run/progress';
import { describeWarnings } from '../run/problems';
import type {
  DryRunReport,
  InputValues,
  OutputVariable,
  PipelineTarget,
  RunState,
  TrackedNode,
} from '../run/types';
import type { ParsedPipelineUrl } from '../url/parsePipelineUrl';
import type {
  HarnessExecutionDetail,
  HarnessGraphNode,
  HarnessPipelineApi,
} from './harnessApi';
import { buildHarnessInputSet } from './harnessInputSet';

const TERMINAL = new Set([
  'success',
  'failed',
  'errored',
  'ignorefailed',
  'expired',
  'aborted',
  'abortedbyfreeze',
  'approvalrejected',
  'suspended',
]);
const SUCCEEDED = new Set(['success', 'ignorefailed']);
// Harness masks secret output values; such values are never exported.
const MASKED = /^\*+$/;

const toIso = (ts?: number) =>
  ts !== undefined && ts > 0 ? new Date(ts).toISOString() : undefined;

/** Where a Harness pipeline is, from its URL. */
export type HarnessPipelineLocation = Required<
  Pick<
    ParsedPipelineUrl,
    | 'origin'
    | 'accountIdentifier'
    | 'section'
    | 'orgIdentifier'
    | 'projectIdentifier'
    | 'pipelineIdentifier'
  >
> &
  Pick<
    ParsedPipelineUrl,
    'storeType' | 'repoName' | 'branch' | 'connectorRef' | 'moduleType'
  >;

/** `moduleType` on execute when the URL names no module (home, all). */
const DEFAULT_MODULE_TYPE = 'idp';
// Graph nodes that are structure, not steps of the YAML: stage sections,
// parallel forks, the strategy parent of looped steps, CI's Initialize.
const STRUCTURAL_STEP_TYPES = new Set([
  'NG_SECTION',
  'NG_SECTION_WITH_ROLLBACK_INFO',
  'NG_EXECUTION',
  'NG_FORK',
  'STRATEGY',
  'NG_STAGES',
  'liteEngineTask',
  'IDP_INITIALIZE_TASK',
]);

function uiQuery(location: HarnessPipelineLocation): string {
  const params = new URLSearchParams();
  if (location.storeType) params.set('storeType', location.storeType);
  if (location.repoName) params.set('repoName', location.repoName);
  if (location.branch) params.set('branch', location.branch);
  if (location.connectorRef) params.set('connectorRef', location.connectorRef);
  const query = params.toString();
  return query ? `?${query}` : '';
}

function pipelinePath(location: HarnessPipelineLocation): string {
  const s = encodeURIComponent;
  return `${location.origin}/ng/account/${s(location.accountIdentifier)}/${location.section}/orgs/${s(location.orgIdentifier)}/projects/${s(location.projectIdentifier)}/pipelines/${s(location.pipelineIdentifier)}`;
}

/**
 * The FQN of one node: its `baseFqn`, whose last segment is the step's
 * identifier, with a looped (matrix, repeat, parallelism) iteration's own
 * identifier (`Run_1_0`) in its place, as Harness's expressions name it.
 */
export function nodeFqn(node: HarnessGraphNode): string | undefined {
  const base = node.baseFqn;
  if (!base) return undefined;
  const cut = base.lastIndexOf('.');
  const last = base.slice(cut + 1);
  const strategy = node.strategyMetadata;
  if (node.identifier && node.identifier !== last) {
    return `${base.slice(0, cut + 1)}${node.identifier}`;
  }
  if (strategy && strategy.currentIteration !== undefined) {
    return `${base}${strategy.identifierPostFix ?? `_${strategy.currentIteration}`}`;
  }
  return base;
}

/**
 * Step and step-group nodes by FQN, one per step and loop iteration: the
 * latest try of each, with the try count. Stage, section, fork, strategy
 * and Initialize nodes are left out.
 */
function latestTries(nodeMap: Record<string, HarnessGraphNode>) {
  const byFqn = new Map<string, { node: HarnessGraphNode; attempt: number }>();
  for (const node of Object.values(nodeMap)) {
    if (node.stepType && STRUCTURAL_STEP_TYPES.has(node.stepType)) continue;
    if (!node.baseFqn || !/\.steps\.[^.]+$/.test(node.baseFqn)) continue;
    const fqn = nodeFqn(node)!;
    // Harness keeps earlier tries out of the graph but lists them.
    const tries =
      1 +
      Math.max(
        node.retryIds?.length ?? 0,
        node.interruptHistories?.filter(h => h.interruptType === 'RETRY')
          .length ?? 0,
      );
    const seen = byFqn.get(fqn);
    if (!seen) {
      byFqn.set(fqn, { node, attempt: tries });
    } else {
      const later = (node.startTs ?? 0) >= (seen.node.startTs ?? 0);
      byFqn.set(fqn, {
        node: later ? node : seen.node,
        attempt: Math.max(seen.attempt + 1, tries),
      });
    }
  }
  return byFqn;
}

function outputVariablesOf(node: HarnessGraphNode): Record<string, unknown> {
  const output = node.outcomes?.output as
    { outputVariables?: Record<string, unknown> } | undefined;
  return output?.outputVariables ?? {};
}

/** An execution v2 answer as the action's {@link RunState}. */
export function harnessRunState(
  executionId: string,
  detail: HarnessExecutionDetail,
  url: string,
  fallbackName: string,
): RunState {
  const summary = detail.pipelineExecutionSummary ?? {};
  const nodes: TrackedNode[] = [];
  for (const stage of Object.values(summary.layoutNodeMap ?? {})) {
    if (!stage.nodeIdentifier || stage.nodeType === 'parallel') continue;
    if (stage.nodeGroup && stage.nodeGroup !== 'STAGE') continue;
    nodes.push({
      fqn: `pipeline.stages.${stage.nodeIdentifier}`,
      kind: 'stage',
      identifier: stage.nodeIdentifier,
      name: stage.name ?? stage.nodeIdentifier,
      ...(stage.nodeType ? { type: stage.nodeType } : {}),
      status: stage.status ?? 'NotStarted',
      attempt: 1,
      startedAt: toIso(stage.startTs),
      endedAt: toIso(stage.endTs),
      errorMessage: stage.failureInfo?.message || undefined,
    });
  }
  const outputs: OutputVariable[] = [];
  for (const [fqn, { node, attempt }] of latestTries(
    detail.executionGraph?.nodeMap ?? {},
  )) {
    const identifier = node.identifier ?? fqn.slice(fqn.lastIndexOf('.') + 1);
    const endedAt = toIso(node.endTs);
    nodes.push({
      fqn,
      kind: node.stepType === 'STEP_GROUP' ? 'stepGroup' : 'step',
      identifier,
      name: node.name ?? identifier,
      ...(node.stepType ? { type: node.stepType } : {}),
      status: node.status ?? 'NotStarted',
      attempt,
      startedAt: toIso(node.startTs),
      endedAt,
      errorMessage: node.failureInfo?.message || undefined,
    });
    for (const [name, value] of Object.entries(outputVariablesOf(node))) {
      if (value === null || value === undefined) continue;
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      if (MASKED.test(text)) continue;
      outputs.push({
        fqn: `${fqn}.output.outputVariables.${name}`,
        name,
        value: text,
        nodeFqn: fqn,
        endedAt,
      });
    }
  }
  const status = summary.status ?? 'Queued';
  return {
    executionId,
    pipelineName: summary.name ?? fallbackName,
    status,
    terminal: TERMINAL.has(statusKey(status)),
    succeeded: SUCCEEDED.has(statusKey(status)),
    url,
    nodes,
    outputs,
    errorMessage: summary.executionErrorInfo?.message || undefined,
  };
}

/** A pipeline on Harness SaaS, run with an API key. */
export class HarnessTarget implements PipelineTarget {
  readonly description: string;
  readonly pipelineUrl: string;

  constructor(
    private readonly api: HarnessPipelineApi,
    private readonly location: HarnessPipelineLocation,
  ) {
    this.description = `Harness pipeline ${location.orgIdentifier}/${location.projectIdentifier}/${location.pipelineIdentifier}`;
    this.pipelineUrl = `${pipelinePath(location)}/pipeline-studio/${uiQuery(location)}`;
  }

  private get git() {
    const { repoName, branch, connectorRef } = this.location;
    return { repoName, branch, connectorRef };
  }

  private get moduleType() {
    return this.location.moduleType ?? DEFAULT_MODULE_TYPE;
  }

  private async inputSet(inputs: InputValues) {
    const template = await this.api.inputSetTemplate(this.location, this.git);
    return buildHarnessInputSet(
      this.location.pipelineIdentifier,
      template,
      inputs,
    );
  }

  /** Link to the pipeline's list of executions. */
  get executionsUrl(): string {
    return `${pipelinePath(this.location)}/executions${uiQuery(this.location)}`;
  }

  /** Reads a stored input set of the pipeline; throws when it is missing. */
  async readInputSet(inputSetIdentifier: string): Promise<void> {
    await this.api.inputSet(this.location, inputSetIdentifier, this.git);
  }

  executionUrl(executionId: string): string {
    return `${pipelinePath(this.location)}/executions/${encodeURIComponent(executionId)}/pipeline${uiQuery(this.location)}`;
  }

  async dryRun(inputs: InputValues): Promise<DryRunReport> {
    const inputSet = await this.inputSet(inputs);
    return {
      title: this.location.pipelineIdentifier,
      lines: [
        `Dry run: ${this.description} would be started with this input set:`,
        ...inputSet.yaml
          .trimEnd()
          .split('\n')
          .map(line => `  ${line}`),
      ],
      warnings: describeWarnings(inputSet.warnings),
    };
  }

  async start(
    inputs: InputValues,
  ): Promise<{ executionId: string; warnings: string[] }> {
    const inputSet = await this.inputSet(inputs);
    const executionId = await this.api.execute(this.location, inputSet.yaml, {
      git: this.git,
      moduleType: this.moduleType,
    });
    return { executionId, warnings: describeWarnings(inputSet.warnings) };
  }

  async read(executionId: string): Promise<RunState> {
    const detail = await this.api.execution(this.location, executionId);
    return harnessRunState(
      executionId,
      detail,
      this.executionUrl(executionId),
      this.location.pipelineIdentifier,
    );
  }

  async abort(executionId: string): Promise<void> {
    await this.api.abort(this.location, executionId);
  }

  /** Starts an execution with stored input sets (no runtime-input template). */
  async startWithInputSets(inputSetIdentifiers: string[]): Promise<string> {
    return this.api.executeWithInputSets(this.location, inputSetIdentifiers, {
      git: this.git,
      moduleType: this.moduleType,
    });
  }
}
