import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { NotFoundError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { PipelineRef } from '@idp-pipelines/plugin-pipeline-engine-common';
import request from 'supertest';
import { createPipelinePredicate } from './conditionFilter';
import {
  builtInPipelineRuleset,
  createPipelineConditionalDecision,
  createPipelineResourceLoader,
  isInOrg,
  isInProject,
  isPipeline,
  pipelineConditions,
  pipelinePermissionResourceRef,
  registerPipelinePermissions,
} from './permissionRules';
import { pipelineReadPermission } from '@idp-pipelines/plugin-pipeline-engine-common';

const WEB: PipelineRef = {
  orgIdentifier: 'default',
  projectIdentifier: 'web',
  pipelineIdentifier: 'build',
};

describe('pipeline permission rules', () => {
  it('isInOrg matches the organization', () => {
    expect(isInOrg.apply(WEB, { orgIdentifier: 'default' })).toBe(true);
    expect(isInOrg.apply(WEB, { orgIdentifier: 'acme' })).toBe(false);
    expect(isInOrg.toQuery({ orgIdentifier: 'default' })).toEqual({
      property: 'orgIdentifier',
      values: ['default'],
    });
  });

  it('isInProject needs org and project to match', () => {
    const params = { orgIdentifier: 'default', projectIdentifier: 'web' };
    expect(isInProject.apply(WEB, params)).toBe(true);
    expect(isInProject.apply({ ...WEB, orgIdentifier: 'acme' }, params)).toBe(
      false,
    );
    expect(
      isInProject.apply({ ...WEB, projectIdentifier: 'ops' }, params),
    ).toBe(false);
    expect(isInProject.toQuery(params)).toEqual({
      allOf: [
        { property: 'orgIdentifier', values: ['default'] },
        { property: 'projectIdentifier', values: ['web'] },
      ],
    });
  });

  it('isPipeline matches the identifier, optionally scoped', () => {
    expect(isPipeline.apply(WEB, { pipelineIdentifier: 'build' })).toBe(true);
    expect(isPipeline.apply(WEB, { pipelineIdentifier: 'deploy' })).toBe(false);
    expect(
      isPipeline.apply(WEB, {
        pipelineIdentifier: 'build',
        orgIdentifier: 'default',
        projectIdentifier: 'ops',
      }),
    ).toBe(false);
    expect(isPipeline.toQuery({ pipelineIdentifier: 'build' })).toEqual({
      property: 'pipelineIdentifier',
      values: ['build'],
    });
    expect(
      isPipeline.toQuery({ pipelineIdentifier: 'build', orgIdentifier: 'o' }),
    ).toEqual({
      allOf: [
        { property: 'pipelineIdentifier', values: ['build'] },
        { property: 'orgIdentifier', values: ['o'] },
      ],
    });
  });

  it('exports conditions and conditional decisions for policy authors', () => {
    const condition = pipelineConditions.isInOrg({ orgIdentifier: 'default' });
    expect(condition).toEqual({
      resourceType: 'pipeline-engine-pipeline',
      rule: 'IS_IN_ORG',
      params: { orgIdentifier: 'default' },
    });
    expect(
      createPipelineConditionalDecision(pipelineReadPermission, {
        anyOf: [condition],
      }),
    ).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'pipeline-engine',
      resourceType: 'pipeline-engine-pipeline',
      conditions: { anyOf: [condition] },
    });
  });

  it('evaluates nested criteria in memory', () => {
    const predicate = createPipelinePredicate(
      {
        allOf: [
          pipelineConditions.isInOrg({ orgIdentifier: 'default' }),
          {
            not: pipelineConditions.isPipeline({
              pipelineIdentifier: 'deploy',
            }),
          },
          {
            anyOf: [
              pipelineConditions.isInProject({
                orgIdentifier: 'default',
                projectIdentifier: 'web',
              }),
              pipelineConditions.isPipeline({ pipelineIdentifier: 'lint' }),
            ],
          },
        ],
      },
      builtInPipelineRuleset(),
    );
    expect(predicate(WEB)).toBe(true);
    expect(predicate({ ...WEB, pipelineIdentifier: 'deploy' })).toBe(false);
    expect(predicate({ ...WEB, projectIdentifier: 'ops' })).toBe(false);
    expect(
      predicate({
        ...WEB,
        projectIdentifier: 'ops',
        pipelineIdentifier: 'lint',
      }),
    ).toBe(true);
    expect(() =>
      createPipelinePredicate(
        { resourceType: 'pipeline-engine-pipeline', rule: 'NOPE', params: {} },
        builtInPipelineRuleset(),
      )(WEB),
    ).toThrow(/Unknown pipeline permission rule 'NOPE'/);
  });

  it('validates rule parameters', () => {
    const schema = isInProject.paramsSchema as {
      '~standard': { validate(value: unknown): { issues?: unknown[] } };
    };
    const validate = schema['~standard'].validate;
    expect(
      validate({ orgIdentifier: 'a', projectIdentifier: 'b' }).issues,
    ).toBeUndefined();
    expect(validate({ orgIdentifier: 'a' }).issues).toEqual([
      {
        message: "'projectIdentifier' is required",
        path: ['projectIdentifier'],
      },
    ]);
    expect(
      validate({ orgIdentifier: '', projectIdentifier: 'b', x: 1 }).issues,
    ).toHaveLength(2);
    expect(validate('a').issues).toHaveLength(1);
  });
});

