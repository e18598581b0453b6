import { InputError } from '@backstage/errors';

/** Longest `Idempotency-Key` accepted (the column's width). */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/**
 * InputError unless `key` is 1 to {@link MAX_IDEMPOTENCY_KEY_LENGTH}
 * visible ASCII characters, e.g. a UUID.
 */
export function assertIdempotencyKey(key: unknown): asserts key is string {
  if (
    typeof key !== 'string' ||
    key.length === 0 ||
    key.length > MAX_IDEMPOTENCY_KEY_LENGTH ||
    !/^[\x21-\x7e]+$/.test(key)
  ) {
    const shown =
      typeof key === 'string' ? JSON.stringify(key.slice(0, 40)) : typeof key;
    throw new InputError(
      `the Idempotency-Key header must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} visible ASCII characters without spaces (a UUID, for example); got ${shown}`,
    );
  }
}
