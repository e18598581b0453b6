import { createHash, randomBytes } from 'node:crypto';
import { InputError } from '@backstage/errors';

/*
 * Webhook tokens are random bearer secrets: only their SHA-256 is stored, so
 * a database dump does not let anyone fire triggers. A fast unsalted hash is
 * enough because the tokens carry 256 bits of entropy (and short
 * caller-chosen tokens are refused).
 */

const MIN_TOKEN_LENGTH = 20;

/** Creates a new random webhook token (43 URL-safe characters). */
export function generateWebhookToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Hex SHA-256 of a webhook token, the only form that is stored. */
export function hashWebhookToken(token: string): string {
  if (typeof token !== 'string' || token.length < MIN_TOKEN_LENGTH) {
    throw new InputError(
      `Webhook tokens must be at least ${MIN_TOKEN_LENGTH} characters long`,
    );
  }
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
