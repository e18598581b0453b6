import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse } from 'yaml';

/** One step of a scripted fake execution. */
export interface FakeHarnessStep {
  stage: string;
  identifier: string;
  type?: string;
  /** Output variables, computed from the pipeline variables executed with. */
  outputs?: (variables: Record<string, unknown>) => Record<string, string>;
  /** Fail the step with this message. */
  fail?: string;
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
}

/** A request the fake received. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingMessage['headers'];
  body: string;
}

interface FakeExecution {
  id: string;
  pipeline: FakeHarnessPipeline;
  inputYaml: string;
  variables: Record<string, unknown>;
  /** Steps finished so far; one more per read. */
  done: number;
  aborted: boolean;
}

/**
 * A local HTTP server answering like Harness's NG pipeline API for the
 * routes the action uses, with Harness's envelopes and error bodies. Each
 * execution read advances the execution by one step, so polling is
 * deterministic. Error bodies echo the API key, as careless servers do,
 * to prove the action redacts it.
 */
export class FakeHarness {
  readonly requests: RecordedRequest[] = [];
  readonly executions = new Map<string, FakeExecution>();
  readonly pipelines = new Map<string, FakeHarnessPipeline>();
  /** Accepted credentials: API keys (x-api-key) and session tokens (Bearer). */
  readonly apiKeys = new Set<string>();
  /** Answer the next execute with this status and message. */
  failNextExecute?: { status: number; code: string; message: string };
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
        res.writeHead(answer.status, { 'Content-Type': 'application/json' });
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

  private error(status: number, code: string, message: string) {
    return {
      status,
      body: {
        status: 'ERROR',
        code,
        message,
        correlationId: 'corr-1',
        detailedMessage: null,
        responseMessages: [{ code, level: 'ERROR', message }],
      },
    };
  }