describe('registerPipelinePermissions', () => {
  it('registers the resource type, its rules and every permission', () => {
    const registry = mockServices.permissionsRegistry.mock();
    registerPipelinePermissions(registry, async refs => refs);
    expect(registry.addResourceType).toHaveBeenCalledWith(
      expect.objectContaining({
        resourceRef: pipelinePermissionResourceRef,
        rules: [isInOrg, isInProject, isPipeline],
        permissions: expect.arrayContaining([
          expect.objectContaining({ name: 'pipeline-engine.pipeline.read' }),
          expect.objectContaining({ name: 'pipeline-engine.execution.abort' }),
          expect.objectContaining({ name: 'pipeline-engine.approval.respond' }),
        ]),
      }),
    );
    expect(registry.addPermissions).toHaveBeenCalledWith([
      expect.objectContaining({ name: 'pipeline-engine.pipeline.create' }),
      expect.objectContaining({
        name: 'pipeline-engine.execution-config.update',
      }),
      expect.objectContaining({ name: 'pipeline-engine.secret.use' }),
      expect.objectContaining({
        name: 'pipeline-engine.execution-config.read',
      }),
      expect.objectContaining({ name: 'pipeline-engine.template.read' }),
      expect.objectContaining({ name: 'pipeline-engine.template.create' }),
      expect.objectContaining({ name: 'pipeline-engine.template.update' }),
      expect.objectContaining({ name: 'pipeline-engine.template.delete' }),
    ]);
  });

  it('loads resources by parsed ref, keeping order and skipping malformed refs', async () => {
    const registry = mockServices.permissionsRegistry.mock();
    const loader = jest.fn(async (refs: PipelineRef[]) =>
      refs.map(ref => (ref.pipelineIdentifier === 'gone' ? undefined : ref)),
    );
    registerPipelinePermissions(registry, loader);
    const { getResources } = registry.addResourceType.mock.calls[0][0];
    await expect(
      getResources!(['default:web:build', 'bad', 'default:web:gone', 'a:b:c']),
    ).resolves.toEqual([
      WEB,
      undefined,
      undefined,
      { orgIdentifier: 'a', projectIdentifier: 'b', pipelineIdentifier: 'c' },
    ]);
    expect(loader).toHaveBeenCalledTimes(1);
    await expect(getResources!(['nope'])).resolves.toEqual([undefined]);
    expect(loader).toHaveBeenCalledTimes(1);
  });

  it('loads pipelines through the engine, mapping 404 to undefined', async () => {
    const getPipeline = jest.fn(async (ref: PipelineRef) => {
      if (ref.pipelineIdentifier === 'gone') throw new NotFoundError('gone');
      if (ref.pipelineIdentifier === 'boom') throw new Error('db down');
      return {} as never;
    });
    const load = createPipelineResourceLoader({ getPipeline });
    await expect(
      load([WEB, { ...WEB, pipelineIdentifier: 'gone' }]),
    ).resolves.toEqual([WEB, undefined]);
    await expect(
      load([{ ...WEB, pipelineIdentifier: 'boom' }]),
    ).rejects.toThrow('db down');
  });

  it('works with the real permissions registry and integration endpoints', async () => {
    const plugin = createBackendPlugin({
      pluginId: 'pipeline-engine',
      register(env) {
        env.registerInit({
          deps: { permissionsRegistry: coreServices.permissionsRegistry },
          async init({ permissionsRegistry }) {
            registerPipelinePermissions(
              permissionsRegistry,
              async refs => refs,
            );
          },
        });
      },
    });
    const { server } = await startTestBackend({ features: [plugin] });
    const base = '/api/pipeline-engine/.well-known/backstage/permissions';
    const service = mockCredentials.service.header({
      onBehalfOf: mockCredentials.service(),
      targetPluginId: 'pipeline-engine',
    });

    const metadata = await request(server)
      .get(`${base}/metadata`)
      .set('Authorization', service);
    expect(metadata.status).toBe(200);
    expect(metadata.body.rules).toContainEqual({
      name: 'IS_IN_PROJECT',
      description: expect.any(String),
      resourceType: 'pipeline-engine-pipeline',
      paramsSchema: expect.objectContaining({
        type: 'object',
        required: ['orgIdentifier', 'projectIdentifier'],
      }),
    });
    expect(metadata.body.permissions).toHaveLength(14);

    const applied = await request(server)
      .post(`${base}/apply-conditions`)
      .set('Authorization', service)
      .send({
        items: [
          {
            id: '1',
            resourceRef: 'default:web:build',
            resourceType: 'pipeline-engine-pipeline',
            conditions: pipelineConditions.isInProject({
              orgIdentifier: 'default',
              projectIdentifier: 'web',
            }),
          },
          {
            id: '2',
            resourceRef: 'default:ops:build',
            resourceType: 'pipeline-engine-pipeline',
            conditions: pipelineConditions.isInOrg({ orgIdentifier: 'acme' }),
          },
        ],
      });
    expect(applied.status).toBe(200);
    expect(applied.body.items).toEqual([
      { id: '1', result: AuthorizeResult.ALLOW },
      { id: '2', result: AuthorizeResult.DENY },
    ]);

    const invalid = await request(server)
      .post(`${base}/apply-conditions`)
      .set('Authorization', service)
      .send({
        items: [
          {
            id: '1',
            resourceRef: 'default:web:build',
            resourceType: 'pipeline-engine-pipeline',
            conditions: {
              resourceType: 'pipeline-engine-pipeline',
              rule: 'IS_IN_ORG',
              params: { org: 'default' },
            },
          },
        ],
      });
    expect(invalid.status).toBe(400);
  });
});
