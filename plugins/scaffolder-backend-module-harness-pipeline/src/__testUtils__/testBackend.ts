import {
  coreServices,
  createBackendModule,
  createBackendPlugin,
  type ServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
// The real engine plugin runs beside the scaffolder in these tests.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import pipelineEnginePlugin from '@idp-pipelines/plugin-pipeline-engine-backend';
import {
  createStepHandler,
  pipelineEngineStepsExtensionPoint,
} from '@idp-pipelines/plugin-pipeline-engine-node';
import type { Server } from 'node:http';
import request from 'supertest';
import { z } from 'zod';
import scaffolderModuleHarnessPipeline from '../index';

/** The Authorization header of the user who runs templates in tests. */
export const USER = mockCredentials.user.header('user:default/jane');

/**
 * Serves the catalog's entity-by-name route from a map, so the real
 * scaffolder can look up templates without a catalog database.
 */
export function fakeCatalogPlugin(entities: Map<string, object>) {
  return createBackendPlugin({
    pluginId: 'catalog',
    register(env) {
      env.registerInit({
        deps: { httpRouter: coreServices.httpRouter },
        async init({ httpRouter }) {
          httpRouter.use((req, res, next) => {
            const match =
              /^\/entities\/by-name\/([^/]+)\/([^/]+)\/([^/?]+)/.exec(req.url);
            if (req.method !== 'GET' || !match) return next();
            const ref = match
              .slice(1)
              .map(decodeURIComponent)
              .join('/')
              .toLowerCase();
            const entity = entities.get(ref);
            if (!entity) {
              res.status(404).json({
                error: { name: 'NotFoundError', message: `no ${ref}` },
              });
              return undefined;
            }
            res.json(entity);
            return undefined;
          });
        },
      });
    },
  });
}

/**
 * `Emit`, a test step: logs `lines`, waits `delayMs`, sets `outputs` and
 * `secretOutputs`, and fails with `fail` when given.
 */
export const emitStep = createStepHandler({
  type: 'Emit',
  description: 'test step: logs lines and sets output variables',
  idempotent: true,
  spec: z.object({
    lines: z.array(z.string()).default([]),
    outputs: z.record(z.string()).default({}),
    secretOutputs: z.record(z.string()).default({}),
    fail: z.string().optional(),
    delayMs: z.number().default(0),
  }),
  outputs: spec => [
    ...Object.keys((spec.outputs as object | undefined) ?? {}),
    ...Object.keys((spec.secretOutputs as object | undefined) ?? {}),
  ],
  async handler(ctx) {
    for (const line of ctx.spec.lines) ctx.logger.info(line);
    await new Promise(resolve => setTimeout(resolve, ctx.spec.delayMs));
    for (const [name, value] of Object.entries(ctx.spec.outputs))
      ctx.output(name, value);
    for (const [name, value] of Object.entries(ctx.spec.secretOutputs)) {
      ctx.output(name, value, { secret: true });
    }
    if (ctx.spec.fail) throw new Error(ctx.spec.fail);
  },
});

const testStepsModule = createBackendModule({
  pluginId: 'pipeline-engine',
  moduleId: 'test-steps',
  register(env) {
    env.registerInit({
      deps: { steps: pipelineEngineStepsExtensionPoint },
      async init({ steps }) {
        steps.addStepHandlers(emitStep);
      },
    });
  },
});

/** One event of the scaffolder's task event stream. */
export interface TaskEvent {
  type: string;
  body: {
    message?: string;
    stepId?: string;
    status?: string;
    output?: unknown;
    error?: { message: string };
  } & Record<string, unknown>;
}

/** The scaffolder, the engine and this module on one test backend. */
export interface TestBackend {
  server: Server;
  templates: Map<string, object>;
  /** A request to the backend as the test user. */
  call(
    method: 'get' | 'post',
    path: string,
    body?: unknown,
    contentType?: string,
  ): request.Test;
  createPipeline(yaml: string): Promise<void>;
  /** Stores a template entity under `template:default/<name>`. */
  addTemplate(template: { metadata: { name: string } }): void;
  startTask(
    name: string,
    values?: Record<string, unknown>,
    secrets?: Record<string, string>,
  ): Promise<string>;
  /** Follows the task's event stream until it completes. */
  events(taskId: string): Promise<TaskEvent[]>;
}

/** Starts the real scaffolder and engine backends with this module. */
export async function startBackend(
  config: Record<string, unknown> = {},
  /** More features, e.g. a service factory replacing a mock service. */
  extraFeatures: Array<
    ServiceFactory<unknown, 'plugin' | 'root', 'singleton' | 'multiton'>
  > = [],
): Promise<TestBackend> {
  const templates = new Map<string, object>();
  const { server } = await startTestBackend({
    features: [
      scaffolderPlugin,
      pipelineEnginePlugin,
      scaffolderModuleHarnessPipeline,
      testStepsModule,
      fakeCatalogPlugin(templates),
      mockServices.rootConfig.factory({
        data: {
          pipelineEngine: { worker: { pollIntervalMs: 50 } },
          harness: { enginePollIntervalMs: 50 },
          ...config,
        },
      }),
      ...extraFeatures,
    ],
  });
  const call: TestBackend['call'] = (method, path, body, contentType) => {
    const req = request(server)[method](path).set('Authorization', USER);
    if (contentType) req.set('Content-Type', contentType);
    return body === undefined ? req : req.send(body as object);
  };
  return {
    server,
    templates,
    call,
    async createPipeline(yaml) {
      const res = await call(
        'post',
        '/api/pipeline-engine/pipelines',
        yaml,
        'application/yaml',
      );
      if (res.status !== 201) {
        throw new Error(
          `pipeline not created: ${res.status} ${JSON.stringify(res.body)}`,
        );
      }
    },
    addTemplate(entity) {
      templates.set(
        `template/default/${entity.metadata.name.toLowerCase()}`,
        entity,
      );
    },
    async startTask(name, values = {}, secrets) {
      const res = await call('post', '/api/scaffolder/v2/tasks', {
        templateRef: `template:default/${name}`,
        values,
        ...(secrets ? { secrets } : {}),
      });
      if (res.status !== 201) {
        throw new Error(
          `task not created: ${res.status} ${JSON.stringify(res.body)}`,
        );
      }
      return res.body.id as string;
    },
    async events(taskId) {
      const res = await request(server)
        .get(`/api/scaffolder/v2/tasks/${taskId}/eventstream`)
        .set('Authorization', USER)
        .buffer(true)
        .parse((response, callback) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => {
            text += chunk;
          });
          response.on('end', () => callback(null, text));
        });
      return (res.body as string)
        .split('\n\n')
        .map(block => /^data: (.*)$/m.exec(block)?.[1])
        .filter((data): data is string => data !== undefined)
        .map(data => JSON.parse(data) as TaskEvent);
    },
  };
}

/** Polls `fn` until it returns a value other than undefined. */
export async function waitFor<T>(
  fn: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}

/** A `scaffolder.backstage.io/v1beta3` Template entity running `steps`. */
export function template(
  name: string,
  steps: unknown[],
  output: unknown = {},
  parameters: unknown[] = [],
) {
  return {
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: { name, namespace: 'default' },
    spec: {
      owner: 'user:default/jane',
      type: 'service',
      parameters,
      steps,
      output,
    },
  };
}
