import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import {
  isTerminalExecutionStatus,
  type ExecutionDetail,
  type LogLineView,
} from '@idp-pipelines/plugin-pipeline-engine-common';
import { pipelineEngineApiRef } from '../../api';

/** How often a running execution's tree is re-read. */
export const EXECUTION_POLL_MS = 2000;

/**
 * An execution, re-read while it runs (the API streams logs but not node
 * statuses) and on demand.
 */
export function useExecution(executionId: string) {
  const api = useApi(pipelineEngineApiRef);
  const [execution, setExecution] = useState<ExecutionDetail>();
  const [error, setError] = useState<Error>();
  const [reloads, setReloads] = useState(0);

  useEffect(() => {
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async () => {
      try {
        const next = await api.getExecution(executionId);
        if (cancelled) return;
        setExecution(next);
        setError(undefined);
        if (!isTerminalExecutionStatus(next.status)) {
          timer = setTimeout(load, EXECUTION_POLL_MS);
        }
      } catch (loadError) {
        if (!cancelled) setError(loadError as Error);
      }
    };
    load();
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [api, executionId, reloads]);

  const reload = useCallback(() => setReloads(count => count + 1), []);
  return { execution, error, reload };
}

/**
 * Every log line of an execution, followed live over the event stream. The
 * lines live in one growing array; `version` changes when it grew.
 */
export function useExecutionLogs(executionId: string) {
  const api = useApi(pipelineEngineApiRef);
  const lines = useRef<LogLineView[]>([]);
  const [version, setVersion] = useState(0);
  const [error, setError] = useState<Error>();

  useEffect(() => {
    const controller = new AbortController();
    lines.current = [];
    setVersion(0);
    setError(undefined);
    api
      .followLogs(executionId, { signal: controller.signal }, batch => {
        for (const line of batch) lines.current.push(line);
        setVersion(count => count + 1);
      })
      .catch(followError => {
        if (!controller.signal.aborted) setError(followError as Error);
      });
    return () => controller.abort();
  }, [api, executionId]);

  return { lines, version, error };
}

/** The lines of a node and of the nodes below it. */
export function useNodeLines(
  logs: ReturnType<typeof useExecutionLogs>,
  fqn: string | undefined,
): LogLineView[] {
  const { lines, version } = logs;
  return useMemo(() => {
    // `version` says the array grew; read it so the memo follows it.
    if (!fqn || version < 0) return [];
    const prefix = `${fqn}.`;
    return lines.current.filter(
      line => line.nodeFqn === fqn || line.nodeFqn.startsWith(prefix),
    );
  }, [lines, version, fqn]);
}
