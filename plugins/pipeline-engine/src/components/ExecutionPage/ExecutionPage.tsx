import { useCallback, useEffect, useMemo, useState } from 'react';
import { useParams } from 'react-router-dom';
import {
  Content,
  Header,
  InfoCard,
  Link,
  Page,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import {
  isTerminalExecutionStatus,
  type ExecutionDetail,
  type NodeExecutionView,
} from '@idp-pipelines/plugin-pipeline-engine-common';
import { ExecutionApprovalsPanel } from '../Approvals/ExecutionApprovalsPanel';
import { LogPanel } from '../LogPanel';
import {
  StatusLabel,
  durationOf,
  formatTime,
  usePipelineLinks,
} from '../shared';
import { ExecutionActions } from './ExecutionActions';
import { ExecutionTree } from './ExecutionTree';
import { LabelledValueTable } from './LabelledValueTable';
import { NodeDetails } from './NodeDetails';
import { useExecution, useExecutionLogs, useNodeLines } from './useExecution';
import { useRerunChain } from './useRerunChain';

const TRIGGER_TYPES: Record<ExecutionDetail['triggerType'], string> = {
  MANUAL: 'Manual run',
  WEBHOOK: 'Webhook',
  WEBHOOK_CUSTOM: 'Custom webhook trigger',
  SCHEDULER_CRON: 'Schedule',
};

function* walk(nodes: NodeExecutionView[]): Generator<NodeExecutionView> {
  for (const node of nodes) {
    yield node;
    yield* walk(node.children);
  }
}

/** The node to show first: a failed step, else a running one, else the first step. */
function defaultNode(
  nodes: NodeExecutionView[],
): NodeExecutionView | undefined {
  const all = [...walk(nodes)];
  const steps = all.filter(node => node.nodeType === 'step');
  return (
    steps.find(node => ['Failed', 'Errored'].includes(node.status)) ??
    steps.find(node => node.status === 'Running') ??
    steps[0] ??
    all[0]
  );
}

/** Ticks every second while the execution runs, for live durations. */
function useNow(running: boolean): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!running) return undefined;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [running]);
  return now;
}

function Summary(props: { execution: ExecutionDetail }) {
  const { execution } = props;
  const links = usePipelineLinks();
  const chain = useRerunChain(execution.rerunOf);
  const who = execution.triggeredBy.name
    ? `${execution.triggeredBy.name} (${execution.triggeredBy.identity})`
    : execution.triggeredBy.identity;
  const task = execution.triggeredBy.scaffolderTask;
  const rerunRows: Array<[string, React.ReactNode]> = execution.rerunOf
    ? [
        [
          'Re-run of',
          chain.length === 0 ? (
            <Link to={links.execution(execution.rerunOf)}>
              {execution.rerunOf}
            </Link>
          ) : (
            <span>
              {chain.map((original, index) => (
                <span key={original.id}>
                  {index > 0 && ' ← '}
                  <Link to={links.execution(original.id)}>
                    #{original.sequenceId}
                  </Link>
                </span>
              ))}
            </span>
          ),
        ],
        ['Re-run from stage', execution.rerunFromStage ?? '—'],
      ]
    : [];
  const rows: Array<[string, React.ReactNode]> = [
    ['Status', <StatusLabel status={execution.status} />],
    [
      'Pipeline',
      <Link to={links.pipeline(execution)}>
        {execution.orgIdentifier}/{execution.projectIdentifier}/
        {execution.pipelineIdentifier}
      </Link>,
    ],
    [
      'Triggered by',
      task ? (
        <span>
          {who} from template task{' '}
          <Link to={`/create/tasks/${encodeURIComponent(task.taskId)}`}>
            {task.templateRef ?? task.taskId}
          </Link>
        </span>
      ) : (
        who
      ),
    ],
    [
      'Trigger',
      `${TRIGGER_TYPES[execution.triggerType] ?? execution.triggerType}${
        execution.triggerIdentifier ? ` (${execution.triggerIdentifier})` : ''
      }`,
    ],
    ...rerunRows,
    ['Queued', formatTime(execution.createdAt)],
    ['Started', formatTime(execution.startedAt)],
    ['Ended', formatTime(execution.endedAt)],
    ['Duration', durationOf(execution.startedAt, execution.endedAt) ?? '—'],
  ];
  return <LabelledValueTable ariaLabel="Execution summary" rows={rows} />;
}

