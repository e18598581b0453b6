import type { TestDatabaseId } from '@backstage/backend-test-utils';
import type { ExecutionSummary } from '@idp-pipelines/plugin-pipeline-engine-common';
import request from 'supertest';
import {
  createTestDatabases,
  initStores,
  PIPELINE,
  PIPELINE_YAML,
} from '../database/__testUtils__/testDatabases';
import { PipelineAdminService } from './PipelineAdminService';
import { createTestApp, USER } from './__testUtils__/routerHarness';

const databases = createTestDatabases();
const JANE = { identity: 'user:default/jane' };

async function setup(databaseId: TestDatabaseId) {
  const { stores } = await initStores(databases, databaseId);
  await stores.pipelines.create({
    orgIdentifier: PIPELINE.orgIdentifier,
    projectIdentifier: PIPELINE.projectIdentifier,
    identifier: PIPELINE.pipelineIdentifier,
    name: 'Create service',
    yaml: PIPELINE_YAML,
  });
  const execute = jest.fn(
    async () => ({ id: 'e1', status: 'Queued' }) as ExecutionSummary,
  );
  const admin = new PipelineAdminService({ stores, engine: { execute } });
  return { stores, admin, execute };
}

const inputSet = (identifier: string, values: Record<string, string>) =>
  `inputSet:
  identifier: ${identifier}
  name: ${identifier} values
  tags:
    team: web
  pipeline:
    identifier: create_service
    variables:
${Object.entries(values)
  .map(
    ([name, value]) =>
      `      - name: ${name}\n        type: String\n        value: ${value}`,
  )
  .join('\n')}
`;

const TRIGGER_YAML = `trigger:
  name: On release
  identifier: on_release
  enabled: true
  orgIdentifier: default
  projectIdentifier: platform
  pipelineIdentifier: create_service
  source:
    type: Webhook
    spec:
      type: Custom
  inputSetRefs:
    - base
    - region
  inputYaml: |
    pipeline:
      identifier: create_service
      variables:
        - name: owner
          type: String
          value: from-trigger
`;

