/**
 * Milliseconds of CPU this process spent running `fn` (user + system).
 * Unlike wall-clock time it does not grow when other processes load the
 * machine, so "each case under 100 ms" bounds stay meaningful in CI.
 */
export function cpuMillis(fn: () => void): number {
  const start = process.cpuUsage();
  fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}
