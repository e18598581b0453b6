import type {
  FailureAction,
  FailureErrorType,
  FailureStrategy,
} from '@idp-pipelines/plugin-pipeline-engine-common';

/**
 * Picks the action for a failure, with Harness's precedence: the failing
 * node's own strategies first, then each enclosing step group's (innermost
 * first), then the stage's, then the pipeline's (an extension of ours).
 * Without any match it returns undefined: the failure is unhandled (the
 * node fails, or expires when it timed out).
 *
 * Within one level an entry naming the failure's type wins over an
 * `AllErrors` entry whatever their order: Harness's stage default reads
 * "On all errors other than those specified in failure strategies defined
 * here, perform action" (Define failure strategies for stages and steps),
 * and its UI writes that `AllErrors` entry first. Among entries of the same
 * kind the first listed wins.
 *
 * @param chain - strategy lists from the failing node outwards.
 */
export function selectFailureAction(
  errorType: FailureErrorType,
  chain: ReadonlyArray<readonly FailureStrategy[] | undefined>,
): FailureAction | undefined {
  for (const strategies of chain) {
    const entries = strategies ?? [];
    const specific = entries.find(s => s.onFailure.errors.includes(errorType));
    if (specific) return specific.onFailure.action;
    const fallback = entries.find(s =>
      s.onFailure.errors.includes('AllErrors'),
    );
    if (fallback) return fallback.onFailure.action;
  }
  return undefined;
}

/** Harness error type of a thrown error: timeouts, auth and network failures are told apart. */
export function classifyError(
  error: unknown,
  timedOut: boolean,
): FailureErrorType {
  if (timedOut) return 'Timeout';
  const e = error as
    { name?: string; code?: string; cause?: { code?: string } } | undefined;
  if (e?.name === 'AuthenticationError') return 'Authentication';
  if (e?.name === 'ApprovalRejectedError') return 'ApprovalRejection';
  if (e?.name === 'NotAllowedError') return 'Authorization';
  const code = e?.code ?? e?.cause?.code;
  if (
    code &&
    [
      'ECONNREFUSED',
      'ECONNRESET',
      'ENOTFOUND',
      'EAI_AGAIN',
      'ETIMEDOUT',
      'EHOSTUNREACH',
    ].includes(code)
  ) {
    return 'Connectivity';
  }
  return 'Unknown';
}
