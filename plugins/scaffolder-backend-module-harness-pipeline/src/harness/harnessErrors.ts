import {
  AuthenticationError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';

/**
 * Error bodies Harness answers with: `ErrorDTO` (`status: ERROR`, with
 * `responseMessages` and, for input sets with `useFQNIfError`,
 * `metadata.uuidToErrorResponseMap` keyed by FQN) and `FailureDTO`
 * (`status: FAILURE`, `errors: [{fieldId, error}]`).
 */
export interface HarnessErrorBody {
  status?: string;
  code?: string;
  message?: string;
  detailedMessage?: string | null;
  responseMessages?: Array<{ code?: string; level?: string; message?: string }>;
  errors?: Array<{ fieldId?: string; error?: string }>;
  metadata?: {
    type?: string;
    uuidToErrorResponseMap?: Record<
      string,
      {
        errors?: Array<{
          fieldName?: string;
          message?: string;
          identifierOfErrorSource?: string;
        }>;
      }
    >;
  } | null;
}

/** The lines of a Harness error body worth showing, most specific first. */
export function describeHarnessError(body: HarnessErrorBody): string {
  const lines: string[] = [];
  const headline =
    body.message ||
    body.responseMessages
      ?.map(m => m.message)
      .filter(Boolean)
      .join('; ') ||
    'no message';
  lines.push(headline);
  if (body.detailedMessage && body.detailedMessage !== headline) {
    lines.push(`  ${body.detailedMessage}`);
  }
  for (const field of body.errors ?? []) {
    lines.push(`  - ${field.fieldId ?? '(no field)'}: ${field.error ?? ''}`);
  }
  for (const [fqn, response] of Object.entries(
    body.metadata?.uuidToErrorResponseMap ?? {},
  )) {
    for (const error of response.errors ?? []) {
      lines.push(
        `  - ${fqn}: ${error.message ?? 'invalid'}${error.fieldName && !fqn.endsWith(error.fieldName) ? ` (field ${error.fieldName})` : ''}`,
      );
    }
  }
  return lines.join('\n');
}

/** What {@link harnessError} needs to explain a failed call. */
export interface HarnessErrorContext {
  doing: string;
  status: number;
  body: HarnessErrorBody;
  /** The Harness permission the call needs, named on 403. */
  permission: string;
  /** Tries made; more than one when transient failures were retried. */
  attempts: number;
  redact(text: string): string;
}

/** A Backstage error for a failed Harness call; never contains the key. */
export function harnessError(context: HarnessErrorContext): Error {
  const { status, body } = context;
  const code = body.code ? ` ${body.code}` : '';
  const tries =
    context.attempts > 1 ? ` (tried ${context.attempts} times)` : '';
  const message = context.redact(
    `Harness answered ${status}${code} while ${context.doing}${tries}: ${describeHarnessError(body)}`,
  );
  switch (status) {
    case 400:
      return new InputError(message);
    case 401:
      return new AuthenticationError(
        `${message}\nCheck the apikey input or the key named by apiKeySecret (harness.apiKeySecrets): it is missing, expired or revoked`,
      );
    case 403:
      return new NotAllowedError(
        `${message}\nThe API key's user or service account lacks ${context.permission} on this pipeline; grant it a role with that permission in the project`,
      );
    case 404:
      return new NotFoundError(message);
    case 429:
    case 502:
    case 503:
    case 504:
      return new ServiceUnavailableError(message);
    default:
      return new Error(message);
  }
}
