import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  NotAllowedError,
  NotFoundError,
  ResponseError,
} from '@backstage/errors';
import {
  isTerminalExecutionStatus,
  type DryRunResponse,
  type ExecutionDetail,
  type NodeExecutionView,
  type PipelineRef,
  type PlannedNodeView,
  type ScaffolderTaskRef,
} from '@idp-pipelines/plugin-pipeline-engine-common';
import {
  problemsOfError,
  type PipelineEngineService,
} from '@idp-pipelines/plugin-pipeline-engine-node';
import { describeWarnings, inputSetProblemsError } from '../run/problems';
import { pipelineLinks, type PipelineLinks } from './portalLinks';
import type {
  DryRunReport,
  InputValues,
  OutputVariable,
  PipelineTarget,
  RunState,
  RunUpdate,
  StreamedLogLine,
  TrackedNode,
} from '../run/types';

/** What {@link EngineTarget} needs. */
export interface EngineTargetOptions {
  client: PipelineEngineService;
  /** The initiating user's credentials: their permissions apply. */
  credentials: BackstageCredentials;
  ref: PipelineRef;
  /** External base URL of the engine (`.../api/pipeline-engine`), for links. */
  engineBaseUrl: string;
  /** `app.baseUrl`: links then open the portal's pages instead of the API. */
  portalBaseUrl?: string;
  /** The scaffolder task running the action: the execution links back to it. */
  scaffolderTask?: ScaffolderTaskRef;
}

const segment = encodeURIComponent;

/** `<engine base>/pipelines/<org>/<project>/<pipeline>`: the canonical pipeline link. */
export function enginePipelineUrl(engineBaseUrl: string, ref: PipelineRef) {
  return `${engineBaseUrl}/pipelines/${segment(ref.orgIdentifier)}/${segment(
    ref.projectIdentifier,
  )}/${segment(ref.pipelineIdentifier)}`;
}

/** `org/project/pipeline`. */
export function refLabel(ref: PipelineRef): string {
  return `${ref.orgIdentifier}/${ref.projectIdentifier}/${ref.pipelineIdentifier}`;
}

/** Engine errors in words a template author can act on. */
export function explainEngineError(
  error: unknown,
  ref: PipelineRef,
  doing: string,
): unknown {
  if (!ResponseError.is(error)) return error;
  const problems = problemsOfError(error);
  if (problems.length > 0) {
    return inputSetProblemsError(`pipeline ${refLabel(ref)}`, problems);
  }
  if (error.statusCode === 403) {
    return new NotAllowedError(
      `You are not allowed to ${doing} pipeline ${refLabel(ref)} in the pipeline engine: ${error.body.error.message}`,
    );
  }
  if (error.statusCode === 404) {
    return new NotFoundError(
      `Pipeline ${refLabel(ref)} was not found in the pipeline engine: ${error.body.error.message}`,
    );
  }
  return error;
}

const KINDS: Record<string, TrackedNode['kind'] | undefined> = {
  stage: 'stage',
  stepGroup: 'stepGroup',
  step: 'step',
};

function flatten(
  nodes: readonly NodeExecutionView[],
  out: NodeExecutionView[] = [],
) {
  for (const node of nodes) {
    out.push(node);
    flatten(node.children, out);
  }
  return out;
}

/**
 * Output variables of an execution. The engine lists secret outputs by
 * name only; any such name that shows up with a value anyway is dropped,
 * so a secret can never reach the scaffolder's outputs.
 */
export function engineOutputs(detail: ExecutionDetail): OutputVariable[] {
  const nodes = flatten(detail.nodes);
  const variables: OutputVariable[] = [];
  const seen = new Set<string>();
  for (const node of nodes) {
    for (const [name, value] of Object.entries(node.outputs)) {
      if (node.secretOutputs.includes(name)) continue;
      const fqn = `${node.fqn}.output.outputVariables.${name}`;
      seen.add(fqn);
      variables.push({
        fqn,
        name,
        value,
        nodeFqn: node.fqn,
        endedAt: node.endedAt,
      });
    }
  }
  // FQNs the execution lists but no node does (e.g. nodes left out of a view).
  for (const [fqn, value] of Object.entries(detail.outputs)) {
    if (seen.has(fqn)) continue;
    const match = /^(.*)\.output\.outputVariables\.([^.]+)$/.exec(fqn);
    if (!match) continue;
    const owner = nodes.find(node => node.fqn === match[1]);
    if (owner?.secretOutputs.includes(match[2])) continue;
    variables.push({
      fqn,
      name: match[2],
      value,
      nodeFqn: match[1],
      endedAt: owner?.endedAt,
    });
  }
  return variables;
}

/** A stage, step group or step as the action tracks it; other nodes: undefined. */
function toTrackedNode(
  node: Omit<NodeExecutionView, 'children'>,
): TrackedNode | undefined {
  const kind = KINDS[node.nodeType];
  if (!kind) return undefined;
  return {
    fqn: node.fqn,
    kind,
    identifier: node.identifier,
    name: node.name,
    ...(node.stepType ? { type: node.stepType } : {}),
    status: node.status,
    attempt: node.attempt,
    // The engine's own times of the node: durations are the step's own.
    startedAt: node.startedAt,
    endedAt: node.endedAt,
    errorMessage: node.errorMessage,
  };
}

