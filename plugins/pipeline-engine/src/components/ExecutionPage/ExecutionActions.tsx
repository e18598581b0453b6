import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Menu from '@material-ui/core/Menu';
import MenuItem from '@material-ui/core/MenuItem';
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
 * Abort (while it runs) and, once it ended, Re-run with the same inputs
 * (`POST /executions/{id}/rerun`: from the first stage that did not
 * succeed) or from a chosen stage; each shown only to users the
 * permission policy allows.
 */
export function ExecutionActions(props: {
  execution: ExecutionDetail;
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
  const [stageMenu, setStageMenu] = useState<HTMLElement | null>(null);
  const running = !isTerminalExecutionStatus(execution.status);
  const stages = execution.nodes.filter(node => node.nodeType === 'stage');

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

  const onRerun = (fromStage?: string) =>
    act(async () => {
      setStageMenu(null);
      const next = await api.rerunExecution(
        execution.id,
        fromStage ? { fromStage } : {},
      );
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
      {!running && run.allowed && (
        <>
          <Button
            variant="contained"
            color="primary"
            disabled={busy}
            onClick={() => onRerun()}
            title="Runs again with the same inputs, from the first stage that did not succeed"
          >
            Re-run
          </Button>
          {stages.length > 1 && (
            <Button
              variant="outlined"
              disabled={busy}
              aria-haspopup="menu"
              onClick={event => setStageMenu(event.currentTarget)}
            >
              Re-run from stage
            </Button>
          )}
          <Menu
            anchorEl={stageMenu}
            open={Boolean(stageMenu)}
            onClose={() => setStageMenu(null)}
          >
            {stages.map(stage => (
              <MenuItem
                key={stage.fqn}
                onClick={() => onRerun(stage.identifier)}
              >
                {stage.name}
              </MenuItem>
            ))}
          </Menu>
        </>
      )}
    </Box>
  );
}
