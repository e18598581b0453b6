import { useMemo, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import {
  Content,
  Header,
  Link,
  Page,
  ResponseErrorPanel,
  Table,
  type TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import FormControl from '@material-ui/core/FormControl';
import Grid from '@material-ui/core/Grid';
import InputLabel from '@material-ui/core/InputLabel';
import MenuItem from '@material-ui/core/MenuItem';
import OutlinedInput from '@material-ui/core/OutlinedInput';
import Select from '@material-ui/core/Select';
import type {
  ExecutionSummary,
  PipelineSummary,
} from '@idp-pipelines/plugin-pipeline-engine-common';
import { pipelineEngineApiRef } from '../../api';
import { StatusLabel, formatTime, usePipelineLinks } from '../shared';

/** A pipeline row with its newest execution, if any. */
export interface PipelineRow extends PipelineSummary {
  lastExecution?: ExecutionSummary;
}

const ALL = '';
/** The list routes' largest page. */
const PAGE_LIMIT = 1000;

function keyOf(ref: {
  orgIdentifier: string;
  projectIdentifier: string;
  pipelineIdentifier: string;
}) {
  return `${ref.orgIdentifier}/${ref.projectIdentifier}/${ref.pipelineIdentifier}`;
}

/** Loads pipelines with the newest execution of each. */
function usePipelineRows() {
  const api = useApi(pipelineEngineApiRef);
  return useAsync(async (): Promise<PipelineRow[]> => {
    const [pipelines, executions] = await Promise.all([
      api.listPipelines({ limit: PAGE_LIMIT }),
      // Newest first: the first execution seen per pipeline is its last run.
      // Without them the list still helps, so their failure is not fatal.
      api
        .listExecutions({ limit: PAGE_LIMIT })
        .catch(() => ({ items: [] as ExecutionSummary[], totalCount: 0 })),
    ]);
    const latest = new Map<string, ExecutionSummary>();
    for (const execution of executions.items) {
      if (!latest.has(keyOf(execution))) {
        latest.set(keyOf(execution), execution);
      }
    }
    return pipelines.items.map(pipeline => ({
      ...pipeline,
      lastExecution: latest.get(keyOf(pipeline)),
    }));
  }, [api]);
}

function FilterSelect(props: {
  label: string;
  value: string;
  options: string[];
  onChange: (value: string) => void;
}) {
  const id = `pipeline-filter-${props.label.toLowerCase().replace(/\s+/g, '-')}`;
  return (
    <FormControl fullWidth variant="outlined" size="small">
      {/* Always shrunk: "All" is a value, and a label over it is unreadable;
          the text colour keeps it readable on the page's grey. */}
      <InputLabel id={id} shrink style={{ color: 'inherit' }}>
        {props.label}
      </InputLabel>
      <Select
        labelId={id}
        // Named by its label and its value ("Org All"), as it reads.
        SelectDisplayProps={{ id: `${id}-value` }}
        displayEmpty
        input={<OutlinedInput notched label={props.label} />}
        value={props.value}
        onChange={event => props.onChange(String(event.target.value))}
      >
        <MenuItem value={ALL}>All</MenuItem>
        {props.options.map(option => (
          <MenuItem key={option} value={option}>
            {option}
          </MenuItem>
        ))}
      </Select>
    </FormControl>
  );
}

function distinct(values: Array<string | undefined>): string[] {
  return [...new Set(values.filter((v): v is string => !!v))].sort();
}

/** The pipelines list: search and filters by org, project and last status. */
export function PipelineListPage() {
  const { value, loading, error } = usePipelineRows();
  const links = usePipelineLinks();
  const [org, setOrg] = useState(ALL);
  const [project, setProject] = useState(ALL);
  const [status, setStatus] = useState(ALL);
  const rows = useMemo(() => value ?? [], [value]);
  const filtered = useMemo(
    () =>
      rows.filter(
        row =>
          (org === ALL || row.orgIdentifier === org) &&
          (project === ALL || row.projectIdentifier === project) &&
          (status === ALL ||
            (row.lastExecution?.status ?? 'Never run') === status),
      ),
    [rows, org, project, status],
  );

  const columns: TableColumn<PipelineRow>[] = [
    {
      title: 'Name',
      field: 'name',
      highlight: true,
      render: row => <Link to={links.pipeline(row)}>{row.name}</Link>,
    },
    { title: 'Identifier', field: 'pipelineIdentifier' },
    { title: 'Org', field: 'orgIdentifier' },
    { title: 'Project', field: 'projectIdentifier' },
    {
      title: 'Last run',
      field: 'lastExecution.status',
      render: row =>
        row.lastExecution ? (
          <Link to={links.execution(row.lastExecution.id)}>
            <StatusLabel status={row.lastExecution.status} />
          </Link>
        ) : (
          'Never run'
        ),
    },
    {
      title: 'Last run at',
      field: 'lastExecution.createdAt',
      render: row => formatTime(row.lastExecution?.createdAt),
      defaultSort: 'desc',
    },
  ];

  return (
    <Page themeId="tool">
      <Header
        title="Pipelines"
        subtitle="Harness-style pipelines run by the pipeline engine"
      >
        <Link to={links.approvals()}>Approvals waiting for me</Link>
      </Header>
      <Content>
        {error ? (
          <ResponseErrorPanel error={error} />
        ) : (
          <>
            <Grid container spacing={2}>
              <Grid item xs={12} sm={4}>
                <FilterSelect
                  label="Org"
                  value={org}
                  options={distinct(rows.map(r => r.orgIdentifier))}
                  onChange={setOrg}
                />
              </Grid>
              <Grid item xs={12} sm={4}>
                <FilterSelect
                  label="Project"
                  value={project}
                  options={distinct(rows.map(r => r.projectIdentifier))}
                  onChange={setProject}
                />
              </Grid>
              <Grid item xs={12} sm={4}>
                <FilterSelect
                  label="Last run status"
                  value={status}
                  options={distinct(
                    rows.map(r => r.lastExecution?.status ?? 'Never run'),
                  )}
                  onChange={setStatus}
                />
              </Grid>
            </Grid>
            <Table<PipelineRow>
              title={`Pipelines (${filtered.length})`}
              isLoading={loading}
              data={filtered}
              columns={columns}
              // Draggable headers wrap the sort button in another button.
              options={{
                search: true,
                paging: true,
                pageSize: 20,
                draggable: false,
              }}
            />
          </>
        )}
      </Content>
    </Page>
  );
}
