import { useCallback, useEffect, useState } from 'react';
import {
  Content,
  Header,
  InfoCard,
  Page,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import type { ApprovalView } from '@idp-pipelines/plugin-pipeline-engine-common';
import { pipelineEngineApiRef } from '../../api';
import { ApprovalCard } from './ApprovalCard';

/**
 * `/pipelines/approvals`: the waiting approvals the signed-in user may act
 * on, each with Approve/Reject and a link to its execution.
 */
export function ApprovalsPage() {
  const api = useApi(pipelineEngineApiRef);
  const [approvals, setApprovals] = useState<ApprovalView[]>();
  const [error, setError] = useState<Error>();

  const load = useCallback(() => {
    api.listWaitingApprovals().then(list => {
      setApprovals(list.items);
      setError(undefined);
    }, setError);
  }, [api]);
  useEffect(load, [load]);

  return (
    <Page themeId="tool">
      <Header title="Approvals" subtitle="Pipeline steps waiting for you" />
      <Content>
        {error && <ResponseErrorPanel error={error} />}
        {!approvals && !error && <Progress />}
        {approvals && approvals.length === 0 && (
          <Typography variant="body1" color="textSecondary">
            Nothing is waiting for your approval.
          </Typography>
        )}
        {approvals?.map(approval => (
          <Box key={approval.id} mb={3}>
            <InfoCard>
              <ApprovalCard
                approval={approval}
                showExecutionLink
                onChange={load}
              />
            </InfoCard>
          </Box>
        ))}
      </Content>
    </Page>
  );
}
