import { InputError } from '@backstage/errors';

// Harness identifiers: letters, digits, `_` and `$`, not starting with a digit.
const IDENTIFIER = /^[a-zA-Z_$][0-9a-zA-Z_$]{0,127}$/;

/**
 * Throws an InputError unless `value` is a valid Harness identifier, so bad
 * input is a 400 instead of a database error about column lengths.
 */
export function assertIdentifier(value: unknown, what: string): void {
  if (typeof value !== 'string' || !IDENTIFIER.test(value)) {
    throw new InputError(
      `Invalid ${what} '${String(
        value,
      )}': use at most 128 letters, digits, '_' or '$', not starting with a digit`,
    );
  }
}

// Row ids are UUIDs; PostgreSQL rejects anything else with a type error.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True when `value` is shaped like a UUID. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** Throws InputError unless org and project identifiers are valid. */
export function assertScope(scope: {
  orgIdentifier: string;
  projectIdentifier: string;
}): void {
  assertIdentifier(scope.orgIdentifier, 'org identifier');
  assertIdentifier(scope.projectIdentifier, 'project identifier');
}

/** Throws InputError unless `value` is a non-empty string. */
export function assertText(value: unknown, what: string): void {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new InputError(`The ${what} must be a non-empty string`);
  }
}
