import { startBackend, template } from './__testUtils__/testBackend';

jest.setTimeout(120_000);

/*
 * Harness's docs for trigger:harness-custom-pipeline: it works with pipelines
 * built from templates, whose inputs need fully-qualified keys. Here the
 * pipeline's stage comes from a stage template stored in the engine, and the
 * scaffolder action answers the template's input by its FQN.
 */

const STAGE_TEMPLATE = `template:
  name: Onboarding stage
  identifier: onboarding
  versionLabel: v1
  type: Stage
  spec:
    type: IDP
    variables:
      - name: project_name
        type: String
        value: <+input>
    spec:
      execution:
        steps:
          - step:
              type: Emit
              name: announce
              identifier: announce
              spec:
                lines:
                  - onboarding <+stage.variables.project_name>
                outputs:
                  repo: repos/<+stage.variables.project_name>
`;

const PIPELINE = `pipeline:
  name: templated
  identifier: templated
  orgIdentifier: default
  projectIdentifier: demo
  stages:
    - stage:
        name: onboard
        identifier: onboard
        template:
          templateRef: account.onboarding
          versionLabel: v1
          templateInputs:
            type: IDP
            variables:
              - name: project_name
                type: String
                value: <+input>
`;

describe('a pipeline built from a stage template, run by trigger:harness-custom-pipeline', () => {
  it('runs with fully-qualified inputset keys and shows the output variables', async () => {
    const backend = await startBackend();
    const saved = await backend.call(
      'post',
      '/api/pipeline-engine/templates',
      STAGE_TEMPLATE,
      'application/yaml',
    );
    expect(saved.status).toBe(201);
    await backend.createPipeline(PIPELINE);
    backend.addTemplate(
      template(
        'templated',
        [
          {
            id: 'trigger',
            name: 'Onboarding',
            action: 'trigger:harness-custom-pipeline',
            input: {
              url: '/api/pipeline-engine/pipelines/default/demo/templated',
              inputset: {
                'pipeline.stages.onboard.variables.project_name':
                  '${{ parameters.name }}',
              },
              showOutputVariables: true,
            },
          },
        ],
        {
          text: [
            {
              title: 'Repository',
              content: '${{ steps.trigger.output.repo }}',
            },
          ],
        },
      ),
    );
    const events = await backend.events(
      await backend.startTask('templated', { name: 'svc' }),
    );
    const done = events.find(e => e.type === 'completion')!.body as {
      output?: { text: Array<{ content: string }> };
      error?: { message: string };
    };
    expect(done.error).toBeUndefined();
    expect(done.output!.text[0].content).toBe('repos/svc');
    expect(JSON.stringify(events)).toContain('onboarding svc');

    const list = await backend.call(
      'get',
      '/api/pipeline-engine/executions?org=default&project=demo&pipeline=templated',
    );
    const execution = await backend.call(
      'get',
      `/api/pipeline-engine/executions/${list.body.items[0].id}`,
    );
    expect(execution.body.templates).toEqual([
      {
        scope: 'account',
        identifier: 'onboarding',
        versionLabel: 'v1',
        stable: false,
        usedBy: 'pipeline',
        yamlPath: 'pipeline.stages[0].stage',
      },
    ]);
  });
});
