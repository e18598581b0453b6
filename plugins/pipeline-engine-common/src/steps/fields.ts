import { z } from 'zod';

/*
 * Field schemas for step specs. Any field may hold a runtime input
 * (`<+input>`) or an expression (`<+...>`) instead of its literal type, so
 * non-string fields accept such strings too; their real type is checked
 * again once the expression is resolved at run time.
 */

const EXPRESSION = /<\+/;

/**
 * A text field: YAML may give a number or boolean where text is meant (`branch: 1`).
 *
 * @public
 */
export const text = z.union([z.string(), z.number(), z.boolean()]);

/**
 * `schema`, or a string holding an expression. Not a `z.union`: a union
 * reports the expression branch's complaint ("expected an expression") when
 * the literal is merely wrong, which would hide the useful message.
 *
 * @public
 */
export function orExpression<T extends z.ZodTypeAny>(schema: T) {
  return z.unknown().superRefine((value, ctx) => {
    if (typeof value === 'string' && EXPRESSION.test(value)) return;
    const result = schema.safeParse(value);
    if (!result.success) {
      for (const issue of result.error.issues) ctx.addIssue(issue);
    }
  });
}

/**
 * A boolean, or an expression resolving to one.
 *
 * @public
 */
export const flag = orExpression(z.boolean());

/**
 * An integer, or an expression resolving to one.
 *
 * @public
 */
export const integer = orExpression(z.number().int());

/**
 * One of the given literals (case-sensitive, as Harness), or an expression.
 *
 * @public
 */
export function oneOf<T extends [string, ...string[]]>(...values: T) {
  return orExpression(z.enum(values));
}

/**
 * A map of names to text values (env vars, cookiecutter variables, settings).
 *
 * @public
 */
export const textMap = orExpression(z.record(z.string(), text.nullable()));

/** Harness name/type/value lists (`environmentVariables`, `outputVariables`). */
export const namedVariables = z.array(
  z
    .object({
      name: z.string(),
      type: z.string().optional(),
      value: text.nullable().optional(),
      description: z.string().optional(),
    })
    .passthrough(),
);

/** Keys that a zod object schema declares, for "unknown key" warnings. */
export function knownKeys(schema: z.ZodTypeAny): string[] {
  let s: z.ZodTypeAny = schema;
  while (s instanceof z.ZodEffects) s = s.innerType();
  return s instanceof z.ZodObject ? Object.keys(s.shape) : [];
}
