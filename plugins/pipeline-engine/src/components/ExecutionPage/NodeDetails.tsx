import Box from '@material-ui/core/Box';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import type { NodeExecutionView } from '@idp-pipelines/plugin-pipeline-engine-common';
import { StatusLabel, durationOf, formatTime } from '../shared';
import { nodeKind } from './ExecutionTree';

/** What the failure strategy made of a failure, in a sentence. */
export function failureOutcome(node: NodeExecutionView): string | undefined {
  if (node.status === 'IgnoreFailed') {
    return 'The failure strategy ignored this failure; the pipeline went on.';
  }
  if (node.attempt > 1 && node.status === 'Success') {
    return `Succeeded on attempt ${node.attempt} after the failure strategy retried it.`;
  }
  if (node.attempt > 1) {
    return `Failed after ${node.attempt} attempts.`;
  }
  if (node.status === 'Aborted') return 'Aborted.';
  if (node.status === 'Skipped')
    return 'Skipped: its condition was false or an earlier step failed.';
  return undefined;
}

/** Properties, failure and output variables of one node. */
export function NodeDetails(props: { node: NodeExecutionView }) {
  const { node } = props;
  const outcome = failureOutcome(node);
  const outputs = Object.entries(node.outputs);
  return (
    <Box>
      <Box display="flex" alignItems="center" style={{ gap: 16 }} mb={1}>
        <Typography variant="h6">{node.name}</Typography>
        <StatusLabel status={node.status} />
      </Box>
      <Typography variant="body2" color="textSecondary">
        {nodeKind(node)} · {node.identifier} · started{' '}
        {formatTime(node.startedAt)}
        {node.startedAt ? ` · ${durationOf(node.startedAt, node.endedAt)}` : ''}
      </Typography>
      {node.errorMessage && (
        <Box mt={1}>
          <Alert
            severity={node.status === 'IgnoreFailed' ? 'warning' : 'error'}
          >
            {node.failureType ? `${node.failureType}: ` : ''}
            {node.errorMessage}
          </Alert>
        </Box>
      )}
      {outcome && (
        <Typography variant="body2" style={{ marginTop: 8 }}>
          {outcome}
        </Typography>
      )}
      {(outputs.length > 0 || node.secretOutputs.length > 0) && (
        <Box mt={2}>
          <Typography variant="subtitle2">Output variables</Typography>
          <Table size="small" aria-label={`Outputs of ${node.name}`}>
            <TableBody>
              {outputs.map(([name, value]) => (
                <TableRow key={name}>
                  <TableCell component="th" scope="row">
                    {name}
                  </TableCell>
                  <TableCell style={{ wordBreak: 'break-all' }}>
                    {value}
                  </TableCell>
                </TableRow>
              ))}
              {node.secretOutputs.map(name => (
                <TableRow key={name}>
                  <TableCell component="th" scope="row">
                    {name}
                  </TableCell>
                  <TableCell>
                    <em>secret (not shown)</em>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Box>
      )}
    </Box>
  );
}
