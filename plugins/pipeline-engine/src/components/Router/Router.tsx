import { lazy, Suspense } from 'react';
import { Route, Routes } from 'react-router-dom';
import { Progress } from '@backstage/core-components';

// Each page loads on its own: opening an execution does not fetch the
// pipeline editor's code and the other way round.
const PipelineListPage = lazy(() =>
  import('../PipelineListPage').then(m => ({ default: m.PipelineListPage })),
);
const PipelinePage = lazy(() =>
  import('../PipelinePage').then(m => ({ default: m.PipelinePage })),
);
const ApprovalsPage = lazy(() =>
  import('../Approvals').then(m => ({ default: m.ApprovalsPage })),
);
const ExecutionPage = lazy(() =>
  import('../ExecutionPage').then(m => ({ default: m.ExecutionPage })),
);

/**
 * The plugin's pages under its mount point: the list at `/`, approvals at `/approvals`, executions at
 * `/executions/:executionId`, pipelines at `/:org/:project/:pipelineId`.
 * @public
 */
export function PipelineEngineRouter() {
  return (
    <Suspense fallback={<Progress />}>
      <Routes>
        <Route path="/" element={<PipelineListPage />} />
        <Route path="/approvals" element={<ApprovalsPage />} />
        <Route path="/executions/:executionId" element={<ExecutionPage />} />
        <Route path="/:org/:project/:pipelineId" element={<PipelinePage />} />
      </Routes>
    </Suspense>
  );
}
