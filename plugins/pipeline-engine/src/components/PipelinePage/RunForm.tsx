import { useEffect, useMemo, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import Chip from '@material-ui/core/Chip';
import Grid from '@material-ui/core/Grid';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemSecondaryAction from '@material-ui/core/ListItemSecondaryAction';
import ListItemText from '@material-ui/core/ListItemText';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { InfoCard } from '@backstage/core-components';
import {
  pipelineExecutePermission,
  pipelineUpdatePermission,
  stringifyPipelineResourceRef,
  type ApiProblem,
  type PipelineRef,
} from '@idp-pipelines/plugin-pipeline-engine-common';
import { pipelineEngineApiRef, problemsOfError } from '../../api';
import { usePipelineLinks } from '../shared';
import {
  fieldError,
  initialValues,
  inputSetOf,
  inputSetYaml,
  runFormFields,
  valuesOfInputSet,
  type RunFormField,
  type RunFormValues,
} from './runForm';

/** An input-set identifier from its name: Harness identifier characters only. */
function identifierOf(name: string): string {
  const id = name
    .trim()
    .replace(/[^A-Za-z0-9_]+/g, '_')
    .replace(/^[^A-Za-z_]+/, '');
  return id.slice(0, 128);
}

function FieldInput(props: {
  field: RunFormField;
  value: string | string[];
  error?: string;
  onChange: (value: string | string[]) => void;
}) {
  const { field, value, error, onChange } = props;
  const { info } = field;
  const helper = [info.description, error].filter(Boolean).join(' — ');
  const common = {
    id: `run-input-${info.fqn}`,
    label: field.label,
    required: info.required,
    fullWidth: true,
    variant: 'outlined' as const,
    margin: 'dense' as const,
    error: !!error,
    helperText: helper || undefined,
  };
  if (field.kind === 'select' || field.kind === 'multiselect') {
    const many = field.kind === 'multiselect';
    return (
      <TextField
        {...common}
        select
        value={value}
        SelectProps={{
          multiple: many,
          renderValue: many
            ? selected => (selected as string[]).join(', ')
            : undefined,
        }}
        onChange={event =>
          onChange(event.target.value as unknown as string | string[])
        }
      >
        {!many && !info.required && <MenuItem value="">None</MenuItem>}
        {field.choices.map(choice => (
          <MenuItem key={choice} value={choice}>
            {many && (
              <Checkbox
                size="small"
                checked={(value as string[]).includes(choice)}
              />
            )}
            {choice}
          </MenuItem>
        ))}
      </TextField>
    );
  }
  return (
    <TextField
      {...common}
      type={field.kind === 'number' ? 'number' : 'text'}
      value={value}
      placeholder={
        field.kind === 'secret' ? 'secret identifier, e.g. org.my_token' : ''
      }
      onChange={event => onChange(event.target.value)}
    />
  );
}

function InputSetList(props: {
  pipeline: PipelineRef;
  reloadKey: number;
  onApply: (yaml: string) => void;
}) {
  const api = useApi(pipelineEngineApiRef);
  const { value, error, retry } = useAsyncRetry(
    () => api.listInputSets(props.pipeline, { limit: 100 }),
    [api, props.pipeline],
  );
  useEffect(() => {
    if (props.reloadKey > 0) retry();
    // Only a new reloadKey asks for a reload.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [props.reloadKey]);
  if (error) return <Alert severity="warning">{error.message}</Alert>;
  if (!value) return null;
  if (value.items.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No input sets yet. Fill the form and save it as one.
      </Typography>
    );
  }
  return (
    <List dense aria-label="Input sets">
      {value.items.map(set => (
        <ListItem key={set.identifier}>
          <ListItemText
            primary={set.name}
            secondary={set.description ?? set.identifier}
          />
          <ListItemSecondaryAction>
            <Button size="small" onClick={() => props.onApply(set.yaml)}>
              Apply
            </Button>
          </ListItemSecondaryAction>
        </ListItem>
      ))}
    </List>
  );
}

/**
 * The run form of a pipeline, generated from its runtime inputs: choices
 * become selects, regexes are checked as you type, numbers stay numbers,
 * defaults are filled in. Input sets can be applied or saved from it.
 */
export function RunForm(props: { pipeline: PipelineRef; yaml: string }) {
  const { pipeline, yaml } = props;
  const api = useApi(pipelineEngineApiRef);
  const alertApi = useApi(alertApiRef);
  const navigate = useNavigate();
  const links = usePipelineLinks();
  const resourceRef = stringifyPipelineResourceRef(pipeline);
  const canRun = usePermission({
    permission: pipelineExecutePermission,
    resourceRef,
  });
  const canSave = usePermission({
    permission: pipelineUpdatePermission,
    resourceRef,
  });
  const fields = useMemo(() => runFormFields(yaml), [yaml]);
  const [values, setValues] = useState<RunFormValues>(() =>
    initialValues(fields),
  );
  const [touched, setTouched] = useState<Set<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [serverProblems, setServerProblems] = useState<ApiProblem[]>([]);
  const [busy, setBusy] = useState(false);
  const [inputSetName, setInputSetName] = useState('');
  const [inputSetsReload, setInputSetsReload] = useState(0);

  const errors = useMemo(() => {
    const result: Record<string, string | undefined> = {};
    for (const field of fields) {
      result[field.info.fqn] = fieldError(field, values[field.info.fqn]);
    }
    return result;
  }, [fields, values]);
  const hasErrors = Object.values(errors).some(Boolean);
  const shownError = (field: RunFormField) => {
    const { fqn } = field.info;
    const server = serverProblems.find(
      p => p.path === fqn || p.path === field.info.shortName,
    );
    if (server) return server.message;
    return submitted || touched.has(fqn) ? errors[fqn] : undefined;
  };
  const otherProblems = serverProblems.filter(
    p =>
      !fields.some(f => p.path === f.info.fqn || p.path === f.info.shortName),
  );

  const change = (fqn: string, value: string | string[]) => {
    setValues(current => ({ ...current, [fqn]: value }));
    setTouched(current => new Set(current).add(fqn));
    setServerProblems(current => current.filter(p => p.path !== fqn));
  };

  const run = async () => {
    setSubmitted(true);
    if (hasErrors) return;
    setBusy(true);
    try {
      const execution = await api.execute(pipeline, {
        inputSet: inputSetOf(fields, values),
      });
      navigate(links.execution(execution.id));
    } catch (error) {
      const problems = problemsOfError(error);
      setServerProblems(problems);
      if (problems.length === 0) {
        alertApi.post({ message: (error as Error).message, severity: 'error' });
      }
    } finally {
      setBusy(false);
    }
  };

  const saveInputSet = async () => {
    setSubmitted(true);
    const identifier = identifierOf(inputSetName);
    if (hasErrors || !identifier) return;
    setBusy(true);
    try {
      await api.createInputSet(
        pipeline,
        inputSetYaml({
          pipelineYaml: yaml,
          ref: pipeline,
          identifier,
          name: inputSetName.trim(),
          fields,
          values,
        }),
      );
      setInputSetName('');
      setInputSetsReload(count => count + 1);
      alertApi.post({
        message: `Input set "${inputSetName.trim()}" saved`,
        severity: 'success',
        display: 'transient',
      });
    } catch (error) {
      const problems = problemsOfError(error);
      alertApi.post({
        message: problems.length
          ? problems.map(p => p.message).join('; ')
          : (error as Error).message,
        severity: 'error',
      });
    } finally {
      setBusy(false);
    }
  };

  const apply = (setYaml: string) => {
    setValues(current => ({
      ...current,
      ...valuesOfInputSet(fields, setYaml),
    }));
    setServerProblems([]);
  };

  return (
    <Grid container spacing={3}>
      <Grid item xs={12} md={8}>
        <InfoCard title="Run pipeline">
          <form
            noValidate
            aria-label="Run pipeline"
            onSubmit={event => {
              event.preventDefault();
              run();
            }}
          >
            {fields.length === 0 && (
              <Typography variant="body2" color="textSecondary">
                This pipeline has no runtime inputs.
              </Typography>
            )}
            {fields.map(field => (
              <Box key={field.info.fqn} display="flex" alignItems="center">
                <Box flexGrow={1}>
                  <FieldInput
                    field={field}
                    value={values[field.info.fqn]}
                    error={shownError(field)}
                    onChange={value => change(field.info.fqn, value)}
                  />
                </Box>
                {field.info.input.executionInput && (
                  <Box ml={1}>
                    <Chip
                      size="small"
                      label="execution input"
                      title="Harness asks for this value while the pipeline runs; here it is given up front."
                    />
                  </Box>
                )}
              </Box>
            ))}
            {otherProblems.length > 0 && (
              <Alert severity="error">
                {otherProblems.map(problem => (
                  <div key={`${problem.path}:${problem.code}`}>
                    {problem.path}: {problem.message}
                    {problem.hint ? ` (${problem.hint})` : ''}
                  </div>
                ))}
              </Alert>
            )}
            <Box mt={2} display="flex" style={{ gap: 8 }}>
              <Button
                type="submit"
                variant="contained"
                color="primary"
                disabled={busy || !canRun.allowed}
              >
                Run
              </Button>
              {!canRun.loading && !canRun.allowed && (
                <Typography variant="body2" color="textSecondary">
                  You may not run this pipeline.
                </Typography>
              )}
            </Box>
          </form>
        </InfoCard>
      </Grid>
      <Grid item xs={12} md={4}>
        <InfoCard title="Input sets">
          <InputSetList
            pipeline={pipeline}
            reloadKey={inputSetsReload}
            onApply={apply}
          />
          {canSave.allowed && (
            <Box mt={2} display="flex" alignItems="center" style={{ gap: 8 }}>
              <TextField
                id="new-input-set-name"
                label="Save form as input set"
                size="small"
                variant="outlined"
                value={inputSetName}
                onChange={event => setInputSetName(event.target.value)}
              />
              <Button
                disabled={busy || !identifierOf(inputSetName)}
                onClick={saveInputSet}
              >
                Save
              </Button>
            </Box>
          )}
        </InfoCard>
      </Grid>
    </Grid>
  );
}