/** The runtime inputs it ran with (secrets are references, not values). */
function ExecutionInputs(props: { inputs?: Record<string, unknown> }) {
  const entries = Object.entries(props.inputs ?? {});
  if (entries.length === 0) return null;
  return (
    <InfoCard title="Inputs">
      <LabelledValueTable
        ariaLabel="Execution inputs"
        rows={entries.map(([name, value]) => [
          name,
          typeof value === 'string' ? value : JSON.stringify(value),
        ])}
      />
    </InfoCard>
  );
}

function ExecutionOutputs(props: { outputs: Record<string, string> }) {
  const entries = Object.entries(props.outputs);
  if (entries.length === 0) return null;
  return (
    <InfoCard title="Output variables">
      <LabelledValueTable ariaLabel="Execution outputs" rows={entries} />
    </InfoCard>
  );
}

/**
 * An execution: summary with Abort/Re-run, the step tree with live
 * statuses, and the selected step's details and log.
 */
export function ExecutionPage() {
  const { executionId = '' } = useParams();
  const { execution, error, reload } = useExecution(executionId);
  // The log follows once the execution (and so its step tree) is in.
  const logs = useExecutionLogs(executionId, !!execution);
  const [selectedFqn, setSelectedFqn] = useState<string>();
  const running = !!execution && !isTerminalExecutionStatus(execution.status);
  const now = useNow(running);

  const nodesByFqn = useMemo(
    () => new Map([...walk(execution?.nodes ?? [])].map(n => [n.fqn, n])),
    [execution],
  );
  const selected =
    (selectedFqn && nodesByFqn.get(selectedFqn)) ||
    defaultNode(execution?.nodes ?? []);
  const nodeLines = useNodeLines(logs, selected?.fqn);
  const onSelect = useCallback(
    (node: NodeExecutionView) => setSelectedFqn(node.fqn),
    [],
  );

  if (error && !execution) {
    return (
      <Page themeId="tool">
        <Header title="Execution" />
        <Content>
          <ResponseErrorPanel error={error} />
        </Content>
      </Page>
    );
  }
  if (!execution) return <Progress />;

  return (
    <Page themeId="tool">
      <Header
        title={`${execution.pipelineName} #${execution.sequenceId}`}
        subtitle={`Execution ${execution.id}`}
      >
        <ExecutionActions execution={execution} onChange={reload} />
      </Header>
      <Content>
        <Grid container spacing={3}>
          {execution.errorMessage && (
            <Grid item xs={12}>
              <Alert severity="error">{execution.errorMessage}</Alert>
            </Grid>
          )}
          <Grid item xs={12} md={4}>
            <InfoCard title="Run">
              <Summary execution={execution} />
            </InfoCard>
            <Box mt={3}>
              <InfoCard title="Steps" noPadding>
                {execution.nodes.length === 0 ? (
                  <Box p={2}>
                    <Typography variant="body2" color="textSecondary">
                      No stage has started yet.
                    </Typography>
                  </Box>
                ) : (
                  <ExecutionTree
                    nodes={execution.nodes}
                    selectedFqn={selected?.fqn}
                    onSelect={onSelect}
                    now={now}
                  />
                )}
              </InfoCard>
            </Box>
          </Grid>
          <Grid item xs={12} md={8}>
            <ExecutionApprovalsPanel execution={execution} onChange={reload} />
            {selected && (
              <InfoCard title="Step">
                <NodeDetails node={selected} />
              </InfoCard>
            )}
            <Box mt={3}>
              <InfoCard title={selected ? `Log of ${selected.name}` : 'Log'}>
                {logs.error && (
                  <Alert severity="warning">{logs.error.message}</Alert>
                )}
                <LogPanel
                  lines={nodeLines}
                  fileName={`${execution.pipelineIdentifier}-${execution.sequenceId}-${selected?.identifier ?? 'all'}`}
                />
              </InfoCard>
            </Box>
            <Box mt={3}>
              <ExecutionOutputs outputs={execution.outputs} />
            </Box>
            <Box mt={3}>
              <ExecutionInputs inputs={execution.inputs} />
            </Box>
          </Grid>
        </Grid>
      </Content>
    </Page>
  );
}
