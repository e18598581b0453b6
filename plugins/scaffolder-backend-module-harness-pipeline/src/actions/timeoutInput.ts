import { InputError } from '@backstage/errors';
import { parseDuration } from '@idp-pipelines/plugin-pipeline-engine-common';

/** The `timeout` input (a Harness duration such as `30m`) in milliseconds. */
export function parseTimeoutInput(
  timeout: string | undefined,
): number | undefined {
  if (timeout === undefined || timeout.trim() === '') return undefined;
  const ms = parseDuration(timeout.trim());
  if (ms === undefined || ms <= 0) {
    throw new InputError(
      `input.timeout "${timeout}" is not a Harness duration; write it as 30s, 10m, 1h 30m or 2d`,
    );
  }
  return ms;
}
