import { z } from 'zod';

/*
 * Static validation of a step spec with the schema its handler parses at
 * run time. Before the run, any field may still hold a runtime input
 * (`<+input>`) or an expression (`<+...>`) instead of its literal value, so
 * the derived schema accepts an expression string wherever the resolved
 * schema accepts a value: a scalar field, a whole list or map, or one of
 * their items. Literal values are checked (and transformed) by the resolved
 * schema itself, so both checks agree; an expression's value is checked again
 * after it is resolved, when the handler's schema parses the rendered spec.
 */

const EXPRESSION = /<\+/;

/**
 * True for a string holding a `<+...>` expression or runtime input.
 *
 * @public
 */
export function isExpression(value: unknown): value is string {
  return typeof value === 'string' && EXPRESSION.test(value);
}

/**
 * `schema`, or a string holding an expression (left as it is). Not a
 * `z.union`: a union reports the expression branch's complaint when the
 * literal is merely wrong, which would hide the useful message.
 *
 * @public
 */
export function orExpression<T extends z.ZodTypeAny>(
  schema: T,
): z.ZodEffects<z.ZodUnknown, z.output<T> | string, unknown> {
  return z.unknown().transform((value, ctx): z.output<T> | string => {
    if (isExpression(value)) return value;
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    for (const issue of result.error.issues) ctx.addIssue(issue);
    return z.NEVER;
  });
}

type Def = { typeName?: string } & Record<string, unknown>;

const defOf = (schema: z.ZodTypeAny) => schema._def as Def;

/** Schemas that hold other fields (so expressions may sit inside them). */
function isStructural(schema: z.ZodTypeAny): boolean {
  const def = defOf(schema);
  switch (def.typeName) {
    case 'ZodObject':
    case 'ZodArray':
    case 'ZodRecord':
      return true;
    case 'ZodOptional':
    case 'ZodNullable':
    case 'ZodDefault':
      return isStructural(def.innerType as z.ZodTypeAny);
    case 'ZodEffects':
      return isStructural(def.schema as z.ZodTypeAny);
    case 'ZodUnion':
      return (def.options as z.ZodTypeAny[]).some(isStructural);
    default:
      return false;
  }
}

function derive(schema: z.ZodTypeAny): z.ZodTypeAny {
  const def = defOf(schema);
  switch (def.typeName) {
    case 'ZodObject': {
      const shape = Object.fromEntries(
        Object.entries((schema as z.AnyZodObject).shape).map(([key, field]) => [
          key,
          derive(field as z.ZodTypeAny),
        ]),
      );
      // A `never` catchall means "none" (unknownKeys decides); keep it.
      const catchall = def.catchall as z.ZodTypeAny;
      return orExpression(
        new z.ZodObject({
          ...(def as unknown as z.ZodObjectDef),
          shape: () => shape,
          catchall:
            defOf(catchall).typeName === 'ZodNever'
              ? catchall
              : derive(catchall),
        }),
      );
    }
    case 'ZodArray':
      return orExpression(
        new z.ZodArray({
          ...(def as unknown as z.ZodArrayDef),
          type: derive(def.type as z.ZodTypeAny),
        }),
      );
    case 'ZodRecord':
      return orExpression(
        new z.ZodRecord({
          ...(def as unknown as z.ZodRecordDef),
          valueType: derive(def.valueType as z.ZodTypeAny),
        }),
      );
    case 'ZodOptional':
      return derive(def.innerType as z.ZodTypeAny).optional();
    case 'ZodNullable':
      return derive(def.innerType as z.ZodTypeAny).nullable();
    case 'ZodDefault':
      // The default applies after resolution; statically the field is optional.
      return derive(def.innerType as z.ZodTypeAny).optional();
    case 'ZodEffects': {
      const inner = def.schema as z.ZodTypeAny;
      if (!isStructural(inner)) return orExpression(schema);
      const effect = def.effect as { type: string };
      // Cross-field rules run on the tolerant value: literals parsed,
      // expressions still strings (a rule compares literals only).
      if (effect.type === 'refinement') {
        return new z.ZodEffects({
          ...(def as unknown as z.ZodEffectsDef),
          schema: derive(inner),
        });
      }
      if (effect.type === 'preprocess') {
        return orExpression(
          new z.ZodEffects({
            ...(def as unknown as z.ZodEffectsDef),
            schema: derive(inner),
          }),
        );
      }
      // A transform only shapes the resolved value: check what it reads.
      return derive(inner);
    }
    case 'ZodUnion': {
      const options = def.options as z.ZodTypeAny[];
      if (!options.some(isStructural)) return orExpression(schema);
      return orExpression(
        new z.ZodUnion({
          ...(def as unknown as z.ZodUnionDef),
          options: options.map(derive) as unknown as z.ZodUnionOptions,
        }),
      );
    }
    default:
      return orExpression(schema);
  }
}

const derived = new WeakMap<z.ZodTypeAny, z.ZodTypeAny>();

/**
 * The schema static validation checks a step spec with, derived from the
 * schema of the resolved spec: it accepts an expression string wherever the
 * resolved schema accepts a value. Derived once per schema.
 *
 * @public
 */
export function expressionTolerant(schema: z.ZodTypeAny): z.ZodTypeAny {
  let tolerant = derived.get(schema);
  if (!tolerant) {
    tolerant = derive(schema);
    derived.set(schema, tolerant);
  }
  return tolerant;
}
