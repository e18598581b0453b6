import { useState } from 'react';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import { Link } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import {
  approvalRespondPermission,
  stringifyPipelineResourceRef,
  type ApprovalActivityRequest,
  type ApprovalView,
} from '@idp-pipelines/plugin-pipeline-engine-common';
import { pipelineEngineApiRef } from '../../api';
import { formatTime, usePipelineLinks } from '../shared';

const STATUS_TEXT: Record<ApprovalView['status'], string> = {
  WAITING: 'Waiting',
  APPROVED: 'Approved',
  REJECTED: 'Rejected',
  EXPIRED: 'Expired',
};

/** `group:default/platform` → `platform`; `_account_all_users` → "all users". */
function groupName(ref: string): string {
  if (ref === '_account_all_users') return 'all signed-in users';
  return ref.replace(/^group:default\//, '');
}

function ApproverInputFields(props: {
  approval: ApprovalView;
  values: Record<string, string>;
  onChange: (name: string, value: string) => void;
}) {
  const { approval, values, onChange } = props;
  return (
    <>
      {approval.approverInputs.map(input => (
        <TextField
          key={input.name}
          id={`approval-${approval.id}-input-${input.name}`}
          label={input.name}
          value={values[input.name] ?? ''}
          onChange={event => onChange(input.name, event.target.value)}
          size="small"
          variant="outlined"
          margin="dense"
          fullWidth
        />
      ))}
    </>
  );
}

function ActivityHistory(props: { approval: ApprovalView }) {
  const { activities } = props.approval;
  if (activities.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No one has acted on it yet.
      </Typography>
    );
  }
  return (
    <Table size="small" aria-label="Approval activities">
      <TableHead>
        <TableRow>
          <TableCell>User</TableCell>
          <TableCell>Action</TableCell>
          <TableCell>Comments</TableCell>
          <TableCell>Inputs</TableCell>
          <TableCell>Time</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {activities.map(activity => (
          <TableRow key={`${activity.user}-${activity.createdAt}`}>
            <TableCell>{activity.user}</TableCell>
            <TableCell>
              {activity.action === 'APPROVE' ? 'Approved' : 'Rejected'}
            </TableCell>
            <TableCell style={{ wordBreak: 'break-word' }}>
              {activity.comments ?? ''}
            </TableCell>
            <TableCell style={{ wordBreak: 'break-all' }}>
              {Object.entries(activity.approverInputs)
                .map(([name, value]) => `${name}=${value}`)
                .join(', ')}
            </TableCell>
            <TableCell>{formatTime(activity.createdAt)}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/**
 * One HarnessApproval: its message, approvers and history; while it waits,
 * the approver inputs (prefilled with their defaults), a comment and
 * Approve/Reject for users the permission policy allows to respond.
 */
export function ApprovalCard(props: {
  approval: ApprovalView;
  onChange: (approval: ApprovalView) => void;
  /** Shows a link to the execution (on the Approvals page). */
  showExecutionLink?: boolean;
}) {
  const { approval, onChange, showExecutionLink } = props;
  const api = useApi(pipelineEngineApiRef);
  const alertApi = useApi(alertApiRef);
  const links = usePipelineLinks();
  const respond = usePermission({
    permission: approvalRespondPermission,
    resourceRef: stringifyPipelineResourceRef(approval),
  });
  const [inputs, setInputs] = useState<Record<string, string>>(() =>
    Object.fromEntries(
      approval.approverInputs.map(input => [input.name, input.defaultValue]),
    ),
  );
  const [comments, setComments] = useState('');
  const [busy, setBusy] = useState(false);
  const waiting = approval.status === 'WAITING';
  const approvals = approval.activities.filter(a => a.action === 'APPROVE');

  const submit = async (action: ApprovalActivityRequest['action']) => {
    setBusy(true);
    try {
      const after = await api.addApprovalActivity(approval.id, {
        action,
        ...(comments ? { comments } : {}),
        ...(action === 'APPROVE' && approval.approverInputs.length > 0
          ? { approverInputs: inputs }
          : {}),
      });
      alertApi.post({
        message: `${action === 'APPROVE' ? 'Approved' : 'Rejected'} ${approval.stepName}`,
        severity: 'success',
        display: 'transient',
      });
      onChange(after);
    } catch (error) {
      alertApi.post({ message: (error as Error).message, severity: 'error' });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Box
      component="section"
      aria-label={`Approval ${approval.stepName}`}
      mb={2}
    >
      <Typography variant="h6">
        {approval.stepName} — {STATUS_TEXT[approval.status]}
      </Typography>
      {showExecutionLink && (
        <Typography variant="body2">
          <Link to={links.execution(approval.executionId)}>
            {approval.orgIdentifier}/{approval.projectIdentifier}/
            {approval.pipelineIdentifier}
          </Link>
        </Typography>
      )}
      <Typography variant="body1" style={{ whiteSpace: 'pre-wrap' }}>
        {approval.approvalMessage}
      </Typography>
      <Typography variant="body2" color="textSecondary">
        Approvers: {approval.userGroups.map(groupName).join(', ')} ·{' '}
        {approvals.length} of {approval.minimumCount} approval
        {approval.minimumCount === 1 ? '' : 's'}
        {approval.disallowPipelineExecutor &&
          ' · the user who started the run may not approve'}
        {' · '}waiting since {formatTime(approval.createdAt)}
        {approval.deadlineAt && `, until ${formatTime(approval.deadlineAt)}`}
      </Typography>
      {waiting && respond.allowed && (
        <Box mt={1} maxWidth={480}>
          <ApproverInputFields
            approval={approval}
            values={inputs}
            onChange={(name, value) =>
              setInputs(current => ({ ...current, [name]: value }))
            }
          />
          <TextField
            id={`approval-${approval.id}-comments`}
            label="Comments"
            value={comments}
            onChange={event => setComments(event.target.value)}
            size="small"
            variant="outlined"
            margin="dense"
            multiline
            fullWidth
          />
          <Box display="flex" mt={1} style={{ gap: 8 }}>
            <Button
              variant="contained"
              color="primary"
              disabled={busy}
              onClick={() => submit('APPROVE')}
            >
              Approve
            </Button>
            <Button
              variant="outlined"
              color="secondary"
              disabled={busy}
              onClick={() => submit('REJECT')}
            >
              Reject
            </Button>
          </Box>
        </Box>
      )}
      <Box mt={1}>
        <ActivityHistory approval={approval} />
      </Box>
    </Box>
  );
}
