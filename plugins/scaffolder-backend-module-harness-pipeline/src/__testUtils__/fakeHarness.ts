import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse, stringify } from 'yaml';

/** One step of a scripted fake execution. */
export interface FakeHarnessStep {
  stage: string;
  identifier: string;
  type?: string;
  /** Output variables, computed from the pipeline variables executed with. */
  outputs?: (
    variables: Record<string, unknown>,
    iteration?: number,
  ) => Record<string, string>;
  /** Fail the step with this message. */
  fail?: string;
  /** Steps with the same key run side by side under one parallel (NG_FORK) node. */
  parallel?: string;
  /** Inside this step group (STEP_GROUP node). */
  group?: string;
  /** A matrix/repeat strategy with this many iterations (`<id>_0`, `<id>_1`...). */
  iterations?: number;
  /** Wait in this status (`ApprovalWaiting`, ...) for `waitReads` reads first. */
  waitFor?: string;
  waitReads?: number;
}

/** A pipeline the fake knows. */
export interface FakeHarnessPipeline {
  org: string;
  project: string;
  identifier: string;
  name: string;
  /** `inputSetTemplateYaml`; undefined when the pipeline has no runtime inputs. */
  template?: string;
  steps: FakeHarnessStep[];
  /** Stored input sets: identifier → pipeline variables. */
  inputSets?: Record<string, Record<string, unknown>>;
  /** Custom webhook triggers by identifier. */
  triggers?: Record<
    string,
    { enabled?: boolean; inputSetRefs: string[]; type?: string }
  >;
  /** Runtime-input errors Harness would report per FQN on execute. */
  rejectInputs?: (
    variables: Record<string, unknown>,
  ) => Array<{ fqn: string; message: string }>;
  /** Remote (Git Experience) pipelines need these on every call. */
  remote?: { repoName: string; branch: string; connectorRef: string };
}

/** A request the fake received. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A scripted failure of the next calls of a route. */
export interface FakeFailure {
  status: number;
  code?: string;
  message?: string;
  /** `Retry-After` header value. */
  retryAfter?: string;
  /** Drop the connection instead of answering. */
  dropConnection?: boolean;
  /** How many calls fail; default 1. */
  times?: number;
}

/** Route names for {@link FakeHarness.failNext}. */
export type FakeRoute =
  | 'template'
  | 'inputSet'
  | 'execute'
  | 'inputSetList'
  | 'execution'
  | 'interrupt'
  | 'trigger'
  | 'webhook'
  | 'webhookDetails';

interface FakeExecution {
  id: string;
  pipeline: FakeHarnessPipeline;
  variables: Record<string, unknown>;
  /** Units (a step, a parallel group, a matrix) finished so far. */
  done: number;
  /** Reads spent waiting in the current unit. */
  waited: number;
  abort?: 'requested' | 'discontinuing' | 'aborted';
}

interface WebhookEvent {
  id: string;
  pipeline: FakeHarnessPipeline;
  triggerIdentifier: string;
  reads: number;
  executionId?: string;
}

type Answer = {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  drop?: boolean;
};

const PREFIX = '/gateway/pipeline/api';
const T0 = 1_700_000_000_000;

/** The units of a pipeline: steps sharing a `parallel` key run together. */
function unitsOf(steps: FakeHarnessStep[]): FakeHarnessStep[][] {
  const units: FakeHarnessStep[][] = [];
  for (const step of steps) {
    const last = units[units.length - 1];
    if (step.parallel && last?.[0].parallel === step.parallel) last.push(step);
    else units.push([step]);
  }
  return units;
}

/**
 * A local HTTP server answering like Harness's NG pipeline API for the
 * routes the actions use: Harness's envelopes, `ErrorDTO`/`FailureDTO`
 * error bodies, every required query parameter checked, missing pipelines
 * answered 400 as Harness does, API keys without execute permission
 * answered 403, scripted 429/5xx/dropped connections, and execution graphs
 * with stage, section, Initialize, parallel, step-group and strategy nodes,
 * `nodeAdjacencyListMap`, waiting statuses and Discontinuing before
 * Aborted. Each execution read advances the run by one unit, so polling is
 * deterministic. Error bodies echo the API key, as careless servers do, to
 * prove the actions redact it.
 */
