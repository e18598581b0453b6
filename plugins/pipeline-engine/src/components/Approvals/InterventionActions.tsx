import { useState } from 'react';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import {
  pipelineExecutePermission,
  stringifyPipelineResourceRef,
  type ExecutionDetail,
  type NodeExecutionView,
} from '@idp-pipelines/plugin-pipeline-engine-common';
import { pipelineEngineApiRef, type InterventionAction } from '../../api';

const ACTIONS: Array<{ action: InterventionAction; label: string }> = [
  { action: 'Retry', label: 'Retry' },
  { action: 'MarkAsSuccess', label: 'Mark as success' },
  { action: 'Ignore', label: 'Ignore' },
  { action: 'StageRollback', label: 'Stage rollback' },
  { action: 'Abort', label: 'Abort' },
];

/**
 * A step waiting for a manual intervention (its failure strategy is
 * ManualIntervention) and Harness's actions on it, for users allowed to
 * run the pipeline (the permission the route checks).
 */
export function InterventionActions(props: {
  execution: ExecutionDetail;
  node: NodeExecutionView;
  onChange: () => void;
}) {
  const { execution, node, onChange } = props;
  const api = useApi(pipelineEngineApiRef);
  const alertApi = useApi(alertApiRef);
  const run = usePermission({
    permission: pipelineExecutePermission,
    resourceRef: stringifyPipelineResourceRef(execution),
  });
  const [busy, setBusy] = useState(false);

  const act = async (action: InterventionAction) => {
    setBusy(true);
    try {
      await api.interveneInExecution(execution.id, node.fqn, action);
      onChange();
    } catch (error) {
      alertApi.post({ message: (error as Error).message, severity: 'error' });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Box component="section" aria-label={`Intervention ${node.name}`} mb={2}>
      <Typography variant="h6">
        {node.name} — waiting for intervention
      </Typography>
      {node.errorMessage && (
        <Typography variant="body2" color="textSecondary">
          {node.errorMessage}
        </Typography>
      )}
      {run.allowed && (
        <Box display="flex" mt={1} style={{ gap: 8 }} flexWrap="wrap">
          {ACTIONS.map(({ action, label }) => (
            <Button
              key={action}
              variant={action === 'Retry' ? 'contained' : 'outlined'}
              color={action === 'Abort' ? 'secondary' : 'primary'}
              disabled={busy}
              onClick={() => act(action)}
            >
              {label}
            </Button>
          ))}
        </Box>
      )}
    </Box>
  );
}
