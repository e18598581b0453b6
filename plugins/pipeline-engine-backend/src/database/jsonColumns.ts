import { JsonValue } from './types';

/*
 * JSON lives in text columns on every database so that reads and writes
 * behave identically; these helpers are the only place that converts.
 */

/** Serializes a value for a JSON text column; undefined becomes SQL NULL. */
export function toJsonColumn(value: JsonValue | undefined): string | null {
  return value === undefined ? null : JSON.stringify(value);
}

/**
 * Parses a JSON text column. Also accepts an already-parsed value in case a
 * driver returns json/jsonb columns decoded. The error names the column but
 * never echoes its contents, which may be sensitive.
 */
export function fromJsonColumn<T extends JsonValue>(
  raw: unknown,
  column: string,
): T | undefined {
  if (raw === null || raw === undefined) {
    return undefined;
  }
  if (typeof raw !== 'string') {
    return raw as T;
  }
  try {
    return JSON.parse(raw) as T;
  } catch {
    throw new Error(`Column '${column}' does not hold valid JSON`);
  }
}
