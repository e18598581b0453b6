import { InputError } from '@backstage/errors';
import { spec } from '../schema/openapi/generated/router';

/*
 * The store's own check of an execution's idempotency key, for callers that
 * bypass the HTTP API's request validation. The rule is openapi.yaml's
 * `Idempotency-Key` parameter; the column is as wide as its maxLength.
 */
const keySchema = spec.components.parameters.idempotencyKey.schema;
const keyPattern = new RegExp(keySchema.pattern);

/** InputError unless `key` fits openapi.yaml's `Idempotency-Key` schema. */
export function assertIdempotencyKey(key: unknown): asserts key is string {
  if (
    typeof key !== 'string' ||
    key.length < keySchema.minLength ||
    key.length > keySchema.maxLength ||
    !keyPattern.test(key)
  ) {
    const sent =
      typeof key === 'string' ? `${key.length} character(s)` : typeof key;
    throw new InputError(
      `the Idempotency-Key header must be ${keySchema.description} (got ${sent})`,
    );
  }
}
