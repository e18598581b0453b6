import { useEffect, useState } from 'react';
import { InfoCard } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Alert from '@material-ui/lab/Alert';
import type {
  ExecutionDetail,
  NodeExecutionView,
  ApprovalView,
} from '@idp-pipelines/plugin-pipeline-engine-common';
import { pipelineEngineApiRef } from '../../api';
import { ApprovalCard } from './ApprovalCard';
import { InterventionActions } from './InterventionActions';

function* walk(nodes: NodeExecutionView[]): Generator<NodeExecutionView> {
  for (const node of nodes) {
    yield node;
    yield* walk(node.children);
  }
}

/**
 * The people's part of an execution: its HarnessApproval steps (waiting
 * ones with Approve/Reject, decided ones with their history) and the steps
 * waiting for a manual intervention. Renders nothing for executions with
 * neither.
 */
export function ExecutionApprovalsPanel(props: {
  execution: ExecutionDetail;
  onChange: () => void;
}) {
  const { execution, onChange } = props;
  const api = useApi(pipelineEngineApiRef);
  const nodes = [...walk(execution.nodes)];
  const approvalNodes = nodes.filter(
    node => node.stepType === 'HarnessApproval',
  );
  const interventions = nodes.filter(
    node => node.status === 'InterventionWaiting',
  );
  // Refetch whenever an approval step changes status (it starts waiting,
  // or someone else decided it).
  const approvalKey = approvalNodes
    .map(node => `${node.fqn}:${node.status}`)
    .join(',');
  const [approvals, setApprovals] = useState<ApprovalView[]>([]);
  const [error, setError] = useState<Error>();

  useEffect(() => {
    if (!approvalKey) return undefined;
    let cancelled = false;
    api.listExecutionApprovals(execution.id).then(
      list => {
        if (cancelled) return;
        setApprovals(list.items);
        setError(undefined);
      },
      failure => !cancelled && setError(failure),
    );
    return () => {
      cancelled = true;
    };
  }, [api, execution.id, approvalKey]);

  if (approvals.length === 0 && interventions.length === 0 && !error) {
    return null;
  }
  const onApprovalChange = (after: ApprovalView) => {
    setApprovals(current =>
      current.map(approval => (approval.id === after.id ? after : approval)),
    );
    onChange();
  };
  return (
    <Box mb={3}>
      <InfoCard title="Approvals and interventions">
        {error && (
          <Alert severity="warning">
            Could not load the approvals: {error.message}
          </Alert>
        )}
        {interventions.map(node => (
          <InterventionActions
            key={node.fqn}
            execution={execution}
            node={node}
            onChange={onChange}
          />
        ))}
        {approvals.map(approval => (
          <ApprovalCard
            key={approval.id}
            approval={approval}
            onChange={onApprovalChange}
          />
        ))}
      </InfoCard>
    </Box>
  );
}
