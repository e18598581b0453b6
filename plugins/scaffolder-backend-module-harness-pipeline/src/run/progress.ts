import type { LoggerService } from '@backstage/backend-plugin-api';
import type { TrackedNode } from './types';

/**
 * `stage/step` from an FQN: the identifiers following each `stages` and
 * `steps` segment (`pipeline.stages.s.spec.execution.steps.g.steps.x` →
 * `s/g/x`). Falls back to the FQN itself.
 */
export function labelOfFqn(fqn: string): string {
  const segments = fqn.split('.');
  const ids: string[] = [];
  segments.forEach((segment, i) => {
    if ((segment === 'stages' || segment === 'steps') && segments[i + 1]) {
      ids.push(segments[i + 1]);
    }
  });
  return ids.length > 0 ? ids.join('/') : fqn;
}

/** `850ms`, `4.2s`, `2m 5s`, `1h 3m`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1).replace(/\.0$/, '')}s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${seconds % 60}s`;
  return `${Math.floor(seconds / 3600)}h ${Math.floor((seconds % 3600) / 60)}m`;
}

const NOT_STARTED = new Set(['notstarted', 'queued', 'waiting']);
const ENDED = new Set([
  'success',
  'failed',
  'errored',
  'ignorefailed',
  'skipped',
  'aborted',
  'expired',
  'approvalrejected',
]);

const MARKS: Record<string, string> = { success: '✔', skipped: '⏭' };

/** Status compared without case or underscores (`APPROVAL_REJECTED`). */
export function statusKey(status: string): string {
  return status.replace(/_/g, '').toLowerCase();
}

interface Reported {
  attempt: number;
  started: boolean;
  ended: boolean;
}

/**
 * Turns successive reads of an execution tree into log lines: when each
 * stage and step starts, and when it ends with its status and duration.
 * A node is announced once per attempt; a log line of a node not yet seen
 * running announces it too, so the start line precedes its output.
 */
export class NodeProgress {
  private readonly reported = new Map<string, Reported>();

  constructor(private readonly logger: LoggerService) {}

  /** A log line of `fqn` arrived. */
  noteActivity(fqn: string): void {
    const seen = this.reported.get(fqn);
    if (seen?.started) return;
    const entry = seen ?? { attempt: 1, started: false, ended: false };
    entry.started = true;
    this.reported.set(fqn, entry);
    const kind = /^pipeline\.stages\.[^.]+$/.test(fqn) ? 'stage' : 'step';
    this.logger.info(`▶ ${kind} ${labelOfFqn(fqn)} started`);
  }

  /** Reports what changed since the last read. */
  update(nodes: readonly TrackedNode[]): void {
    for (const node of nodes) this.updateNode(node);
  }

  private updateNode(node: TrackedNode): void {
    const status = statusKey(node.status);
    let entry = this.reported.get(node.fqn);
    if (!entry || node.attempt > entry.attempt) {
      if (entry && node.attempt > entry.attempt) {
        this.logger.info(
          `↻ ${this.label(node)} retrying (attempt ${node.attempt})`,
        );
      }
      entry = { attempt: node.attempt, started: false, ended: false };
      this.reported.set(node.fqn, entry);
    }
    if (NOT_STARTED.has(status) || entry.ended) return;
    const ended = ENDED.has(status);
    if (!entry.started && !(ended && status === 'skipped')) {
      entry.started = true;
      this.logger.info(
        `▶ ${this.label(node)} started${node.type ? ` (${node.type})` : ''}`,
      );
    }
    if (!ended) return;
    entry.ended = true;
    const duration =
      node.startedAt && node.endedAt
        ? ` in ${formatDuration(Date.parse(node.endedAt) - Date.parse(node.startedAt))}`
        : '';
    const error = node.errorMessage ? `: ${node.errorMessage}` : '';
    const fine = ['success', 'skipped', 'ignorefailed'].includes(status);
    const mark = MARKS[status] ?? (fine ? '✔' : '✖');
    const line = `${mark} ${this.label(node)} ${node.status}${duration}${error}`;
    if (fine) this.logger.info(line);
    else this.logger.error(line);
  }

  private label(node: TrackedNode): string {
    const kind = node.kind === 'stepGroup' ? 'step group' : node.kind;
    return `${kind} ${labelOfFqn(node.fqn)}`;
  }
}
