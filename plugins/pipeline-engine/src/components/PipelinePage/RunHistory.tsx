import useAsync from 'react-use/esm/useAsync';
import {
  Link,
  ResponseErrorPanel,
  Table,
  type TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import type {
  ExecutionSummary,
  PipelineRef,
} from '@idp-pipelines/plugin-pipeline-engine-common';
import { pipelineEngineApiRef } from '../../api';
import {
  StatusLabel,
  durationOf,
  formatTime,
  usePipelineLinks,
} from '../shared';

/** Executions of a pipeline, newest first. */
export function RunHistory(props: { pipeline: PipelineRef }) {
  const api = useApi(pipelineEngineApiRef);
  const links = usePipelineLinks();
  const { value, loading, error } = useAsync(
    () => api.listExecutions({ ...props.pipeline, limit: 100 }),
    [api, props.pipeline],
  );
  if (error) return <ResponseErrorPanel error={error} />;
  const columns: TableColumn<ExecutionSummary>[] = [
    {
      title: 'Run',
      field: 'sequenceId',
      render: row => (
        <Link to={links.execution(row.id)}>#{row.sequenceId}</Link>
      ),
    },
    {
      title: 'Status',
      field: 'status',
      render: row => <StatusLabel status={row.status} />,
    },
    {
      title: 'Triggered by',
      field: 'triggeredBy.identity',
      render: row => row.triggeredBy.name ?? row.triggeredBy.identity,
    },
    {
      title: 'Started',
      field: 'createdAt',
      render: row => formatTime(row.startedAt ?? row.createdAt),
    },
    {
      title: 'Duration',
      render: row => durationOf(row.startedAt, row.endedAt) ?? '—',
    },
    { title: 'Failure', field: 'errorMessage' },
  ];
  return (
    <Table<ExecutionSummary>
      title={`Runs (${value?.totalCount ?? 0})`}
      isLoading={loading}
      data={value?.items ?? []}
      columns={columns}
      options={{ search: false, paging: true, pageSize: 20 }}
    />
  );
}
