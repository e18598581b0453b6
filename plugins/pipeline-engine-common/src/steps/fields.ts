import { z } from 'zod';

/*
 * Field schemas of resolved step specs, shared by the built-in step
 * definitions. They accept what YAML and rendered expressions produce: a text
 * field may be a number or boolean (`branch: 1`), a flag may be the text
 * `true` an expression rendered. Static validation derives from them a schema
 * that accepts expressions too (see expressionTolerant.ts).
 */

/**
 * The schema of one field of a resolved step spec: what it produces after
 * parsing, whatever it accepts. Declared rather than inferred so that the
 * public API does not print zod's inferred input types.
 *
 * @public
 */
export type FieldSchema<TOutput> = z.ZodType<TOutput, z.ZodTypeDef, unknown>;

/**
 * One item of a Harness `{name, type, value}` list, value as text.
 *
 * @public
 */
export interface NamedVariable {
  name: string;
  type?: string;
  value?: string;
  [key: string]: unknown;
}

/**
 * Text that YAML or an expression may have turned into a number or boolean.
 *
 * @public
 */
export const textValue: FieldSchema<string> = z
  .union([z.string(), z.number(), z.boolean()])
  .transform(String);

/**
 * An optional text field: numbers and booleans become text; blank is absent.
 *
 * @public
 */
export const optionalText: FieldSchema<string | undefined> = z
  .union([z.string(), z.number(), z.boolean()])
  .nullish()
  .transform(v =>
    v === null || v === undefined || String(v).trim() === ''
      ? undefined
      : String(v).trim(),
  );

/**
 * A required, non-blank text field (trimmed).
 *
 * @public
 */
export const requiredText: FieldSchema<string> = z
  .union([z.string(), z.number(), z.boolean()])
  .transform(v => String(v).trim())
  .refine(v => v.length > 0, 'must not be empty');

/**
 * A boolean, or the text `true`/`false` an expression may resolve to.
 *
 * @public
 */
export const booleanValue: FieldSchema<boolean> = z
  .union([z.boolean(), z.enum(['true', 'false'])])
  .transform(v => v === true || v === 'true');

/**
 * An optional flag: a boolean, or `true`/`false` in any case; blank is absent.
 *
 * @public
 */
export const optionalFlag: FieldSchema<boolean | undefined> = z
  .union([z.boolean(), z.string()])
  .nullish()
  .transform((v, ctx) => {
    if (typeof v === 'boolean') return v;
    if (v === null || v === undefined || v.trim() === '') return undefined;
    if (/^true$/i.test(v.trim())) return true;
    if (/^false$/i.test(v.trim())) return false;
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      message: `expected true or false, got "${v}"`,
    });
    return z.NEVER;
  });

/**
 * An integer, or its text.
 *
 * @public
 */
export const integerValue: FieldSchema<number> = z
  .union([z.number().int(), z.string().regex(/^\d+$/)])
  .transform(Number);

/**
 * A map of environment variables; null values become empty strings.
 *
 * @public
 */
export const envMap: FieldSchema<Record<string, string>> = z
  .record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))
  .transform(map =>
    Object.fromEntries(
      Object.entries(map).map(([k, v]) => [k, v === null ? '' : String(v)]),
    ),
  );

/**
 * Harness `{name, type, value}` lists (ShellScript and Http variables).
 *
 * @public
 */
export const namedVariableList: FieldSchema<NamedVariable[]> = z.array(
  z
    .object({
      name: z.string().min(1),
      type: z.string().optional(),
      value: z
        .union([z.string(), z.number(), z.boolean(), z.null()])
        .optional()
        .transform(v =>
          v === null || v === undefined ? undefined : String(v),
        ),
    })
    .passthrough(),
);

/**
 * A list, or (when an expression produced it) its JSON text.
 *
 * @public
 */
export function jsonList<T extends z.ZodTypeAny>(
  item: T,
): FieldSchema<Array<z.output<T>>> {
  return z.preprocess(value => {
    if (typeof value !== 'string') return value;
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }, z.array(item));
}

/**
 * Names in an `outputVariables` list, for the static reference check;
 * undefined when the list is an expression.
 *
 * @public
 */
export function declaredOutputs(
  spec: Record<string, unknown>,
): string[] | undefined {
  const list = spec.outputVariables;
  if (list === undefined) return [];
  if (!Array.isArray(list)) return undefined;
  return list.flatMap(item =>
    item &&
    typeof item === 'object' &&
    typeof (item as { name?: unknown }).name === 'string'
      ? [(item as { name: string }).name]
      : [],
  );
}

/** Keys that a zod object schema declares, for "unknown key" warnings. */
export function knownKeys(schema: z.ZodTypeAny): string[] {
  // By type name, not instanceof: a module may bring its own copy of zod.
  let def = schema._def as { typeName?: string; schema?: z.ZodTypeAny };
  while (def.typeName === 'ZodEffects' && def.schema) {
    def = def.schema._def;
  }
  if (def.typeName !== 'ZodObject') return [];
  return Object.keys((def as unknown as { shape: () => object }).shape());
}
