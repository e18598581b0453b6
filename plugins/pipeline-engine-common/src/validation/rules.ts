/**
 * Harness identifier rule (entity identifier reference).
 *
 * @public
 */
export const IDENTIFIER_PATTERN = /^[a-zA-Z_][0-9a-zA-Z_]{0,127}$/;
/**
 * Harness name rule.
 *
 * @public
 */
export const NAME_PATTERN = /^[a-zA-Z_0-9-.][-0-9a-zA-Z_\s.]{0,127}$/;
/**
 * Variable names: letters, digits, `_`, `.`, `$`, `-`, not starting with a digit.
 *
 * @public
 */
export const VARIABLE_NAME_PATTERN = /^[a-zA-Z_][0-9a-zA-Z_.$-]{0,127}$/;

const DURATION_PART = /(\d+)\s*(ms|s|m|h|d|w)/g;
const DURATION_WHOLE = /^\s*(\d+\s*(ms|s|m|h|d|w)\s*)+$/;
const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/**
 * True when the string holds an expression or runtime input (`<+...>`).
 *
 * @public
 */
export function isDynamic(value: unknown): boolean {
  return typeof value === 'string' && value.includes('<+');
}

/**
 * Parses a Harness duration (`30s`, `10m`, `1h 30m`, `1d`, `1w`, `500ms`)
 * into milliseconds; undefined when it is not one.
 *
 * @public
 */
export function parseDuration(text: string): number | undefined {
  if (!DURATION_WHOLE.test(text)) return undefined;
  let total = 0;
  for (const match of text.matchAll(DURATION_PART)) {
    total += Number(match[1]) * UNIT_MS[match[2]];
  }
  return total;
}