export class FakeHarness {
  readonly requests: RecordedRequest[] = [];
  readonly executions = new Map<string, FakeExecution>();
  readonly pipelines = new Map<string, FakeHarnessPipeline>();
  readonly events = new Map<string, WebhookEvent>();
  /** Accepted credentials: API keys (x-api-key) and session tokens (Bearer). */
  readonly apiKeys = new Set<string>();
  /** Keys that may view but not execute (403 on execute). */
  readonly viewOnlyKeys = new Set<string>();
  private readonly failures = new Map<FakeRoute, FakeFailure[]>();
  private server?: Server;
  private nextId = 1;

  static async start(): Promise<FakeHarness> {
    const fake = new FakeHarness();
    fake.server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', chunk => {
        body += chunk;
      });
      req.on('end', () => {
        const answer = fake.handle(req, body);
        if (answer.drop) {
          req.socket.destroy();
          return;
        }
        res.writeHead(answer.status, {
          'Content-Type': 'application/json',
          ...answer.headers,
        });
        res.end(JSON.stringify(answer.body));
      });
    });
    await new Promise<void>(resolve =>
      fake.server!.listen(0, '127.0.0.1', resolve),
    );
    return fake;
  }

  get origin(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    await new Promise(resolve => this.server?.close(resolve));
  }

  addPipeline(pipeline: FakeHarnessPipeline): void {
    this.pipelines.set(
      `${pipeline.org}/${pipeline.project}/${pipeline.identifier}`,
      pipeline,
    );
  }

  /** The next calls of `route` fail as scripted. */
  failNext(route: FakeRoute, failure: FakeFailure): void {
    const queue = this.failures.get(route) ?? [];
    for (let i = 0; i < (failure.times ?? 1); i++) queue.push(failure);
    this.failures.set(route, queue);
  }

  /** Forgets requests and scripted failures between tests. */
  reset(): void {
    this.requests.length = 0;
    this.failures.clear();
  }

  private error(status: number, code: string, message: string): Answer {
    return {
      status,
      body: {
        status: 'ERROR',
        code,
        message,
        correlationId: 'corr-1',
        detailedMessage: null,
        responseMessages: [
          { code, level: 'ERROR', message, exception: null, failureTypes: [] },
        ],
        metadata: null,
      },
    };
  }

  private failure(errors: Array<{ fieldId: string; error: string }>): Answer {
    return {
      status: 400,
      body: {
        status: 'FAILURE',
        code: 'INVALID_REQUEST',
        message: 'Invalid request',
        correlationId: 'corr-1',
        errors,
      },
    };
  }

  private ok(data: unknown): Answer {
    return {
      status: 200,
      body: { status: 'SUCCESS', data, metaData: null, correlationId: 'c' },
    };
  }

  /** A FailureDTO naming each missing required query parameter. */
  private require(
    query: Record<string, string>,
    names: string[],
  ): Answer | undefined {
    const missing = names.filter(name => !query[name]);
    return missing.length
      ? this.failure(
          missing.map(fieldId => ({ fieldId, error: 'must not be null' })),
        )
      : undefined;
  }

  private scripted(route: FakeRoute): Answer | undefined {
    const failure = this.failures.get(route)?.shift();
    if (!failure) return undefined;
    if (failure.dropConnection) return { status: 0, body: null, drop: true };
    const answer = this.error(
      failure.status,
      failure.code ??
        (failure.status === 429 ? 'TOO_MANY_REQUESTS' : 'UNKNOWN_ERROR'),
      failure.message ?? `Scripted failure ${failure.status}`,
    );
    return failure.retryAfter
      ? { ...answer, headers: { 'Retry-After': failure.retryAfter } }
      : answer;
  }

  private missingPipeline(id: string | undefined): Answer {
    return this.error(
      400,
      'INVALID_REQUEST',
      `Pipeline with the given ID: ${id} does not exist or has been deleted.`,
    );
  }

  /** Remote pipelines answer only with their Git coordinates. */
  private checkGit(
    pipeline: FakeHarnessPipeline,
    query: Record<string, string>,
  ): Answer | undefined {
    const remote = pipeline.remote;
    if (!remote) return undefined;
    if (
      query.branch !== remote.branch ||
      query.parentEntityRepoName !== remote.repoName ||
      query.parentEntityConnectorRef !== remote.connectorRef
    ) {
      return this.error(
        400,
        'INVALID_REQUEST',
        `Pipeline ${pipeline.identifier} is stored in Git: give branch, parentEntityRepoName and parentEntityConnectorRef`,
      );
    }
    return undefined;
  }

  private handle(req: IncomingMessage, body: string): Answer {
    const url = new URL(req.url ?? '/', 'http://fake');
    const query = Object.fromEntries(url.searchParams);
    this.requests.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      query,
      headers: req.headers,
      body,
    });
    const path = url.pathname.startsWith(PREFIX)
      ? url.pathname.slice(PREFIX.length)
      : '';
    const route = (method: string, pattern: RegExp) =>
      req.method === method ? pattern.exec(path) : null;

    const key =
      (req.headers['x-api-key'] as string | undefined) ??
      req.headers.authorization?.replace(/^Bearer /, '');
    // Custom webhooks need no credentials (unless the trigger asks for one).
    const isWebhook = route('POST', /^\/webhook\/custom\/v2$/);
    if (!isWebhook && (!key || !this.apiKeys.has(key))) {
      return this.error(
        401,
        'INVALID_TOKEN',
        `Token ${key ?? ''} is not valid`,
      );
    }
    const accountMissing = this.require(query, ['accountIdentifier']);
    if (accountMissing) return accountMissing;
    const scope = ['accountIdentifier', 'orgIdentifier', 'projectIdentifier'];
    const pipelineOf = (id: string | undefined) =>
      this.pipelines.get(
        `${query.orgIdentifier}/${query.projectIdentifier}/${id}`,
      );

    let match = route('POST', /^\/inputSets\/template$/);
    if (match) {
      const invalid =
        this.require(query, [...scope, 'pipelineIdentifier']) ??
        this.scripted('template');
      if (invalid) return invalid;
      const pipeline = pipelineOf(query.pipelineIdentifier);
      if (!pipeline) return this.missingPipeline(query.pipelineIdentifier);
      const git = this.checkGit(pipeline, query);
      if (git) return git;
      return this.ok({
        inputSetTemplateYaml: pipeline.template ?? '',
        hasInputSets: Object.keys(pipeline.inputSets ?? {}).length > 0,
        modules: ['idp'],
      });
    }
    match = route('GET', /^\/inputSets\/([^/]+)$/);
    if (match) {
      const invalid =
        this.require(query, [...scope, 'pipelineIdentifier']) ??
        this.scripted('inputSet');
      if (invalid) return invalid;
      const pipeline = pipelineOf(query.pipelineIdentifier);
      if (!pipeline) return this.missingPipeline(query.pipelineIdentifier);
      const id = decodeURIComponent(match[1]);
      const variables = pipeline.inputSets?.[id];
      if (!variables) {
        return this.error(
          400,
          'INVALID_REQUEST',
          `InputSet with the given ID: ${id} does not exist or has been deleted`,
        );
      }
      return this.ok({
        identifier: id,
        name: id,
        inputSetYaml: stringify({ inputSet: { identifier: id, variables } }),
      });
    }
    match = route('POST', /^\/pipeline\/execute\/([^/]+)(\/inputSetList)?$/);
    if (match) {
      const withList = Boolean(match[2]);
      const invalid =
        this.require(query, [...scope, 'moduleType']) ??
        this.scripted(withList ? 'inputSetList' : 'execute');
      if (invalid) return invalid;
      if (this.viewOnlyKeys.has(key!)) {
        return this.error(
          403,
          'NG_ACCESS_DENIED',
          `Missing permission core_pipeline_execute on pipeline with identifier ${match[1]}`,
        );
      }
      const pipeline = pipelineOf(decodeURIComponent(match[1]));
      if (!pipeline) return this.missingPipeline(match[1]);
      const git = this.checkGit(pipeline, query);
      if (git) return git;
      let variables: Record<string, unknown>;
      if (withList) {
        const refs = (
          JSON.parse(body || '{}') as { inputSetReferences?: string[] }
        ).inputSetReferences;
        if (!Array.isArray(refs) || refs.length === 0) {
          return this.failure([
            { fieldId: 'inputSetReferences', error: 'must not be empty' },
          ]);
        }
        const missing = refs.find(ref => !pipeline.inputSets?.[ref]);
        if (missing) {
          return this.error(
            400,
            'INVALID_REQUEST',
            `InputSet with the given ID: ${missing} does not exist or has been deleted`,
          );
        }
        variables = Object.assign(
          {},
          ...refs.map(ref => pipeline.inputSets![ref]),
        );
      } else {
        const doc = parse(body) as {
          pipeline?: {
            identifier?: string;
            variables?: Array<{ name: string; value: unknown }>;
          };
        };
        if (doc?.pipeline?.identifier !== pipeline.identifier) {
          return this.error(
            400,
            'INVALID_REQUEST',
            'Pipeline identifier of the input set does not match',
          );
        }
        variables = Object.fromEntries(
          (doc.pipeline.variables ?? []).map(v => [v.name, v.value]),
        );
      }
      const rejected = pipeline.rejectInputs?.(variables) ?? [];
      if (rejected.length > 0) {
        const answer = this.error(
          400,
          'INVALID_REQUEST',
          'Some fields in the runtime input are invalid.',
        );
        const errorBody = answer.body as Record<string, unknown>;
        if (query.useFQNIfError === 'true') {
          errorBody.metadata = {
            type: 'InputSetErrorWrapperDTOPMS',
            errorPipelineYaml: '',
            uuidToErrorResponseMap: Object.fromEntries(
              rejected.map(({ fqn, message }) => [
                fqn,
                {
                  errors: [
                    {
                      fieldName: fqn.slice(fqn.lastIndexOf('.') + 1),
                      message,
                      identifierOfErrorSource: pipeline.identifier,
                    },
                  ],
                },
              ]),
            ),
          };
        }
        return answer;
      }
      const id = this.start(pipeline, variables);
      return this.ok({
        planExecution: { uuid: id, status: 'RUNNING' },
        gitDetails: null,
      });
    }
    match = route('GET', /^\/pipelines\/execution\/v2\/([^/]+)$/);
    if (match) {
      const invalid = this.require(query, scope) ?? this.scripted('execution');
      if (invalid) return invalid;
      const execution = this.executions.get(decodeURIComponent(match[1]));
      if (
        !execution ||
        execution.pipeline.org !== query.orgIdentifier ||
        execution.pipeline.project !== query.projectIdentifier
      ) {
        return this.error(
          400,
          'INVALID_REQUEST',
          `Plan Execution with id ${match[1]} is not present or deleted`,
        );
      }
      const data = this.render(execution);
      this.advance(execution);
      return this.ok(data);
    }
    match = route('PUT', /^\/pipeline\/execute\/interrupt\/([^/]+)$/);
    if (match) {
      const invalid =
        this.require(query, [...scope, 'interruptType']) ??
        this.scripted('interrupt');
      if (invalid) return invalid;
      const execution = this.executions.get(decodeURIComponent(match[1]));
      if (!execution) {
        return this.error(
          400,
          'INVALID_REQUEST',
          `Plan Execution with id ${match[1]} is not present or deleted`,
        );
      }
      if (query.interruptType !== 'AbortAll') {
        return this.failure([
          {
            fieldId: 'interruptType',
            error: `Unknown interrupt ${query.interruptType}`,
          },
        ]);
      }
      execution.abort ??= 'requested';
      return this.ok({
        id: `interrupt-${execution.id}`,
        type: 'AbortAll',
        planExecutionId: execution.id,
      });
    }
    match = route('GET', /^\/triggers\/([^/]+)$/);
    if (match) {
      const invalid =
        this.require(query, [...scope, 'targetIdentifier']) ??
        this.scripted('trigger');
      if (invalid) return invalid;
      const pipeline = pipelineOf(query.targetIdentifier);
      const id = decodeURIComponent(match[1]);
      const trigger = pipeline?.triggers?.[id];
      if (!pipeline || !trigger) {
        return this.error(
          404,
          'RESOURCE_NOT_FOUND_EXCEPTION',
          `Trigger ${id} does not exist`,
        );
      }
      return this.ok({
        identifier: id,
        name: id,
        type: 'Webhook',
        enabled: trigger.enabled ?? true,
        targetIdentifier: pipeline.identifier,
        yaml: stringify({
          trigger: {
            identifier: id,
            enabled: trigger.enabled ?? true,
            pipelineIdentifier: pipeline.identifier,
            source: {
              type: 'Webhook',
              spec: { type: trigger.type ?? 'Custom', spec: {} },
            },
            inputSetRefs: trigger.inputSetRefs,
          },
        }),
      });
    }
    if (isWebhook) {
      const invalid =
        this.require(query, [
          ...scope,
          'pipelineIdentifier',
          'triggerIdentifier',
        ]) ?? this.scripted('webhook');
      if (invalid) return invalid;
      try {
        JSON.parse(body);
      } catch {
        return this.error(400, 'INVALID_REQUEST', 'Payload is not JSON');
      }
      const pipeline = pipelineOf(query.pipelineIdentifier);
      if (!pipeline) return this.missingPipeline(query.pipelineIdentifier);
      const id = `evt-${this.nextId++}`;
      this.events.set(id, {
        id,
        pipeline,
        triggerIdentifier: query.triggerIdentifier,
        reads: 0,
      });
      const details = `${this.origin}${PREFIX}/webhook/triggerExecutionDetails/${id}?accountIdentifier=${query.accountIdentifier}`;
      return this.ok({
        eventCorrelationId: id,
        apiUrl: details,
        uiUrl: `${this.origin}/ng/account/${query.accountIdentifier}/home/orgs/${query.orgIdentifier}/projects/${query.projectIdentifier}/pipelines/${query.pipelineIdentifier}/triggers`,
        uiSetupUrl: '',
      });
    }
    match = route('GET', /^\/webhook\/triggerExecutionDetails\/([^/]+)$/);
    if (match) {
      const invalid = this.scripted('webhookDetails');
      if (invalid) return invalid;
      const event = this.events.get(decodeURIComponent(match[1]));
      if (!event) {
        return this.error(400, 'INVALID_REQUEST', `No event ${match[1]}`);
      }
      return this.ok({ webhookProcessingDetails: this.process(event) });
    }
    return this.error(
      404,
      'RESOURCE_NOT_FOUND_EXCEPTION',
      `No route ${req.method} ${url.pathname}`,
    );
  }

  private start(
    pipeline: FakeHarnessPipeline,
    variables: Record<string, unknown>,
  ): string {
    const id = `plan-${this.nextId++}`;
    this.executions.set(id, { id, pipeline, variables, done: 0, waited: 0 });
    return id;
  }

  /** The first read finds the event queued; the second, its execution. */
  private process(event: WebhookEvent) {
    event.reads += 1;
    const base = {
      eventId: event.id,
      triggerIdentifier: event.triggerIdentifier,
    };
    if (event.reads === 1) return { ...base, eventFound: false };
    const trigger = event.pipeline.triggers?.[event.triggerIdentifier];
    if (!trigger || trigger.enabled === false) {
      return {
        ...base,
        eventFound: true,
        exceptionOccured: false,
        status: trigger
          ? 'TRIGGER_DISABLED'
          : 'NO_ENABLED_CUSTOM_TRIGGER_FOUND',
        message: `No enabled custom trigger ${event.triggerIdentifier}`,
      };
    }
    event.executionId ??= this.start(
      event.pipeline,
      Object.assign(
        {},
        ...trigger.inputSetRefs.map(ref => event.pipeline.inputSets?.[ref]),
      ),
    );
    return {
      ...base,
      eventFound: true,
      exceptionOccured: false,
      status: 'TARGET_EXECUTION_REQUESTED',
      message: 'Pipeline execution was requested successfully',
      pipelineExecutionId: event.executionId,
    };
  }

  /** One read later: the next unit, or the next abort phase. */
  private advance(execution: FakeExecution) {
    if (execution.abort === 'requested') {
      execution.abort = 'discontinuing';
      return;
    }
    if (execution.abort === 'discontinuing') {
      execution.abort = 'aborted';
      return;
    }
    if (execution.abort) return;
    const units = unitsOf(execution.pipeline.steps);
    const current = units[execution.done];
    if (!current) return;
    const waiting = current.find(s => s.waitFor);
    if (waiting && execution.waited < (waiting.waitReads ?? 1)) {
      execution.waited += 1;
      return;
    }
    execution.waited = 0;
    execution.done = current.some(s => s.fail)
      ? units.length + 1
      : execution.done + 1;
  }

  /** The v2 answer for an execution's current state. */
  private render(execution: FakeExecution) {
    const units = unitsOf(execution.pipeline.steps);
    const failedUnit = units.findIndex(unit => unit.some(s => s.fail));
    const finished = execution.done >= units.length;
    const failed = finished && failedUnit >= 0;
    const abortPhase = execution.abort;
    const nodeMap: Record<string, Record<string, unknown>> = {};
    const adjacency: Record<string, { children: string[]; nextIds: string[] }> =
      {};
    const link = (parent: string, child: string) => {
      adjacency[parent] ??= { children: [], nextIds: [] };
      adjacency[parent].children.push(child);
    };
    const add = (uuid: string, node: Record<string, unknown>) => {
      nodeMap[uuid] = { uuid, setupId: `setup-${uuid}`, ...node };
      adjacency[uuid] ??= { children: [], nextIds: [] };
    };

    const unitStatus = (index: number, step?: FakeHarnessStep) => {
      if (failed && index === failedUnit) {
        return step?.fail || !step ? 'Failed' : 'Success';
      }
      if (failed && index > failedUnit) return 'NotStarted';
      if (index < execution.done) return 'Success';
      if (index === execution.done && !finished) {
        if (abortPhase === 'discontinuing') return 'Discontinuing';
        if (abortPhase === 'aborted') return 'Aborted';
        const waitingStep = units[index].find(s => s.waitFor);
        if (waitingStep && (!step || step === waitingStep)) {
          return waitingStep.waitFor!;
        }
        return 'Running';
      }
      return 'NotStarted';
    };
    const times = (index: number, status: string) => ({
      startTs: status === 'NotStarted' ? 0 : T0 + index * 1000,
      endTs: ['Success', 'Failed', 'Aborted'].includes(status)
        ? T0 + index * 1000 + 900
        : 0,
    });

    const stages = [...new Set(execution.pipeline.steps.map(s => s.stage))];
    let status = 'Running';
    if (abortPhase === 'discontinuing') status = 'Discontinuing';
    else if (abortPhase === 'aborted') status = 'Aborted';
    else if (failed) status = 'Failed';
    else if (finished) status = 'Success';
    else {
      const waitingStep = units[execution.done]?.find(s => s.waitFor);
      if (waitingStep) status = waitingStep.waitFor!;
    }
    const failMessage = failed
      ? units[failedUnit].find(s => s.fail)!.fail!
      : '';

    let previousStageNode: string | undefined;
    for (const stage of stages) {
      const stageFqn = `pipeline.stages.${stage}`;
      const stageNode = `stage-${stage}`;
      const sectionNode = `section-${stage}`;
      const initNode = `init-${stage}`;
      add(stageNode, {
        identifier: stage,
        name: stage,
        baseFqn: stageFqn,
        stepType: 'IDP',
        status,
        startTs: T0,
        endTs: 0,
        outcomes: {},
      });
      if (previousStageNode)
        adjacency[previousStageNode].nextIds.push(stageNode);
      previousStageNode = stageNode;
      add(sectionNode, {
        identifier: 'execution',
        name: 'Execution',
        baseFqn: `${stageFqn}.spec.execution`,
        stepType: 'NG_SECTION',
        status,
        startTs: T0,
        endTs: 0,
        outcomes: {},
      });
      link(stageNode, sectionNode);
      add(initNode, {
        identifier: 'liteEngineTask',
        name: 'Initialize',
        baseFqn: `${stageFqn}.spec.execution.steps.liteEngineTask`,
        stepType: 'liteEngineTask',
        status: 'Success',
        startTs: T0,
        endTs: T0 + 100,
        outcomes: {},
      });
      link(sectionNode, initNode);
      let previous = initNode;
      units.forEach((unit, index) => {
        const inStage = unit.filter(s => s.stage === stage);
        if (inStage.length === 0) return;
        let parent = sectionNode;
        let head: string | undefined;
        if (inStage.length > 1 || inStage[0].parallel) {
          const fork = `parallel-${stage}-${index}`;
          add(fork, {
            identifier: `parallel${index}`,
            name: 'parallel',
            baseFqn: `${stageFqn}.spec.execution`,
            stepType: 'NG_FORK',
            status: unitStatus(index),
            ...times(index, unitStatus(index)),
            outcomes: {},
          });
          link(sectionNode, fork);
          parent = fork;
          head = fork;
        }
        for (const step of inStage) {
          const stepStatus = unitStatus(index, step);
          let stepsFqn = `${stageFqn}.spec.execution.steps`;
          let stepParent = parent;
          if (step.group) {
            const groupNode = `group-${stage}-${step.group}-${index}`;
            add(groupNode, {
              identifier: step.group,
              name: step.group,
              baseFqn: `${stepsFqn}.${step.group}`,
              stepType: 'STEP_GROUP',
              status: stepStatus,
              ...times(index, stepStatus),
              outcomes: {},
            });
            link(stepParent, groupNode);
            head ??= groupNode;
            stepParent = groupNode;
            stepsFqn = `${stepsFqn}.${step.group}.steps`;
          }
          const baseFqn = `${stepsFqn}.${step.identifier}`;
          const iterations = step.iterations;
          if (iterations) {
            const strategyNode = `strategy-${stage}-${step.identifier}`;
            add(strategyNode, {
              identifier: step.identifier,
              name: step.identifier,
              baseFqn,
              stepType: 'STRATEGY',
              status: stepStatus,
              ...times(index, stepStatus),
              outcomes: {},
            });
            link(stepParent, strategyNode);
            head ??= strategyNode;
            stepParent = strategyNode;
          }
          for (let i = 0; i < (iterations ?? 1); i++) {
            const uuid = `step-${stage}-${step.identifier}${iterations ? `-${i}` : ''}`;
            add(uuid, {
              identifier: iterations
                ? `${step.identifier}_${i}`
                : step.identifier,
              name: iterations ? `${step.identifier}_${i}` : step.identifier,
              baseFqn,
              stepType: step.type ?? 'Run',
              status: stepStatus,
              ...times(index, stepStatus),
              failureInfo: {
                message: stepStatus === 'Failed' ? (step.fail ?? '') : '',
              },
              outcomes:
                stepStatus === 'Success' && step.outputs
                  ? {
                      output: {
                        outputVariables: step.outputs(
                          execution.variables,
                          iterations ? i : undefined,
                        ),
                      },
                    }
                  : {},
              ...(iterations
                ? {
                    strategyMetadata: {
                      currentIteration: i,
                      totalIterations: iterations,
                    },
                  }
                : {}),
            });
            link(stepParent, uuid);
            head ??= uuid;
          }
        }
        if (head) {
          adjacency[previous].nextIds.push(head);
          previous = head;
        }
      });
    }
    const layoutNodeMap = Object.fromEntries(
      stages.map(stage => [
        `layout-${stage}`,
        {
          nodeType: 'IDP',
          nodeGroup: 'STAGE',
          nodeIdentifier: stage,
          name: stage,
          status,
          startTs: T0,
          endTs: status === 'Running' ? 0 : T0 + units.length * 1000,
          failureInfo: { message: failMessage },
        },
      ]),
    );
    return {
      pipelineExecutionSummary: {
        pipelineIdentifier: execution.pipeline.identifier,
        planExecutionId: execution.id,
        name: execution.pipeline.name,
        status,
        runSequence: 1,
        startTs: T0,
        layoutNodeMap,
        executionErrorInfo: { message: failMessage },
      },
      executionGraph: {
        rootNodeId: stages.length ? `stage-${stages[0]}` : '',
        nodeMap,
        nodeAdjacencyListMap: adjacency,
      },
    };
  }
}