describe('PipelineAdminService', () => {
  it.each(databases.eachSupportedId())(
    'stores input sets from Harness YAML on %p',
    async databaseId => {
      const { admin } = await setup(databaseId);
      const created = await admin.createInputSet(
        PIPELINE,
        inputSet('base', { repo: 'a' }),
        JANE,
      );
      expect(created).toEqual(
        expect.objectContaining({
          ...PIPELINE,
          identifier: 'base',
          name: 'base values',
          tags: { team: 'web' },
          version: 1,
          createdBy: 'user:default/jane',
        }),
      );
      expect(created).not.toHaveProperty('id');
      const updated = await admin.updateInputSet(
        PIPELINE,
        'base',
        inputSet('base', { repo: 'b' }),
        JANE,
        1,
      );
      expect(updated.version).toBe(2);
      await expect(
        admin.updateInputSet(PIPELINE, 'base', inputSet('base', {}), JANE, 1),
      ).rejects.toMatchObject({ name: 'ConflictError' });
      await expect(admin.listInputSets(PIPELINE)).resolves.toMatchObject({
        totalCount: 1,
      });
      await admin.deleteInputSet(PIPELINE, 'base');
      await expect(admin.getInputSet(PIPELINE, 'base')).rejects.toMatchObject({
        name: 'NotFoundError',
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'reports every input set problem with line:col on %p',
    async databaseId => {
      const { admin } = await setup(databaseId);
      const error = await admin
        .createInputSet(
          PIPELINE,
          `inputSet:
  identifier: 9bad
  orgIdentifier: other
  pipeline:
    identifier: another_pipeline
`,
          JANE,
        )
        .catch(e => e);
      expect(error.name).toBe('InputError');
      expect(error.problems).toEqual([
        expect.objectContaining({
          code: 'identifier-format',
          path: 'inputSet.identifier',
          line: 2,
          column: 15,
        }),
        expect.objectContaining({
          code: 'scope-mismatch',
          path: 'inputSet.orgIdentifier',
          line: 3,
        }),
        expect.objectContaining({
          code: 'scope-mismatch',
          path: 'inputSet.pipeline.identifier',
          line: 5,
        }),
      ]);
      await expect(
        admin.updateInputSet(PIPELINE, 'base', inputSet('other', {}), JANE),
      ).rejects.toMatchObject({
        problems: [expect.objectContaining({ code: 'identifier-mismatch' })],
      });
      await expect(
        admin.createInputSet(PIPELINE, 'inputSet: [', JANE),
      ).rejects.toMatchObject({
        problems: [expect.objectContaining({ line: 1 })],
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'creates custom triggers with a one-time webhook token on %p',
    async databaseId => {
      const { admin } = await setup(databaseId);
      await admin.createInputSet(
        PIPELINE,
        inputSet('base', { repo: 'a' }),
        JANE,
      );
      await admin.createInputSet(
        PIPELINE,
        inputSet('region', { region: 'eu' }),
        JANE,
      );
      const created = await admin.createTrigger(PIPELINE, TRIGGER_YAML, JANE);
      expect(created).toEqual(
        expect.objectContaining({
          identifier: 'on_release',
          name: 'On release',
          type: 'Custom',
          enabled: true,
          inputSetRefs: ['base', 'region'],
          hasWebhookToken: true,
          webhookToken: expect.any(String),
        }),
      );
      const token = created.webhookToken!;
      await expect(
        admin.getTrigger(PIPELINE, 'on_release'),
      ).resolves.not.toHaveProperty('webhookToken');
      await expect(
        admin.authenticateWebhook(PIPELINE, 'on_release', token),
      ).resolves.toEqual({
        identity: 'trigger:default/platform/create_service/on_release',
        name: 'On release',
      });
      await expect(
        admin.authenticateWebhook(PIPELINE, 'other', token),
      ).rejects.toMatchObject({ name: 'AuthenticationError' });
      await expect(
        admin.authenticateWebhook(PIPELINE, 'on_release', 'x'.repeat(43)),
      ).rejects.toMatchObject({ name: 'AuthenticationError' });

      const rotated = await admin.rotateWebhookToken(
        PIPELINE,
        'on_release',
        JANE,
      );
      expect(rotated.webhookToken).not.toBe(token);
      await expect(
        admin.authenticateWebhook(PIPELINE, 'on_release', token),
      ).rejects.toMatchObject({ name: 'AuthenticationError' });

      const scheduled = await admin.createTrigger(
        PIPELINE,
        'trigger:\n  identifier: nightly\n  source:\n    type: Scheduled\n    spec:\n      type: Cron\n      spec: {type: UNIX, expression: "0 2 * * *"}\n',
        JANE,
      );
      expect(scheduled).toMatchObject({
        type: 'Scheduled',
        hasWebhookToken: false,
      });
      expect(scheduled).not.toHaveProperty('webhookToken');
    },
  );

  it.each(databases.eachSupportedId())(
    'runs triggers with input sets merged in order, then the caller values, on %p',
    async databaseId => {
      const { admin, execute } = await setup(databaseId);
      await admin.createInputSet(
        PIPELINE,
        inputSet('base', { repo: 'base', owner: 'base', region: 'base' }),
        JANE,
      );
      await admin.createInputSet(
        PIPELINE,
        inputSet('region', { region: 'eu' }),
        JANE,
      );
      await admin.createInputSet(
        PIPELINE,
        inputSet('caller', { repo: 'caller-set' }),
        JANE,
      );
      await admin.createTrigger(PIPELINE, TRIGGER_YAML, JANE);
      const actor = { identity: 'trigger:x', name: 'On release' };
      await admin.runTrigger(
        PIPELINE,
        'on_release',
        { inputSetRefs: ['caller'], inputSet: { tag: 'v1' } },
        actor,
      );
      expect(execute).toHaveBeenCalledWith(
        PIPELINE,
        {
          inputSet: {
            'pipeline.variables.repo': 'caller-set',
            'pipeline.variables.owner': 'from-trigger',
            'pipeline.variables.region': 'eu',
            tag: 'v1',
          },
        },
        actor,
        {
          triggerType: 'WEBHOOK_CUSTOM',
          triggerIdentifier: 'on_release',
          // Only the caller's own values are checked for secret use.
          callerInputSet: { tag: 'v1' },
        },
      );

      await expect(
        admin.runTrigger(
          PIPELINE,
          'on_release',
          { inputSetRefs: ['missing'] },
          actor,
        ),
      ).rejects.toMatchObject({ name: 'NotFoundError' });

      await admin.updateTrigger(
        PIPELINE,
        'on_release',
        TRIGGER_YAML.replace('enabled: true', 'enabled: false'),
        JANE,
      );
      await expect(
        admin.runTrigger(PIPELINE, 'on_release', {}, actor),
      ).rejects.toMatchObject({ name: 'ConflictError' });
    },
  );

  it.each(databases.eachSupportedId())(
    "passes a trigger run's idempotency key on to execute, on %p",
    async databaseId => {
      const { admin, execute } = await setup(databaseId);
      await admin.createInputSet(
        PIPELINE,
        inputSet('base', { repo: 'base', owner: 'base', region: 'base' }),
        JANE,
      );
      await admin.createInputSet(
        PIPELINE,
        inputSet('region', { region: 'eu' }),
        JANE,
      );
      await admin.createTrigger(PIPELINE, TRIGGER_YAML, JANE);
      const actor = { identity: 'trigger:x', name: 'On release' };
      await admin.runTrigger(PIPELINE, 'on_release', {}, actor, {
        idempotencyKey: 'delivery-7',
      });
      expect(execute).toHaveBeenCalledWith(
        PIPELINE,
        expect.anything(),
        actor,
        expect.objectContaining({
          triggerType: 'WEBHOOK_CUSTOM',
          triggerIdentifier: 'on_release',
          idempotencyKey: 'delivery-7',
        }),
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'rejects bad trigger documents with every problem on %p',
    async databaseId => {
      const { admin } = await setup(databaseId);
      const error = await admin
        .createTrigger(
          PIPELINE,
          `trigger:
  identifier: t
  enabled: maybe
  source:
    type: Artifact
  inputSetRefs:
    - ok
    - 1bad
`,
          JANE,
        )
        .catch(e => e);
      expect(error.problems.map((p: { code: string }) => p.code)).toEqual([
        'field-type',
        'trigger-type',
        'identifier-format',
      ]);
      expect(error.problems.every((p: { line?: number }) => p.line)).toBe(true);
    },
  );
});

describe('execution-config API through the router', () => {
  async function app(databaseId: TestDatabaseId) {
    const { admin } = await setup(databaseId);
    return (await createTestApp({ admin })).app;
  }

  it.each(databases.eachSupportedId())(
    'serves defaults, overrides and resets in Harness envelopes on %p',
    async databaseId => {
      const server = await app(databaseId);
      const defaults = await request(server)
        .get(
          '/execution-config/get-default-config?infra=K8&accountIdentifier=acc',
        )
        .set('Authorization', USER)
        .expect(200);
      expect(defaults.body).toEqual({
        status: 'SUCCESS',
        data: {
          cookieCutter: 'harness/cookiecutter:1.9.1',
          createRepo: 'harness/createrepo:1.9.0',
          directPush: 'harness/directpush:1.9.0',
          registerCatalog: 'harness/registercatalog:1.9.0',
          createCatalog: 'harness/createcatalog:1.9.0',
          slackNotify: 'harness/slacknotify:1.9.0',
          createOrganisation: 'harness/createorganisation:1.9.0',
          createProject: 'harness/createproject:1.9.0',
          createResource: 'harness/createresource:1.9.0',
          updateCatalogProperty: 'harness/updatecatalogproperty:1.9.0',
        },
        metaData: null,
        correlationId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      });
      const vm = await request(server)
        .get('/execution-config/get-default-config?infra=VM')
        .set('Authorization', USER)
        .expect(200);
      expect(Object.keys(vm.body.data)).toHaveLength(10);

      const none = await request(server)
        .get(
          '/execution-config/get-customer-config?infra=K8&overridesOnly=true',
        )
        .set('Authorization', USER)
        .expect(200);
      expect(none.body.data).toEqual({});

      const updated = await request(server)
        .post('/execution-config/update-config?infra=K8')
        .set('Authorization', USER)
        .send([
          {
            field: 'registerCatalog',
            value: 'registry.local/registercatalog:2.0.0',
          },
          { field: 'slackNotify', value: 'registry.local/slacknotify:2.0.0' },
        ])
        .expect(200);
      expect(updated.body.data).toEqual({
        registerCatalog: 'registry.local/registercatalog:2.0.0',
        slackNotify: 'registry.local/slacknotify:2.0.0',
      });
      const effective = await request(server)
        .get(
          '/execution-config/get-customer-config?infra=K8&overridesOnly=false',
        )
        .set('Authorization', USER)
        .expect(200);
      expect(effective.body.data).toMatchObject({
        createRepo: 'harness/createrepo:1.9.0',
        registerCatalog: 'registry.local/registercatalog:2.0.0',
      });
      const vmOverrides = await request(server)
        .get('/execution-config/get-customer-config?infra=VM')
        .set('Authorization', USER)
        .expect(200);
      expect(vmOverrides.body.data).toEqual({});

      const reset = await request(server)
        .post('/execution-config/reset-config?infra=K8')
        .set('Authorization', USER)
        .send([{ field: 'registerCatalog' }])
        .expect(200);
      expect(reset.body.data).toEqual({
        slackNotify: 'registry.local/slacknotify:2.0.0',
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'answers 400 naming the allowed fields for an unknown one on %p',
    async databaseId => {
      const server = await app(databaseId);
      const res = await request(server)
        .post('/execution-config/update-config?infra=K8')
        .set('Authorization', USER)
        .send([{ field: 'runStep', value: 'x' }]);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain("'runStep'");
      expect(res.body.error.message).toContain(
        'cookieCutter, createRepo, directPush, registerCatalog, createCatalog, slackNotify, createOrganisation, createProject, createResource, updateCatalogProperty',
      );
      await request(server)
        .post('/execution-config/reset-config?infra=K8')
        .set('Authorization', USER)
        .send([{ field: 'nope' }])
        .expect(400);
      await request(server)
        .get('/execution-config/get-default-config?infra=ECS')
        .set('Authorization', USER)
        .expect(400);
      await request(server)
        .get('/execution-config/get-default-config')
        .set('Authorization', USER)
        .expect(400);
      await request(server)
        .post('/execution-config/update-config?infra=K8')
        .set('Authorization', USER)
        .send({ field: 'createRepo', value: 'x' })
        .expect(400);
    },
  );
});
