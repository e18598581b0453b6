import { useEffect, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import type { ExecutionSummary } from '@idp-pipelines/plugin-pipeline-engine-common';
import { pipelineEngineApiRef } from '../../api';

/** How far back the chain is followed. */
const MAX_CHAIN = 10;

/**
 * The executions an execution re-runs, nearest first: its `rerunOf`, that
 * one's `rerunOf`, and so on. Stops quietly at one it cannot read.
 */
export function useRerunChain(rerunOf: string | undefined) {
  const api = useApi(pipelineEngineApiRef);
  const [chain, setChain] = useState<ExecutionSummary[]>([]);

  useEffect(() => {
    let cancelled = false;
    setChain([]);
    (async () => {
      const found: ExecutionSummary[] = [];
      let next = rerunOf;
      while (next && found.length < MAX_CHAIN) {
        try {
          const {
            nodes: _nodes,
            outputs: _outputs,
            ...summary
          } = await api.getExecution(next);
          found.push(summary);
          next = summary.rerunOf;
        } catch {
          break;
        }
      }
      if (!cancelled) setChain(found);
    })();
    return () => {
      cancelled = true;
    };
  }, [api, rerunOf]);

  return chain;
}
