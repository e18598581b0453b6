/** `1h 2m 3s`, `2m 3s`, `3.4s` or `120ms`. */
export function formatDuration(milliseconds: number): string {
  if (milliseconds < 1000) return `${Math.max(0, Math.round(milliseconds))}ms`;
  if (milliseconds < 10_000) return `${(milliseconds / 1000).toFixed(1)}s`;
  const totalSeconds = Math.round(milliseconds / 1000);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  if (hours > 0) return `${hours}h ${minutes}m ${seconds}s`;
  return `${minutes}m ${seconds}s`;
}

/**
 * How long something ran: from start to end, or to `now` while it still
 * runs; undefined before it started.
 */
export function durationOf(
  startedAt: string | undefined,
  endedAt: string | undefined,
  now: number = Date.now(),
): string | undefined {
  if (!startedAt) return undefined;
  const end = endedAt ? Date.parse(endedAt) : now;
  return formatDuration(end - Date.parse(startedAt));
}

/** A timestamp in the user's locale. */
export function formatTime(timestamp: string | undefined): string {
  return timestamp ? new Date(timestamp).toLocaleString() : '—';
}
