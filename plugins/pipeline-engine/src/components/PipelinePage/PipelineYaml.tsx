import useAsync from 'react-use/esm/useAsync';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import type { ApiProblem } from '@idp-pipelines/plugin-pipeline-engine-common';
import { pipelineEngineApiRef } from '../../api';

const useStyles = makeStyles(theme => ({
  code: {
    fontFamily: 'monospace',
    fontSize: 13,
    backgroundColor: theme.palette.background.default,
    border: `1px solid ${theme.palette.divider}`,
    borderRadius: theme.shape.borderRadius,
    overflowX: 'auto',
  },
  line: { display: 'flex', whiteSpace: 'pre' },
  number: {
    width: '4em',
    flexShrink: 0,
    textAlign: 'right',
    paddingRight: theme.spacing(1),
    color: theme.palette.text.secondary,
    userSelect: 'none',
  },
  error: { backgroundColor: 'rgba(244, 67, 54, 0.12)' },
  warning: { backgroundColor: 'rgba(255, 152, 0, 0.12)' },
  problem: {
    whiteSpace: 'normal',
    paddingLeft: '4em',
    fontFamily: theme.typography.fontFamily,
  },
}));

function describe(problem: ApiProblem): string {
  const where = problem.line
    ? `line ${problem.line}${problem.column ? `:${problem.column}` : ''} · `
    : '';
  const hint = problem.hint ? ` — ${problem.hint}` : '';
  return `${where}${problem.path}: ${problem.message}${hint}`;
}

/**
 * The pipeline YAML with the validator's problems under the lines they
 * point at, and those without a line listed above.
 */
export function PipelineYaml(props: { yaml: string }) {
  const classes = useStyles();
  const api = useApi(pipelineEngineApiRef);
  const validation = useAsync(
    () => api.validatePipeline(props.yaml),
    [api, props.yaml],
  );
  const problems = validation.value?.problems ?? [];
  const byLine = new Map<number, ApiProblem[]>();
  for (const problem of problems) {
    if (!problem.line) continue;
    byLine.set(problem.line, [...(byLine.get(problem.line) ?? []), problem]);
  }
  const unplaced = problems.filter(problem => !problem.line);
  const lines = props.yaml.split('\n');

  return (
    <Box>
      {validation.error && (
        <Alert severity="warning">
          Could not validate: {validation.error.message}
        </Alert>
      )}
      {validation.value && (
        <Box mb={1}>
          {problems.length === 0 ? (
            <Alert severity="success">The validator found no problems.</Alert>
          ) : (
            <Alert severity={validation.value.ok ? 'warning' : 'error'}>
              The validator found {problems.length} problem
              {problems.length === 1 ? '' : 's'}; each is shown under its line.
              {unplaced.map(problem => (
                <div key={`${problem.path}:${problem.code}`}>
                  {describe(problem)}
                </div>
              ))}
            </Alert>
          )}
        </Box>
      )}
      <div className={classes.code} role="region" aria-label="Pipeline YAML">
        {lines.map((text, index) => {
          const lineProblems = byLine.get(index + 1) ?? [];
          let severity: string | undefined;
          if (lineProblems.some(p => p.severity === 'error')) {
            severity = classes.error;
          } else if (lineProblems.length > 0) {
            severity = classes.warning;
          }
          return (
            <div key={index} className={severity}>
              <div className={classes.line}>
                <span className={classes.number}>{index + 1}</span>
                <span>{text}</span>
              </div>
              {lineProblems.map(problem => (
                <Typography
                  key={`${problem.code}:${problem.column}:${problem.path}`}
                  variant="body2"
                  color={problem.severity === 'error' ? 'error' : 'textPrimary'}
                  className={classes.problem}
                  role="note"
                >
                  {problem.severity === 'error' ? 'Error' : 'Warning'}{' '}
                  {describe(problem)}
                </Typography>
              ))}
            </div>
          );
        })}
      </div>
    </Box>
  );
}
