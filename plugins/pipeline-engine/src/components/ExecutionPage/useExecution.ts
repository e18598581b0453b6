import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import {
  isTerminalExecutionStatus,
  type ExecutionDetail,
  type LogLineView,
  type ExecutionStreamEvent,
} from '@idp-pipelines/plugin-pipeline-engine-common';
import { pipelineEngineApiRef } from '../../api';
import { applyNodeEvents, type NodeUpdate } from './applyNodeEvents';

/** How often a running execution's tree is re-read when its status stream fails. */
export const EXECUTION_POLL_MS = 2000;

/**
 * Streamed events are gathered this long and applied in one render: a busy
 * execution sends many small chunks, and one render per chunk would keep the
 * page from drawing a frame.
 */
const STREAM_BATCH_MS = 100;

/**
 * An execution, kept live while it runs by its status event stream
 * (node changes are applied to the tree as they arrive); when the stream
 * fails, by re-reading it every {@link EXECUTION_POLL_MS}. `reload()`
 * re-reads it at once.
 */
export function useExecution(executionId: string) {
  const api = useApi(pipelineEngineApiRef);
  const [execution, setExecution] = useState<ExecutionDetail>();
  const [error, setError] = useState<Error>();
  const [reloads, setReloads] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    const { signal } = controller;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // Events arriving within STREAM_BATCH_MS are applied in one render.
    let pending: ExecutionStreamEvent[] = [];
    let flush: ReturnType<typeof setTimeout> | undefined;
    const applyPending = () => {
      flush = undefined;
      const events = pending;
      pending = [];
      setExecution(current => applyStreamEvents(current, events));
    };
    const poll = async () => {
      try {
        const next = await api.getExecution(executionId);
        if (signal.aborted) return;
        setExecution(next);
        setError(undefined);
        if (!isTerminalExecutionStatus(next.status)) {
          timer = setTimeout(poll, EXECUTION_POLL_MS);
        }
      } catch (loadError) {
        if (!signal.aborted) setError(loadError as Error);
      }
    };
    const load = async () => {
      try {
        const first = await api.getExecution(executionId);
        if (signal.aborted) return;
        setExecution(first);
        setError(undefined);
        if (isTerminalExecutionStatus(first.status)) return;
      } catch (loadError) {
        if (!signal.aborted) setError(loadError as Error);
        return;
      }
      try {
        await api.followExecution(executionId, { signal }, event => {
          pending.push(event);
          flush ??= setTimeout(applyPending, STREAM_BATCH_MS);
        });
      } catch {
        if (!signal.aborted) timer = setTimeout(poll, EXECUTION_POLL_MS);
      }
    };
    load();
    return () => {
      controller.abort();
      clearTimeout(timer);
      clearTimeout(flush);
    };
  }, [api, executionId, reloads]);

  const reload = useCallback(() => setReloads(count => count + 1), []);
  return { execution, error, reload };
}

/** The execution with streamed events applied, in order. */
export function applyStreamEvents(
  current: ExecutionDetail | undefined,
  events: ExecutionStreamEvent[],
): ExecutionDetail | undefined {
  let next = current;
  let nodeUpdates: NodeUpdate[] = [];
  const applyNodes = () => {
    if (next && nodeUpdates.length) {
      next = { ...next, nodes: applyNodeEvents(next.nodes, nodeUpdates) };
    }
    nodeUpdates = [];
  };
  for (const event of events) {
    if (event.type === 'node') {
      nodeUpdates.push(event.node);
      continue;
    }
    applyNodes();
    if (event.type === 'end') next = event.execution;
    else if (next) next = { ...next, ...event.execution };
  }
  applyNodes();
  return next;
}

/**
 * Every log line of an execution, followed live over the event stream once
 * `enabled` (the page reads the execution first, so its step tree is not
 * held up by a long log). The lines live in one growing array; `version`
 * changes when it grew, at most once per {@link STREAM_BATCH_MS}.
 */
export function useExecutionLogs(executionId: string, enabled = true) {
  const api = useApi(pipelineEngineApiRef);
  const lines = useRef<LogLineView[]>([]);
  const [version, setVersion] = useState(0);
  const [error, setError] = useState<Error>();

  useEffect(() => {
    lines.current = [];
    setVersion(0);
    setError(undefined);
    if (!enabled) return undefined;
    const controller = new AbortController();
    let flush: ReturnType<typeof setTimeout> | undefined;
    const bump = () => {
      flush = undefined;
      setVersion(count => count + 1);
    };
    api
      .followLogs(executionId, { signal: controller.signal }, batch => {
        for (const line of batch) lines.current.push(line);
        flush ??= setTimeout(bump, STREAM_BATCH_MS);
      })
      .then(() => {
        // The last lines at once when the log ended.
        if (flush !== undefined && !controller.signal.aborted) {
          clearTimeout(flush);
          bump();
        }
      })
      .catch(followError => {
        if (!controller.signal.aborted) setError(followError as Error);
      });
    return () => {
      controller.abort();
      clearTimeout(flush);
    };
  }, [api, executionId, enabled]);

  return { lines, version, error };
}

/** What {@link useNodeLines} filtered so far, to scan only new lines next time. */
interface NodeLinesScan {
  source: LogLineView[];
  fqn: string;
  scanned: number;
  matches: LogLineView[];
}

/**
 * The lines of a node and of the nodes below it. As the log grows only the
 * new lines are scanned, so following a 100,000-line log stays linear.
 */
export function useNodeLines(
  logs: ReturnType<typeof useExecutionLogs>,
  fqn: string | undefined,
): LogLineView[] {
  const { lines, version } = logs;
  const scan = useRef<NodeLinesScan>();
  return useMemo(() => {
    // `version` says the array grew; read it so the memo follows it.
    if (!fqn || version < 0) return [];
    const source = lines.current;
    const previous = scan.current;
    const resume =
      previous &&
      previous.source === source &&
      previous.fqn === fqn &&
      previous.scanned <= source.length
        ? previous
        : undefined;
    const prefix = `${fqn}.`;
    const added = source
      .slice(resume?.scanned ?? 0)
      .filter(line => line.nodeFqn === fqn || line.nodeFqn.startsWith(prefix));
    const matches =
      resume && added.length === 0
        ? resume.matches
        : (resume?.matches ?? []).concat(added);
    scan.current = { source, fqn, scanned: source.length, matches };
    return matches;
  }, [lines, version, fqn]);
}