function toRunState(detail: ExecutionDetail, url: string): RunState {
  const nodes: TrackedNode[] = flatten(detail.nodes).flatMap(node => {
    const tracked = toTrackedNode(node);
    return tracked ? [tracked] : [];
  });
  return {
    executionId: detail.id,
    pipelineName: detail.pipelineName,
    status: detail.status,
    terminal: isTerminalExecutionStatus(detail.status),
    // As on Harness: failures that Ignore strategies handled do not fail the task.
    succeeded: detail.status === 'Success' || detail.status === 'IgnoreFailed',
    url,
    nodes,
    outputs: engineOutputs(detail),
    errorMessage: detail.errorMessage,
  };
}

function planLines(nodes: readonly PlannedNodeView[], depth: number): string[] {
  return nodes.flatMap(node => {
    const details = [
      node.type,
      node.strategy ? `${node.strategy} strategy` : undefined,
      node.condition ? `when ${node.condition}` : undefined,
    ].filter(Boolean);
    return [
      `${'  '.repeat(depth)}- ${node.identifier}${details.length ? ` (${details.join(', ')})` : ''}`,
      ...planLines(node.children ?? [], depth + 1),
    ];
  });
}

/** A pipeline of this Backstage's engine, run as the initiating user. */
export class EngineTarget implements PipelineTarget {
  readonly description: string;
  readonly pipelineUrl: string;
  private readonly links: PipelineLinks;

  constructor(private readonly options: EngineTargetOptions) {
    this.description = `pipeline ${refLabel(options.ref)} in the pipeline engine`;
    this.links = pipelineLinks(options.engineBaseUrl, options.portalBaseUrl);
    this.pipelineUrl = this.links.pipeline(options.ref);
  }

  private get auth() {
    return { credentials: this.options.credentials };
  }

  async dryRun(inputs: InputValues): Promise<DryRunReport> {
    let response: DryRunResponse;
    let title = this.options.ref.pipelineIdentifier;
    try {
      title = (
        await this.options.client.getPipeline(this.options.ref, this.auth)
      ).name;
      response = await this.options.client.dryRun(
        this.options.ref,
        { inputSet: inputs, allowUnknownKeys: true },
        this.auth,
      );
    } catch (error) {
      throw explainEngineError(error, this.options.ref, 'read');
    }
    if (!response.ok) {
      throw inputSetProblemsError(
        `pipeline ${refLabel(this.options.ref)}`,
        response.problems,
      );
    }
    const inputLines = Object.entries(response.inputs).map(
      ([fqn, value]) => `  ${fqn} = ${JSON.stringify(value)}`,
    );
    return {
      title,
      lines: [
        `Dry run: ${this.description} would run with ${inputLines.length} runtime ${inputLines.length === 1 ? 'input' : 'inputs'}`,
        ...inputLines,
        'Stages and steps that would run:',
        ...planLines(response.stages, 1),
      ],
      warnings: describeWarnings(response.problems),
    };
  }

  async start(inputs: InputValues): Promise<{ executionId: string }> {
    try {
      const execution = await this.options.client.execute(
        this.options.ref,
        // Harness ignores inputset keys the pipeline does not use; so do we
        // (the dry run in the template editor lists them as warnings).
        {
          inputSet: inputs,
          allowUnknownKeys: true,
          ...(this.options.scaffolderTask
            ? { scaffolderTask: this.options.scaffolderTask }
            : {}),
        },
        this.auth,
      );
      return { executionId: execution.id };
    } catch (error) {
      throw explainEngineError(error, this.options.ref, 'execute');
    }
  }

  executionUrl(executionId: string): string {
    return this.links.execution(executionId);
  }

  async read(executionId: string): Promise<RunState> {
    const detail = await this.options.client.getExecution(
      executionId,
      this.auth,
    );
    return toRunState(detail, this.links.execution(executionId));
  }

  async followLogs(
    executionId: string,
    signal: AbortSignal,
    onLine: (line: StreamedLogLine) => void,
  ): Promise<void> {
    await this.options.client.followLogs(
      executionId,
      { ...this.auth, signal },
      line => onLine(line),
    );
  }

  async followStatus(
    executionId: string,
    signal: AbortSignal,
    onUpdate: (update: RunUpdate) => void,
  ): Promise<void> {
    const url = this.links.execution(executionId);
    await this.options.client.followExecution(
      executionId,
      { ...this.auth, signal },
      event => {
        if (event.type === 'execution') {
          onUpdate({
            type: 'status',
            status: event.execution.status,
            errorMessage: event.execution.errorMessage,
          });
        } else if (event.type === 'node') {
          const node = toTrackedNode(event.node);
          if (node) onUpdate({ type: 'node', node });
        } else {
          onUpdate({ type: 'end', state: toRunState(event.execution, url) });
        }
      },
    );
  }

  async abort(executionId: string): Promise<void> {
    await this.options.client.abortExecution(executionId, this.auth);
  }
}
