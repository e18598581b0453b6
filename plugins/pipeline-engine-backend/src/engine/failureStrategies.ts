import type {
  FailureAction,
  FailureErrorType,
  FailureStrategy,
} from '@idp-pipelines/plugin-pipeline-engine-common';

/**
 * Picks the action for a failure, with Harness's precedence: the failing
 * node's own strategies first, then each enclosing step group's (innermost
 * first), then the stage's, then the pipeline's. Within one list the first
 * entry whose `errors` name the failure type (or `AllErrors`) wins.
 * Without any match the node is marked failed.
 *
 * @param chain - strategy lists from the failing node outwards.
 */
export function selectFailureAction(
  errorType: FailureErrorType,
  chain: ReadonlyArray<readonly FailureStrategy[] | undefined>,
): FailureAction {
  for (const strategies of chain) {
    for (const strategy of strategies ?? []) {
      const { errors, action } = strategy.onFailure;
      if (errors.includes('AllErrors') || errors.includes(errorType)) {
        return action;
      }
    }
  }
  return { type: 'MarkAsFailure' };
}

/** Harness error type of a thrown error: timeouts, auth and network failures are told apart. */
export function classifyError(error: unknown, timedOut: boolean): FailureErrorType {
  if (timedOut) return 'Timeout';
  const e = error as { name?: string; code?: string; cause?: { code?: string } } | undefined;
  if (e?.name === 'AuthenticationError') return 'Authentication';
  if (e?.name === 'NotAllowedError') return 'Authorization';
  const code = e?.code ?? e?.cause?.code;
  if (code && ['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH'].includes(code)) {
    return 'Connectivity';
  }
  return 'Unknown';
}
