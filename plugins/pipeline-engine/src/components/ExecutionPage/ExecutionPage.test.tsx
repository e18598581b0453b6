import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router-dom';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type {
  ExecutionDetail,
  ExecutionStreamEvent,
} from '@idp-pipelines/plugin-pipeline-engine-common';
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
    // Open until the test ends, like the stream of a running execution.
    followExecution: (_id, options) =>
      new Promise<void>(resolve =>
        options.signal?.addEventListener('abort', () => resolve()),
      ),
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
      within(tree).getByRole('button', { name: /^Clone: Success, / }),
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

  it('hides Abort from users the policy denies it, and Re-run while it runs', async () => {
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
    expect(await screen.findByText('Hello #7')).toBeInTheDocument();
    // The execute permission answer is in once the policy was asked twice.
    await waitFor(() =>
      expect(screen.queryByRole('button', { name: 'Abort' })).toBeNull(),
    );
    expect(
      screen.queryByRole('button', { name: 'Re-run' }),
    ).not.toBeInTheDocument();
  });

  it('applies the status stream: node changes, new nodes, then the end with outputs', async () => {
    const running = executionDetail({
      status: 'Running',
      endedAt: undefined,
      nodes: [
        node({
          fqn: 'pipeline.stages.build',
          nodeType: 'stage',
          name: 'Build',
          status: 'Running',
          children: [
            node({
              fqn: `${STEPS}.clone`,
              parentFqn: 'pipeline.stages.build',
              name: 'Clone',
              status: 'Running',
            }),
          ],
        }),
      ],
    });
    let emit: (event: ExecutionStreamEvent) => void = () => {};
    const api = apiFor(running);
    api.followExecution.mockImplementation(
      (_id, options, onEvent) =>
        new Promise<void>(resolve => {
          emit = onEvent;
          options.signal?.addEventListener('abort', () => resolve());
        }),
    );
    await renderPage(api, AuthorizeResult.ALLOW);
    const tree = await screen.findByRole('navigation', {
      name: 'Execution steps',
    });
    await waitFor(() => expect(api.followExecution).toHaveBeenCalled());
    const { children: _c, ...clone } = running.nodes[0].children[0];
    act(() => {
      emit({ type: 'node', node: { ...clone, status: 'Success' } });
      emit({
        type: 'node',
        node: {
          ...clone,
          fqn: `${STEPS}.publish`,
          identifier: 'publish',
          name: 'Publish',
          status: 'Running',
        },
      });
    });
    expect(
      await within(tree).findByRole('button', { name: /^Clone: Success, / }),
    ).toBeInTheDocument();
    expect(
      within(tree).getByRole('button', { name: /^Publish: Running, / }),
    ).toBeInTheDocument();
    act(() =>
      emit({
        type: 'end',
        execution: {
          ...running,
          status: 'Success',
          outputs: { 'pipeline.variables.url': 'https://example.com/repo' },
        },
      }),
    );
    const outputs = await screen.findByRole('table', {
      name: 'Execution outputs',
    });
    expect(
      within(outputs).getByText('https://example.com/repo'),
    ).toBeInTheDocument();
    expect(api.getExecution).toHaveBeenCalledTimes(1);
  });

  it('falls back to polling when the status stream fails', async () => {
    const running = executionDetail({ status: 'Running', endedAt: undefined });
    const api = apiFor(running);
    api.followExecution.mockRejectedValue(new Error('stream closed'));
    api.getExecution
      .mockResolvedValueOnce(running)
      .mockResolvedValue({ ...running, status: 'Success' });
    await renderPage(api, AuthorizeResult.ALLOW);
    expect(
      await screen.findByText('Success', {}, { timeout: 5000 }),
    ).toBeInTheDocument();
    expect(api.getExecution).toHaveBeenCalledTimes(2);
  });

  it('shows the re-run chain and the trigger', async () => {
    const rerun = executionDetail({
      sequenceId: 9,
      rerunOf: 'exec-b',
      rerunFromStage: 'deploy',
      triggerType: 'WEBHOOK_CUSTOM',
      triggerIdentifier: 'on_push',
    });
    const api = apiFor(rerun);
    api.getExecution.mockImplementation(async id => {
      if (id === 'exec-b') {
        return executionDetail({ id, sequenceId: 8, rerunOf: 'exec-a' });
      }
      if (id === 'exec-a') return executionDetail({ id, sequenceId: 7 });
      return rerun;
    });
    await renderPage(api, AuthorizeResult.ALLOW);
    const summary = await screen.findByRole('table', {
      name: 'Execution summary',
    });
    expect(
      await within(summary).findByRole('link', { name: '#7' }),
    ).toHaveAttribute('href', '/executions/exec-a');
    expect(within(summary).getByRole('link', { name: '#8' })).toHaveAttribute(
      'href',
      '/executions/exec-b',
    );
    expect(within(summary).getByText('deploy')).toBeInTheDocument();
    expect(
      within(summary).getByText('Custom webhook trigger (on_push)'),
    ).toBeInTheDocument();
  });

  it('keeps the Run card labels on one line and lets long values wrap', async () => {
    const longNames = executionDetail({
      pipelineIdentifier: 'a_pipeline_identifier_long_enough_to_need_wrapping',
      projectIdentifier: 'a_project_identifier_long_enough_to_need_wrapping',
    });
    await renderPage(apiFor(longNames), AuthorizeResult.ALLOW);
    const summary = await screen.findByRole('table', {
      name: 'Execution summary',
    });
    const rows = within(summary).getAllByRole('row') as HTMLTableRowElement[];
    expect(rows.map(row => row.cells[0].textContent)).toEqual(
      expect.arrayContaining(['Status', 'Pipeline', 'Triggered by']),
    );
    for (const row of rows) {
      const [label, value] = Array.from(row.cells);
      expect(getComputedStyle(label).whiteSpace).toBe('nowrap');
      expect(getComputedStyle(value).whiteSpace).not.toBe('nowrap');
      expect(getComputedStyle(value).overflowWrap).toBe('anywhere');
    }
  });

  it('links an execution a template started to its scaffolder task', async () => {
    const fromTemplate = executionDetail({
      triggeredBy: {
        identity: 'user:default/jane',
        name: 'Jane',
        scaffolderTask: {
          taskId: 'task 42',
          templateRef: 'template:default/self-service',
        },
      },
    });
    await renderPage(apiFor(fromTemplate), AuthorizeResult.ALLOW);
    const summary = await screen.findByRole('table', {
      name: 'Execution summary',
    });
    expect(
      within(summary).getByText(
        /^Jane \(user:default\/jane\) from template task/,
      ),
    ).toBeInTheDocument();
    expect(
      within(summary).getByRole('link', {
        name: 'template:default/self-service',
      }),
    ).toHaveAttribute('href', '/create/tasks/task%2042');
  });

  it('re-runs through the re-run route, with the same inputs or from a stage', async () => {
    const api = apiFor({
      ...failedRun,
      inputs: { 'pipeline.variables.name': 'demo' },
      nodes: [
        ...failedRun.nodes,
        node({
          fqn: 'pipeline.stages.deploy',
          nodeType: 'stage',
          name: 'Deploy',
        }),
      ],
    });
    api.rerunExecution.mockResolvedValue(executionSummary({ id: 'exec-2' }));
    await renderPage(api, AuthorizeResult.ALLOW);
    const inputs = await screen.findByRole('table', {
      name: 'Execution inputs',
    });
    expect(within(inputs).getByText('demo')).toBeInTheDocument();
    await userEvent.click(
      await screen.findByRole('button', { name: 'Re-run' }),
    );
    await waitFor(() =>
      expect(api.rerunExecution).toHaveBeenCalledWith('exec-1', {}),
    );
    await userEvent.click(
      await screen.findByRole('button', { name: 'Re-run from stage' }),
    );
    await userEvent.click(
      await screen.findByRole('menuitem', { name: 'Deploy' }),
    );
    await waitFor(() =>
      expect(api.rerunExecution).toHaveBeenLastCalledWith('exec-1', {
        fromStage: 'deploy',
      }),
    );
    expect(api.execute).not.toHaveBeenCalled();
  });
});
