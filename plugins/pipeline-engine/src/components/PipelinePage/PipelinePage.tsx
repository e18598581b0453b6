import { useMemo } from 'react';
import { useParams, useSearchParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import {
  Content,
  Header,
  HeaderLabel,
  Page,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Tab from '@material-ui/core/Tab';
import Tabs from '@material-ui/core/Tabs';
import type { PipelineRef } from '@idp-pipelines/plugin-pipeline-engine-common';
import { pipelineEngineApiRef } from '../../api';
import { PipelineYaml } from './PipelineYaml';
import { RunForm } from './RunForm';
import { RunHistory } from './RunHistory';
import { Triggers } from './Triggers';

const TABS = [
  { id: 'run', label: 'Run' },
  { id: 'yaml', label: 'YAML' },
  { id: 'triggers', label: 'Triggers' },
  { id: 'runs', label: 'Run history' },
] as const;

type TabId = (typeof TABS)[number]['id'];

/**
 * A pipeline: its run form and input sets, YAML with the validator's
 * problems, triggers and run history, one tab each (`?tab=`).
 */
export function PipelinePage() {
  const { org = '', project = '', pipelineId = '' } = useParams();
  const [search, setSearch] = useSearchParams();
  const api = useApi(pipelineEngineApiRef);
  const ref: PipelineRef = useMemo(
    () => ({
      orgIdentifier: org,
      projectIdentifier: project,
      pipelineIdentifier: pipelineId,
    }),
    [org, project, pipelineId],
  );
  const {
    value: pipeline,
    loading,
    error,
  } = useAsync(() => api.getPipeline(ref), [api, ref]);
  const requested = search.get('tab');
  const tab: TabId = TABS.some(t => t.id === requested)
    ? (requested as TabId)
    : 'run';

  return (
    <Page themeId="tool">
      <Header
        title={pipeline?.name ?? pipelineId}
        subtitle={pipeline?.description ?? `${org}/${project}/${pipelineId}`}
      >
        <HeaderLabel label="Org" value={org} />
        <HeaderLabel label="Project" value={project} />
        {pipeline && (
          <HeaderLabel label="Version" value={String(pipeline.version)} />
        )}
        {pipeline && <HeaderLabel label="Stored" value={pipeline.storeType} />}
      </Header>
      <Content>
        {loading && <Progress />}
        {error && <ResponseErrorPanel error={error} />}
        {pipeline && (
          <>
            <Tabs
              value={tab}
              onChange={(_event, next: TabId) =>
                setSearch({ tab: next }, { replace: true })
              }
              indicatorColor="primary"
              aria-label="Pipeline sections"
            >
              {TABS.map(t => (
                <Tab key={t.id} value={t.id} label={t.label} />
              ))}
            </Tabs>
            <Box mt={2}>
              {tab === 'run' && <RunForm pipeline={ref} yaml={pipeline.yaml} />}
              {tab === 'yaml' && <PipelineYaml yaml={pipeline.yaml} />}
              {tab === 'triggers' && <Triggers pipeline={ref} />}
              {tab === 'runs' && <RunHistory pipeline={ref} />}
            </Box>
          </>
        )}
      </Content>
    </Page>
  );
}
