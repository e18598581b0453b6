import useAsync from 'react-use/esm/useAsync';
import {
  InfoCard,
  Link,
  Table,
  type TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import Grid from '@material-ui/core/Grid';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import type { ExecutionSummary } from '@idp-pipelines/plugin-pipeline-engine-common';
import { pipelineEngineApiRef } from '../../api';
import {
  PIPELINE_EXECUTION_ANNOTATION,
  PIPELINES_ANNOTATION,
  getEntityExecutionIds,
  getEntityPipelineRefs,
} from '../../annotations';
import {
  StatusLabel,
  durationOf,
  formatTime,
  usePipelineLinks,
} from '../shared';

/** An execution recorded on the entity, or why it cannot be shown. */
export interface ExecutionRow {
  id: string;
  execution?: ExecutionSummary;
  problem?: string;
}

/** The executions recorded on the current entity, each read from the engine. */
export function useEntityExecutions() {
  const { entity } = useEntity();
  const api = useApi(pipelineEngineApiRef);
  const executionIds = getEntityExecutionIds(entity);
  const rows = useAsync(
    () =>
      Promise.all(
        executionIds.map(async (id): Promise<ExecutionRow> => {
          try {
            return { id, execution: await api.getExecution(id) };
          } catch (error) {
            return { id, problem: (error as Error).message };
          }
        }),
      ),
    [api, executionIds.join(',')],
  );
  return {
    executionIds,
    pipelines: getEntityPipelineRefs(entity),
    loading: rows.loading,
    // Newest first; the annotation lists them newest last.
    rows: [...(rows.value ?? [])].reverse(),
  };
}

/**
 * The entity's "Pipelines" tab: executions that created or changed it
 * (annotation `idp-pipelines.io/execution`) and pipelines it can run
 * (annotation `idp-pipelines.io/pipelines`).
 */
export function EntityPipelinesContent() {
  const links = usePipelineLinks();
  const { executionIds, pipelines, loading, rows } = useEntityExecutions();

  const columns: TableColumn<ExecutionRow>[] = [
    {
      title: 'Run',
      render: row =>
        row.execution ? (
          <Link to={links.execution(row.id)}>
            {row.execution.pipelineName} #{row.execution.sequenceId}
          </Link>
        ) : (
          row.id
        ),
    },
    {
      title: 'Status',
      render: row =>
        row.execution ? (
          <StatusLabel status={row.execution.status} />
        ) : (
          <Typography variant="body2" color="error">
            {row.problem}
          </Typography>
        ),
    },
    {
      title: 'Triggered by',
      render: row =>
        row.execution?.triggeredBy.name ??
        row.execution?.triggeredBy.identity ??
        '',
    },
    {
      title: 'Started',
      render: row =>
        row.execution
          ? formatTime(row.execution.startedAt ?? row.execution.createdAt)
          : '',
    },
    {
      title: 'Duration',
      render: row =>
        durationOf(row.execution?.startedAt, row.execution?.endedAt) ?? '',
    },
  ];

  return (
    <Grid container spacing={3}>
      <Grid item xs={12} md={pipelines.length > 0 ? 8 : 12}>
        {executionIds.length === 0 ? (
          <InfoCard title="Pipeline executions">
            <Typography variant="body2" color="textSecondary">
              No pipeline execution is recorded on this entity (annotation{' '}
              <code>{PIPELINE_EXECUTION_ANNOTATION}</code>).
            </Typography>
          </InfoCard>
        ) : (
          <Table<ExecutionRow>
            title="Executions that created or changed this entity"
            isLoading={loading}
            data={rows}
            columns={columns}
            options={{ search: false, paging: false }}
          />
        )}
      </Grid>
      {pipelines.length > 0 && (
        <Grid item xs={12} md={4}>
          <InfoCard
            title="Pipelines"
            subheader={`From the ${PIPELINES_ANNOTATION} annotation`}
          >
            <List dense aria-label="Pipelines of this entity">
              {pipelines.map(ref => (
                <ListItem key={links.pipeline(ref)}>
                  <ListItemText
                    primary={
                      <Link to={`${links.pipeline(ref)}?tab=run`}>
                        Run {ref.pipelineIdentifier}
                      </Link>
                    }
                    secondary={`${ref.orgIdentifier}/${ref.projectIdentifier}`}
                  />
                </ListItem>
              ))}
            </List>
          </InfoCard>
        </Grid>
      )}
    </Grid>
  );
}
