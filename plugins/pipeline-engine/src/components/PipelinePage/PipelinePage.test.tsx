import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router-dom';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { ResponseError } from '@backstage/errors';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { pipelineEngineApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { HELLO_YAML } from '../../testUtils/fixtures';
import {
  executionSummary,
  mockPipelineEngineApi,
  pipelineDetail,
  pipelineRef,
} from '../../testUtils/mockApi';
import { PipelinePage } from './PipelinePage';

function apiForHello() {
  return mockPipelineEngineApi({
    getPipeline: async () => pipelineDetail(HELLO_YAML),
    listInputSets: async () => ({
      items: [
        {
          ...pipelineRef,
          identifier: 'prod',
          name: 'Production',
          tags: {},
          yaml: 'inputSet:\n  identifier: prod\n  pipeline:\n    identifier: hello\n    variables:\n      - name: repo\n        value: prod-service\n',
          version: 1,
          createdAt: '2026-12-01T10:00:00Z',
          updatedAt: '2026-12-01T10:00:00Z',
        },
      ],
      totalCount: 1,
    }),
    execute: async () => executionSummary({ id: 'exec-9', status: 'Queued' }),
    validatePipeline: async () => ({
      ok: false,
      problems: [
        {
          severity: 'error',
          code: 'unknown-step-type',
          path: 'pipeline.stages[0].stage.spec.execution.steps[0].step.type',
          message: 'unknown step type "Runn"',
          hint: 'did you mean "Run"?',
          line: 37,
          column: 25,
        },
      ],
    }),
    listTriggers: async () => ({
      items: [
        {
          ...pipelineRef,
          identifier: 'on_push',
          name: 'On push',
          type: 'Custom',
          enabled: true,
          inputSetRefs: ['prod'],
          yaml: 'trigger:\n  identifier: on_push\n  name: On push\n  enabled: true\n',
          hasWebhookToken: true,
          version: 4,
          createdAt: '2026-12-01T10:00:00Z',
          updatedAt: '2026-12-01T10:00:00Z',
        },
      ],
      totalCount: 1,
    }),
    getTriggerRunUrl: async () =>
      'http://localhost:7007/api/pipeline-engine/pipelines/default/demo/hello/triggers/on_push/run',
    updateTrigger: async () => {
      throw new Error('not expected in this test');
    },
  });
}

async function renderPipelinePage(
  api: ReturnType<typeof apiForHello>,
  path = '/default/demo/hello',
) {
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [pipelineEngineApiRef, api],
        [permissionApiRef, mockApis.permission()],
      ]}
    >
      <Routes>
        <Route path="/:org/:project/:pipelineId" element={<PipelinePage />} />
        <Route
          path="/executions/:executionId"
          element={<div>execution page</div>}
        />
      </Routes>
    </TestApiProvider>,
    { routeEntries: [path], mountedRoutes: { '/': rootRouteRef } },
  );
}

describe('PipelinePage', () => {
  it('generates the run form and shows regex and allowed-value messages inline', async () => {
    const api = apiForHello();
    await renderPipelinePage(api);

    const form = await screen.findByRole('form', { name: 'Run pipeline' });
    expect(within(form).getByLabelText(/replicas/)).toHaveValue(2);
    expect(within(form).getByLabelText(/approver/)).toBeInTheDocument();
    expect(within(form).getByText('execution input')).toBeInTheDocument();

    await userEvent.type(within(form).getByLabelText(/repo/), 'Bad Name');
    expect(
      await within(form).findByText(/"Bad Name" does not match the regex/),
    ).toBeInTheDocument();
    await userEvent.click(within(form).getByRole('button', { name: 'Run' }));
    expect(api.execute).not.toHaveBeenCalled();

    await userEvent.clear(within(form).getByLabelText(/repo/));
    await userEvent.type(within(form).getByLabelText(/repo/), 'my-service');
    expect(
      within(form).queryByText(/does not match the regex/),
    ).not.toBeInTheDocument();

    await userEvent.click(within(form).getByLabelText(/greeting/));
    expect(
      screen.getAllByRole('option').map(option => option.textContent),
    ).toEqual(['None', 'hello', 'hi']);
    await userEvent.click(screen.getByRole('option', { name: 'hi' }));
    await userEvent.type(
      within(form).getByLabelText(/steps\.say\.spec\.command/),
      'echo hi',
    );

    await userEvent.click(within(form).getByRole('button', { name: 'Run' }));
    await waitFor(() =>
      expect(api.execute).toHaveBeenCalledWith(pipelineRef, {
        inputSet: {
          'pipeline.variables.greeting': 'hi',
          'pipeline.variables.repo': 'my-service',
          'pipeline.variables.replicas': 2,
          'pipeline.variables.regions': 'eu',
          'pipeline.stages.build.spec.execution.steps.say.spec.command':
            'echo hi',
        },
      }),
    );
    expect(await screen.findByText('execution page')).toBeInTheDocument();
  });

  it('shows the problems the server reports at their fields', async () => {
    const api = apiForHello();
    api.execute.mockRejectedValue(
      await ResponseError.fromResponse(
        new Response(
          JSON.stringify({
            error: { name: 'InputError', message: 'bad inputs' },
            response: { statusCode: 400 },
            problems: [
              {
                severity: 'error',
                code: 'input-not-allowed',
                path: 'pipeline.variables.repo',
                message: 'repo "taken" already exists',
              },
            ],
          }),
          { status: 400, headers: { 'Content-Type': 'application/json' } },
        ),
      ),
    );
    await renderPipelinePage(api);
    const form = await screen.findByRole('form', { name: 'Run pipeline' });
    await userEvent.type(within(form).getByLabelText(/repo/), 'taken');
    await userEvent.type(
      within(form).getByLabelText(/steps\.say\.spec\.command/),
      'echo',
    );
    await userEvent.click(within(form).getByRole('button', { name: 'Run' }));
    expect(
      await within(form).findByText(
        'Repository name — repo "taken" already exists',
      ),
    ).toBeInTheDocument();
  });

  it('applies a stored input set to the form', async () => {
    await renderPipelinePage(apiForHello());
    const sets = await screen.findByRole('list', { name: 'Input sets' });
    await userEvent.click(within(sets).getByRole('button', { name: 'Apply' }));
    expect(screen.getByLabelText(/repo/)).toHaveValue('prod-service');
  });

  it('shows validator problems under their YAML lines', async () => {
    await renderPipelinePage(apiForHello(), '/default/demo/hello?tab=yaml');
    const note = await screen.findByRole('note');
    expect(note).toHaveTextContent(
      'Error line 37:25 · pipeline.stages[0].stage.spec.execution.steps[0].step.type: unknown step type "Runn" — did you mean "Run"?',
    );
    // The note sits right under line 37 of the YAML.
    expect(note.previousElementSibling).toHaveTextContent(/^37\s+command/);
  });

  it('lists triggers with their webhook URL and a curl example', async () => {
    await renderPipelinePage(apiForHello(), '/default/demo/hello?tab=triggers');
    expect(await screen.findByText('On push')).toBeInTheDocument();
    expect(screen.getByRole('checkbox', { name: 'Enabled' })).toBeChecked();
    expect(
      (await screen.findAllByText(/triggers\/on_push\/run/)).length,
    ).toBeGreaterThan(0);
    expect(screen.getByText(/X-Api-Key: <webhook token>/)).toBeInTheDocument();
  });
});
