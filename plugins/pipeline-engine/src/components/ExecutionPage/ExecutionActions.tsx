import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import {
  executionAbortPermission,
  isTerminalExecutionStatus,
  pipelineExecutePermission,
  stringifyPipelineResourceRef,
  type ExecutionDetail,
} from '@idp-pipelines/plugin-pipeline-engine-common';
import { pipelineEngineApiRef } from '../../api';
import { usePipelineLinks } from '../shared';

/**
 * The runtime input values of an execution, where the API returns them
 * (fully-qualified name → value; secrets as references).
 */
type ExecutionWithInputs = ExecutionDetail & {
  inputs?: Record<string, unknown>;
};

/**
 * Abort (while it runs) and Re-run, each shown only to users the permission
 * policy allows. Re-run starts the pipeline with the same input values when
 * the execution carries them; otherwise it opens the pipeline's run form.
 */
export function ExecutionActions(props: {
  execution: ExecutionWithInputs;
  onChange: () => void;
}) {
  const { execution, onChange } = props;
  const api = useApi(pipelineEngineApiRef);
  const alertApi = useApi(alertApiRef);
  const navigate = useNavigate();
  const links = usePipelineLinks();
  const resourceRef = stringifyPipelineResourceRef(execution);
  const abort = usePermission({
    permission: executionAbortPermission,
    resourceRef,
  });
  const run = usePermission({
    permission: pipelineExecutePermission,
    resourceRef,
  });
  const [busy, setBusy] = useState(false);
  const running = !isTerminalExecutionStatus(execution.status);

  const act = async (action: () => Promise<void>) => {
    setBusy(true);
    try {
      await action();
    } catch (error) {
      alertApi.post({ message: (error as Error).message, severity: 'error' });
    } finally {
      setBusy(false);
    }
  };

  const onAbort = () =>
    act(async () => {
      await api.abortExecution(execution.id);
      alertApi.post({
        message: `Abort of run #${execution.sequenceId} requested`,
        severity: 'info',
        display: 'transient',
      });
      onChange();
    });

  const onRerun = () =>
    act(async () => {
      if (!execution.inputs) {
        navigate(`${links.pipeline(execution)}?tab=run`);
        return;
      }
      const next = await api.execute(execution, {
        inputSet: execution.inputs,
        allowUnknownKeys: true,
      });
      navigate(links.execution(next.id));
    });

  return (
    <Box display="flex" style={{ gap: 8 }}>
      {running && abort.allowed && (
        <Button
          variant="outlined"
          color="secondary"
          disabled={busy}
          onClick={onAbort}
        >
          Abort
        </Button>
      )}
      {run.allowed && (
        <Button
          variant="contained"
          color="primary"
          disabled={busy}
          onClick={onRerun}
        >
          Re-run
        </Button>
      )}
    </Box>
  );
}
