import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { parseDocument } from 'yaml';
import {
  CodeSnippet,
  InfoCard,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Switch from '@material-ui/core/Switch';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import {
  pipelineUpdatePermission,
  stringifyPipelineResourceRef,
  type PipelineRef,
  type TriggerView,
} from '@idp-pipelines/plugin-pipeline-engine-common';
import { pipelineEngineApiRef } from '../../api';

/** The trigger YAML with `trigger.enabled` set, comments and order kept. */
export function withEnabled(yaml: string, enabled: boolean): string {
  const document = parseDocument(yaml);
  document.setIn(['trigger', 'enabled'], enabled);
  return document.toString();
}

/** A shell command that fires a custom webhook trigger. */
export function curlCommand(url: string, token: string | undefined): string {
  return [
    `curl -X POST '${url}' \\`,
    `  -H 'X-Api-Key: ${token ?? '<webhook token>'}' \\`,
    `  -H 'Content-Type: application/json' \\`,
    `  -d '{"inputSet": {"my_variable": "value"}}'`,
  ].join('\n');
}

function TriggerCard(props: {
  trigger: TriggerView;
  canUpdate: boolean;
  onChange: () => void;
}) {
  const { trigger, canUpdate, onChange } = props;
  const api = useApi(pipelineEngineApiRef);
  const alertApi = useApi(alertApiRef);
  const [busy, setBusy] = useState(false);
  const [token, setToken] = useState<string>();
  const url = useAsync(
    () => api.getTriggerRunUrl(trigger, trigger.identifier),
    [api, trigger],
  );
  const webhook = trigger.type !== 'Scheduled';

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

  const toggle = (enabled: boolean) =>
    act(async () => {
      if (!trigger.yaml) throw new Error('The trigger has no stored YAML');
      await api.updateTrigger(
        trigger,
        trigger.identifier,
        withEnabled(trigger.yaml, enabled),
        { expectedVersion: trigger.version },
      );
      onChange();
    });

  const rotate = () =>
    act(async () => {
      const rotated = await api.rotateWebhookToken(trigger, trigger.identifier);
      setToken(rotated.webhookToken);
    });

  return (
    <InfoCard
      title={trigger.name}
      subheader={`${trigger.type} trigger · ${trigger.identifier}`}
    >
      <FormControlLabel
        control={
          <Switch
            checked={trigger.enabled}
            disabled={!canUpdate || busy || !trigger.yaml}
            onChange={event => toggle(event.target.checked)}
            color="primary"
          />
        }
        label={trigger.enabled ? 'Enabled' : 'Disabled'}
      />
      {trigger.inputSetRefs.length > 0 && (
        <Typography variant="body2">
          Input sets applied: {trigger.inputSetRefs.join(', ')}
        </Typography>
      )}
      {webhook && url.value && (
        <Box mt={1}>
          <Typography variant="subtitle2">Webhook URL</Typography>
          <CodeSnippet text={url.value} language="text" showCopyCodeButton />
          <Typography variant="body2">
            POST a JSON body with the trigger's webhook token in the X-Api-Key
            header. Values in <code>inputSet</code> are applied after the
            trigger's input sets; the whole body is readable in the pipeline as{' '}
            <code>{'<+trigger.payload.*>'}</code>.
          </Typography>
          <CodeSnippet
            text={curlCommand(url.value, token)}
            language="bash"
            showCopyCodeButton
          />
          {token && (
            <Alert severity="info">
              This is the new webhook token; it is shown only now. The old one
              no longer works.
            </Alert>
          )}
          {canUpdate && (
            <Button disabled={busy} onClick={rotate}>
              {trigger.hasWebhookToken
                ? 'Generate a new webhook token'
                : 'Generate a webhook token'}
            </Button>
          )}
        </Box>
      )}
    </InfoCard>
  );
}

/** Triggers of a pipeline: enable/disable, webhook URL and how to call it. */
export function Triggers(props: { pipeline: PipelineRef }) {
  const api = useApi(pipelineEngineApiRef);
  const canUpdate = usePermission({
    permission: pipelineUpdatePermission,
    resourceRef: stringifyPipelineResourceRef(props.pipeline),
  });
  const { value, error, retry } = useAsyncRetry(
    () => api.listTriggers(props.pipeline, { limit: 100 }),
    [api, props.pipeline],
  );
  if (error) return <ResponseErrorPanel error={error} />;
  if (!value) return null;
  if (value.items.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        This pipeline has no triggers. Create one with the REST API (POST
        .../triggers with Harness trigger YAML).
      </Typography>
    );
  }
  return (
    <Box display="flex" flexDirection="column" style={{ gap: 16 }}>
      {value.items.map(trigger => (
        <TriggerCard
          key={trigger.identifier}
          trigger={trigger}
          canUpdate={canUpdate.allowed}
          onChange={retry}
        />
      ))}
    </Box>
  );
}
