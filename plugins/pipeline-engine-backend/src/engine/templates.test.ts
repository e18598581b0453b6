import type { TestDatabaseId } from '@backstage/backend-test-utils';
import request from 'supertest';
import { createTestDatabases } from '../database/__testUtils__/testDatabases';
import { TemplateService } from '../service/TemplateService';
import { createTestApp, USER } from '../service/__testUtils__/routerHarness';
import {
  createEngineHarness,
  type EngineHarness,
} from './__testUtils__/engineHarness';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const JANE = { identity: 'user:default/jane' };
const REF = {
  orgIdentifier: 'default',
  projectIdentifier: 'default',
  pipelineIdentifier: 'templated',
};

const stageTemplate = (versionLabel: string) => `template:
  name: Greeting stage
  identifier: greet
  versionLabel: ${versionLabel}
  type: Stage
  spec:
    type: Custom
    variables:
      - name: greeting
        type: String
        value: <+input>
    spec:
      execution:
        steps:
          - step:
              type: TestEcho
              name: say
              identifier: say
              spec:
                message: ${versionLabel} says <+stage.variables.greeting>
`;

const pipeline = (templateRef: string) => `pipeline:
  name: templated
  identifier: templated
  orgIdentifier: default
  projectIdentifier: default
  stages:
    - stage:
        name: main
        identifier: main
        template:
          templateRef: ${templateRef}
          templateInputs:
            type: Custom
            variables:
              - name: greeting
                type: String
                value: <+input>
`;

describe('pipelines built from templates', () => {
  let harness: EngineHarness | undefined;
  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });

  async function setup(databaseId: TestDatabaseId) {
    harness = await createEngineHarness(databases, databaseId);
    const templates = new TemplateService(harness.stores.templates);
    return { harness, templates };
  }

  it.each(databases.eachSupportedId())(
    'runs the stable version, records it, and keeps queued executions on the version they were expanded with on %p',
    async databaseId => {
      const { harness: h, templates } = await setup(databaseId);
      await templates.createTemplate(stageTemplate('v1'), JANE);
      await templates.createTemplate(stageTemplate('v2'), JANE);
      await h.engine.service.createPipeline(pipeline('account.greet'), JANE);

      const inputs = {
        inputSet: { 'pipeline.stages.main.variables.greeting': 'hello' },
      };
      const first = await h.engine.service.execute(REF, inputs, JANE);
      const firstDone = await h.waitFor(first.id);
      expect(firstDone.status).toBe('Success');
      expect(await h.logLines(first.id)).toContain('v1 says hello');
      expect(firstDone.templates).toEqual([
        {
          scope: 'account',
          identifier: 'greet',
          versionLabel: 'v1',
          stable: true,
          usedBy: 'pipeline',
          yamlPath: 'pipeline.stages[0].stage',
        },
      ]);

      await templates.setStableTemplate('account', 'greet', 'v2', JANE);
      const second = await h.engine.service.execute(REF, inputs, JANE);
      const secondDone = await h.waitFor(second.id);
      expect(await h.logLines(second.id)).toContain('v2 says hello');
      expect(secondDone.templates?.[0].versionLabel).toBe('v2');
      // The first execution keeps the pipeline it was expanded to.
      const frozen = await h.stores.executions.get(first.id);
      expect(frozen.pipelineYaml).toContain('v1 says');
      expect(
        (await h.engine.service.getExecution(first.id)).templates?.[0]
          .versionLabel,
      ).toBe('v1');
    },
  );

  it.each(databases.eachSupportedId())(
    'refuses to save a pipeline whose template is missing, with did you mean, on %p',
    async databaseId => {
      const { harness: h, templates } = await setup(databaseId);
      await templates.createTemplate(stageTemplate('v1'), JANE);
      const error = await h.engine.service
        .createPipeline(pipeline('account.gret'), JANE)
        .catch(e => e);
      expect(error.name).toBe('InputError');
      expect(error.problems).toEqual([
        expect.objectContaining({
          code: 'template-not-found',
          line: 11,
          message:
            'template "account.gret" (account/gret) does not exist; did you mean "greet"?',
        }),
      ]);
      const validation = await h.engine.service.validatePipeline(
        pipeline('account.greet'),
      );
      expect(validation).toEqual({ ok: true, problems: [] });
    },
  );

  it.each(databases.eachSupportedId())(
    'serves the template routes on %p',
    async databaseId => {
      const { templates } = await setup(databaseId);
      const { app } = await createTestApp({ templates });
      const created = await request(app)
        .post('/templates')
        .set('Authorization', USER)
        .set('Content-Type', 'application/yaml')
        .send(stageTemplate('v1'));
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        scope: 'account',
        identifier: 'greet',
        versionLabel: 'v1',
        type: 'Stage',
        stable: true,
      });
      await request(app)
        .post('/templates')
        .set('Authorization', USER)
        .send({ yaml: stageTemplate('v2') })
        .expect(201);
      const duplicate = await request(app)
        .post('/templates')
        .set('Authorization', USER)
        .send({ yaml: stageTemplate('v2') });
      expect(duplicate.status).toBe(409);

      const versions = await request(app)
        .get('/templates/account/greet')
        .set('Authorization', USER)
        .expect(200);
      expect(versions.body.stableVersionLabel).toBe('v1');
      expect(
        versions.body.versions.map(
          (v: { versionLabel: string }) => v.versionLabel,
        ),
      ).toEqual(['v1', 'v2']);

      await request(app)
        .delete('/templates/account/greet/v1')
        .set('Authorization', USER)
        .expect(409);
      await request(app)
        .put('/templates/account/greet/v2/stable')
        .set('Authorization', USER)
        .expect(200);
      await request(app)
        .delete('/templates/account/greet/v1')
        .set('Authorization', USER)
        .expect(204);
      const list = await request(app)
        .get('/templates?type=Stage&scope=account')
        .set('Authorization', USER)
        .expect(200);
      expect(list.body).toMatchObject({
        totalCount: 1,
        items: [{ versionLabel: 'v2', stable: true }],
      });

      const renamed = await request(app)
        .put('/templates/account/greet/v2')
        .set('Authorization', USER)
        .send({ yaml: stageTemplate('v3') });
      expect(renamed.status).toBe(400);
      expect(renamed.body.error.message).toContain(
        'versionLabel is "v3" but the URL says "v2"',
      );
      const badScope = await request(app)
        .get('/templates/not-a-scope/greet')
        .set('Authorization', USER);
      expect(badScope.status).toBe(400);
      const broken = await request(app)
        .post('/templates')
        .set('Authorization', USER)
        .send({
          yaml: stageTemplate('v4').replace('type: Stage', 'type: Stag'),
        });
      expect(broken.status).toBe(400);
      expect(broken.body.problems[0]).toMatchObject({
        path: 'template.type',
        line: 5,
        hint: expect.stringContaining('did you mean "Stage"?'),
      });
      const unauthenticated = await request(app).get('/templates');
      expect(unauthenticated.status).toBe(401);
    },
  );
});
