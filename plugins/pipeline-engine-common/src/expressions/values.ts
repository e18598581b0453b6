/*
 * Value helpers shared by the evaluator: secret markers, type names and the
 * way Harness turns a value into text.
 */

/**
 * Marks a value in an {@link ExpressionContext} as a secret: reading it
 * resolves `ref` through `getSecret` and reports the value as a secret.
 *
 * @public
 */
export class SecretReference {
  /** Scoped secret id: `x`, `org.x` or `account.x`. */
  readonly ref: string;

  constructor(ref: string) {
    this.ref = ref;
    Object.freeze(this);
  }
}

/**
 * Shorthand for `new SecretReference(ref)`.
 *
 * @public
 */
export function secretRef(ref: string): SecretReference {
  return new SecretReference(ref);
}

/** The value of the `secrets` root; only `.getValue("id")` may be used on it. */
export class SecretsNamespace {
  private constructor() {
    Object.freeze(this);
  }

  /** The single instance. */
  static readonly instance = new SecretsNamespace();
}

/**
 * The value of the `json` root: Harness's JSON functor. Only its methods
 * may be used (`json.select("path", text)`, `json.object(text)`...).
 */
export class JsonFunctor {
  private constructor() {
    Object.freeze(this);
  }

  /** The single instance. */
  static readonly instance = new JsonFunctor();
}

/**
 * A JSON-compatible value, what expressions read and return.
 *
 * @public
 */
export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * Plain data object: created by a literal, JSON.parse or Object.create(null).
 * Class instances, functions and exotic objects are not data.
 */
export function isPlainRecord(
  value: unknown,
): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return false;
  }
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Human type name used in messages, in Harness/Java vocabulary. */
export function typeName(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'list';
  if (value instanceof SecretReference) return 'secret';
  if (value instanceof SecretsNamespace) return 'secrets';
  if (value instanceof JsonFunctor) return 'json';
  if (isPlainRecord(value)) return 'map';
  return typeof value;
}

/**
 * Text of a value as Harness renders it into a string: numbers as written
 * (integers without `.0`), booleans `true`/`false`, null as `null`, lists and
 * maps as JSON. Expects finalized values (see `toPlain`).
 *
 * @public
 */
export function renderText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  return JSON.stringify(value) ?? 'null';
}

/** Numeric value of a number or a numeric string, else undefined. */
export function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^\s*-?(\d+\.?\d*|\.\d+)\s*$/.test(value)) {
    return Number(value);
  }
  return undefined;
}
