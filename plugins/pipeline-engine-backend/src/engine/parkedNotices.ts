import type { LoggerService } from '@backstage/backend-plugin-api';
import { isError } from '@backstage/errors';
import type { ParkedNotice } from './executionRunner';
import type { SecretMasker } from './secretMasker';

/**
 * Calls the steps' `onParked` once their waits are stored, with the stored
 * (masked) payloads. Not awaited: the execution is parked already, and a
 * callback that throws or rejects is a warning, never a failure.
 */
export function announceParked(
  notices: readonly ParkedNotice[],
  context: { executionId: string; masker: SecretMasker; logger: LoggerService },
): void {
  for (const notice of notices) {
    const warn = (error: unknown) =>
      context.logger.warn(
        context.masker.mask(
          `execution ${context.executionId}: onParked of ${notice.nodeFqn} failed: ${isError(error) ? error.message : String(error)}`,
        ),
      );
    try {
      Promise.resolve(notice.onParked(notice.payload)).catch(warn);
    } catch (error) {
      warn(error);
    }
  }
}
