import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router-dom';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { ExecutionDetail } from '@idp-pipelines/plugin-pipeline-engine-common';
import { pipelineEngineApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import {
  executionDetail,
  executionSummary,
  mockPipelineEngineApi,
  node,
} from '../../testUtils/mockApi';
import { ExecutionPage } from './ExecutionPage';

const STEPS = 'pipeline.stages.build.spec.execution.steps';

const failedRun = executionDetail({
  status: 'Failed',
  errorMessage: 'Step publish failed: repository already exists',
  outputs: { [`${STEPS}.clone.output.outputVariables.sha`]: 'abc123' },
  nodes: [
    node({
      fqn: 'pipeline.stages.build',
      nodeType: 'stage',
      name: 'Build',
      status: 'Failed',
      startedAt: '2026-12-01T10:00:01Z',
      endedAt: '2026-12-01T10:00:31Z',
      children: [
        node({
          fqn: `${STEPS}.clone`,
          stepType: 'GitClone',
          name: 'Clone',
          outputs: { sha: 'abc123' },
          secretOutputs: ['token'],
          startedAt: '2026-12-01T10:00:01Z',
          endedAt: '2026-12-01T10:00:04Z',
        }),
        node({
          fqn: `${STEPS}.checks`,
          nodeType: 'parallel',
          name: 'checks',
          children: [
            node({ fqn: `${STEPS}.lint`, stepType: 'Run', name: 'Lint' }),
            node({
              fqn: `${STEPS}.test`,
              nodeType: 'strategy',
              name: 'Test',
              children: [
                node({ fqn: `${STEPS}.test_0`, name: 'Test_0' }),
                node({ fqn: `${STEPS}.test_1`, name: 'Test_1' }),
              ],
            }),
          ],
        }),
        node({
          fqn: `${STEPS}.publish`,
          stepType: 'CreateRepo',
          name: 'Publish',
          status: 'Failed',
          attempt: 3,
          failureType: 'Unknown',
          errorMessage: 'repository already exists',
        }),
      ],
    }),
  ],
});

const logLine = (seq: number, step: string, line: string) => ({
  seq,
  nodeFqn: `${STEPS}.${step}`,
  stream: 'stdout' as const,
  line,
  createdAt: '2026-12-01T10:00:02Z',
});

function apiFor(execution: ExecutionDetail) {
  return mockPipelineEngineApi({
    getExecution: async () => execution,
    followLogs: async (_id, _options, onLines) => {
      onLines([
        logLine(1, 'clone', 'Cloning into repo'),
        logLine(2, 'publish', 'creating repository'),
      ]);
      return { cursor: 2, complete: true };
    },
    abortExecution: async () => executionSummary({ status: 'Running' }),
  });
}

async function renderPage(
  api: ReturnType<typeof apiFor>,
  authorize: Parameters<typeof mockApis.permission>[0] extends
    { authorize?: infer A } | undefined
    ? A
    : never,
) {
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [pipelineEngineApiRef, api],
        [permissionApiRef, mockApis.permission({ authorize })],
      ]}
    >
      <Routes>
        <Route path="/executions/:executionId" element={<ExecutionPage />} />
      </Routes>
    </TestApiProvider>,
    {
      routeEntries: ['/executions/exec-1'],
      mountedRoutes: { '/': rootRouteRef },
    },
  );
}

describe('ExecutionPage', () => {
  it('shows the step tree, the failed step with its log and the run outputs', async () => {
    const api = apiFor(failedRun);
    await renderPage(api, AuthorizeResult.ALLOW);

    expect(await screen.findByText('Hello #7')).toBeInTheDocument();
    expect(
      screen.getByText('Step publish failed: repository already exists'),
    ).toBeInTheDocument();
    const tree = screen.getByRole('navigation', { name: 'Execution steps' });
    expect(within(tree).getByText('Parallel (2 branches)')).toBeInTheDocument();
    expect(
      within(tree).getByText('Looping (2 iterations)'),
    ).toBeInTheDocument();
    expect(within(tree).getByText('Test_1')).toBeInTheDocument();

    // The failed step is selected first: its failure, retries and log.
    expect(
      screen.getByText('Unknown: repository already exists'),
    ).toBeInTheDocument();
    expect(screen.getByText('Failed after 3 attempts.')).toBeInTheDocument();
    expect(screen.getByText('creating repository')).toBeInTheDocument();
    expect(screen.queryByText('Cloning into repo')).not.toBeInTheDocument();

    await userEvent.click(
      within(tree).getByRole('button', { name: 'Clone: Success' }),
    );
    expect(screen.getByText('Cloning into repo')).toBeInTheDocument();
    const outputs = screen.getByRole('table', { name: 'Outputs of Clone' });
    expect(within(outputs).getByText('abc123')).toBeInTheDocument();
    expect(within(outputs).getByText('secret (not shown)')).toBeInTheDocument();
    expect(
      screen.getByText(`${STEPS}.clone.output.outputVariables.sha`),
    ).toBeInTheDocument();
    expect(screen.getByText('Jane (user:default/jane)')).toBeInTheDocument();
  });

  it('offers Abort on a running execution only when the policy allows it', async () => {
    const running = executionDetail({ status: 'Running', endedAt: undefined });
    const allowedApi = apiFor(running);
    await renderPage(allowedApi, AuthorizeResult.ALLOW);
    await userEvent.click(await screen.findByRole('button', { name: 'Abort' }));
    await waitFor(() =>
      expect(allowedApi.abortExecution).toHaveBeenCalledWith('exec-1'),
    );
  });

  it('hides Abort from users the policy denies it', async () => {
    // Another pipeline: usePermission caches answers per resource across tests.
    const running = executionDetail({
      status: 'Running',
      endedAt: undefined,
      pipelineIdentifier: 'denied',
    });
    await renderPage(apiFor(running), request =>
      request.permission.name === 'pipeline-engine.execution.abort'
        ? AuthorizeResult.DENY
        : AuthorizeResult.ALLOW,
    );
    // Re-run appearing means the permission answers are in.
    expect(
      await screen.findByRole('button', { name: 'Re-run' }),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Abort' }),
    ).not.toBeInTheDocument();
  });

  it('re-runs with the same inputs when the execution carries them', async () => {
    const api = apiFor({
      ...failedRun,
      inputs: { 'pipeline.variables.name': 'demo' },
    } as ExecutionDetail);
    api.execute.mockResolvedValue(executionSummary({ id: 'exec-2' }));
    await renderPage(api, AuthorizeResult.ALLOW);
    await userEvent.click(
      await screen.findByRole('button', { name: 'Re-run' }),
    );
    await waitFor(() =>
      expect(api.execute).toHaveBeenCalledWith(
        expect.objectContaining({ pipelineIdentifier: 'hello' }),
        {
          inputSet: { 'pipeline.variables.name': 'demo' },
          allowUnknownKeys: true,
        },
      ),
    );
  });
});