  private handle(
    req: IncomingMessage,
    body: string,
  ): { status: number; body: unknown } {
    const url = new URL(req.url ?? '/', 'http://fake');
    const query = Object.fromEntries(url.searchParams);
    this.requests.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      query,
      headers: req.headers,
      body,
    });
    const key =
      (req.headers['x-api-key'] as string | undefined) ??
      req.headers.authorization?.replace(/^Bearer /, '');
    if (!key || !this.apiKeys.has(key)) {
      return this.error(
        401,
        'INVALID_TOKEN',
        `Token ${key ?? ''} is not valid`,
      );
    }
    if (!query.accountIdentifier) {
      return this.error(
        400,
        'INVALID_REQUEST',
        'accountIdentifier is required',
      );
    }
    const prefix = '/gateway/pipeline/api';
    const path = url.pathname.startsWith(prefix)
      ? url.pathname.slice(prefix.length)
      : '';
    const pipelineOf = (id: string | undefined) =>
      this.pipelines.get(
        `${query.orgIdentifier}/${query.projectIdentifier}/${id}`,
      );

    const route = (method: string, pattern: RegExp) =>
      req.method === method ? pattern.exec(path) : null;
    let match = route('POST', /^\/inputSets\/template$/);
    if (match) {
      const pipeline = pipelineOf(query.pipelineIdentifier);
      if (!pipeline) {
        return this.error(
          404,
          'RESOURCE_NOT_FOUND_EXCEPTION',
          `Pipeline [${query.pipelineIdentifier}] not found`,
        );
      }
      return {
        status: 200,
        body: {
          status: 'SUCCESS',
          data: {
            inputSetTemplateYaml: pipeline.template ?? '',
            hasInputSets: false,
          },
        },
      };
    }
    match = route('POST', /^\/pipeline\/execute\/([^/]+)$/);
    if (match) {
      const pipeline = pipelineOf(decodeURIComponent(match[1]));
      if (!pipeline) {
        return this.error(
          404,
          'RESOURCE_NOT_FOUND_EXCEPTION',
          `Pipeline [${match[1]}] not found`,
        );
      }
      if (this.failNextExecute) {
        const { status, code, message } = this.failNextExecute;
        this.failNextExecute = undefined;
        return this.error(status, code, message);
      }
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
      const variables = Object.fromEntries(
        (doc.pipeline.variables ?? []).map(v => [v.name, v.value]),
      );
      const id = `plan-${this.nextId++}`;
      this.executions.set(id, {
        id,
        pipeline,
        inputYaml: body,
        variables,
        done: 0,
        aborted: false,
      });
      return {
        status: 200,
        body: {
          status: 'SUCCESS',
          data: { planExecution: { uuid: id, status: 'RUNNING' } },
        },
      };
    }
    match = route('GET', /^\/pipelines\/execution\/v2\/([^/]+)$/);
    if (match) {
      const execution = this.executions.get(decodeURIComponent(match[1]));
      if (!execution) {
        return this.error(
          404,
          'RESOURCE_NOT_FOUND_EXCEPTION',
          'Execution not found',
        );
      }
      const data = this.render(execution);
      if (
        !execution.aborted &&
        execution.done < execution.pipeline.steps.length
      ) {
        const current = execution.pipeline.steps[execution.done];
        execution.done = current.fail
          ? execution.pipeline.steps.length + 1
          : execution.done + 1;
      }
      return { status: 200, body: { status: 'SUCCESS', data } };
    }
    match = route('PUT', /^\/pipeline\/execute\/interrupt\/([^/]+)$/);
    if (match) {
      const execution = this.executions.get(decodeURIComponent(match[1]));
      if (!execution) {
        return this.error(
          404,
          'RESOURCE_NOT_FOUND_EXCEPTION',
          'Execution not found',
        );
      }
      if (query.interruptType !== 'AbortAll') {
        return this.error(
          400,
          'INVALID_REQUEST',
          `Unknown interrupt ${query.interruptType}`,
        );
      }
      execution.aborted = true;
      return {
        status: 200,
        body: { status: 'SUCCESS', data: { type: 'AbortAll' } },
      };
    }
    return this.error(
      404,
      'RESOURCE_NOT_FOUND_EXCEPTION',
      `No route ${req.method} ${url.pathname}`,
    );
  }

  /** The v2 answer for an execution's current tick. */
  private render(execution: FakeExecution) {
    const { steps } = execution.pipeline;
    const failedAt = steps.findIndex(s => s.fail);
    const finished = execution.done >= steps.length;
    const failed = finished && failedAt >= 0;
    const t0 = 1_700_000_000_000;
    const nodeMap: Record<string, unknown> = {};
    steps.forEach((step, i) => {
      let status = 'NotStarted';
      if (execution.aborted && i >= execution.done) {
        status = i === execution.done ? 'Aborted' : 'NotStarted';
      } else if (failed && i === failedAt) status = 'Failed';
      else if (failed && i > failedAt) status = 'NotStarted';
      else if (i < execution.done) status = 'Success';
      else if (i === execution.done) status = 'Running';
      const started = status !== 'NotStarted';
      const ended = ['Success', 'Failed', 'Aborted'].includes(status);
      nodeMap[`node-${i}`] = {
        uuid: `node-${i}`,
        identifier: step.identifier,
        name: step.identifier,
        baseFqn: `pipeline.stages.${step.stage}.spec.execution.steps.${step.identifier}`,
        stepType: step.type ?? 'Run',
        status,
        startTs: started ? t0 + i * 1000 : 0,
        endTs: ended ? t0 + i * 1000 + 900 : 0,
        failureInfo: { message: status === 'Failed' ? step.fail : '' },
        outcomes:
          status === 'Success' && step.outputs
            ? { output: { outputVariables: step.outputs(execution.variables) } }
            : {},
      };
    });
    let status = 'Running';
    if (execution.aborted) status = 'Aborted';
    else if (failed) status = 'Failed';
    else if (finished) status = 'Success';
    const stages = [...new Set(steps.map(s => s.stage))];
    const layoutNodeMap = Object.fromEntries(
      stages.map(stage => [
        `layout-${stage}`,
        {
          nodeType: 'IDP',
          nodeGroup: 'STAGE',
          nodeIdentifier: stage,
          name: stage,
          status: status === 'Running' ? 'Running' : status,
          startTs: t0,
          endTs: status === 'Running' ? 0 : t0 + steps.length * 1000,
          failureInfo: { message: failed ? steps[failedAt].fail : '' },
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
        startTs: t0,
        layoutNodeMap,
        executionErrorInfo: { message: failed ? steps[failedAt].fail : '' },
      },
      executionGraph: { rootNodeId: 'node-0', nodeMap },
    };
  }
}
