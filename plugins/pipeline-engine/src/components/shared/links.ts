import { useRouteRef } from '@backstage/core-plugin-api';
import type { PipelineRef } from '@idp-pipelines/plugin-pipeline-engine-common';
import {
  approvalsRouteRef,
  executionRouteRef,
  pipelineRouteRef,
} from '../../routes';

/** Links to the plugin's pages, wherever the app mounted them. */
export function usePipelineLinks() {
  const pipelineLink = useRouteRef(pipelineRouteRef);
  const executionLink = useRouteRef(executionRouteRef);
  const approvalsLink = useRouteRef(approvalsRouteRef);
  return {
    pipeline: (ref: PipelineRef) =>
      pipelineLink({
        org: ref.orgIdentifier,
        project: ref.projectIdentifier,
        pipelineId: ref.pipelineIdentifier,
      }),
    execution: (executionId: string) => executionLink({ executionId }),
    approvals: () => approvalsLink(),
  };
}
