import type {
  CreatePermissionRuleOptions,
  PermissionResourceRef,
} from '@backstage/plugin-permission-node';

/*
 * Parameter schemas of the permission rules. The permission framework wants
 * a Standard Schema that can also describe itself as JSON Schema (for the
 * rule metadata the permission backend serves). The installed zod 3 cannot
 * do the latter without the deprecated zod-v3 path, and the rule params are
 * flat string maps, so a tiny hand-written schema is the simplest fit.
 */

/** The paramsSchema type the permission framework accepts for `TParams`. */
export type RuleParamsSchema<
  TParams extends Record<string, string | undefined>,
> = NonNullable<
  CreatePermissionRuleOptions<
    PermissionResourceRef<unknown, unknown, string>,
    TParams
  >['paramsSchema']
>;

type StringParams<R extends string, O extends string> = { [K in R]: string } & {
  [K in O]?: string;
};

/**
 * A schema for an object of string parameters: `required` and `optional`
 * map each parameter name to its description.
 */
export function stringParamsSchema<
  const R extends string,
  const O extends string = never,
>(spec: {
  required: Record<R, string>;
  optional?: Record<O, string>;
}): RuleParamsSchema<StringParams<R, O>> {
  const required = Object.keys(spec.required);
  const descriptions: Record<string, string> = {
    ...spec.required,
    ...spec.optional,
  };
  const jsonSchema = () => ({
    type: 'object',
    properties: Object.fromEntries(
      Object.entries(descriptions).map(([name, description]) => [
        name,
        { type: 'string', minLength: 1, description },
      ]),
    ),
    required,
    additionalProperties: false,
  });
  return {
    '~standard': {
      version: 1,
      vendor: 'pipeline-engine',
      validate(value: unknown) {
        if (
          typeof value !== 'object' ||
          value === null ||
          Array.isArray(value)
        ) {
          return { issues: [{ message: 'Expected an object of parameters' }] };
        }
        const params = value as Record<string, unknown>;
        const issues = [
          ...required
            .filter(name => params[name] === undefined)
            .map(name => ({ message: `'${name}' is required`, path: [name] })),
          ...Object.entries(params)
            .filter(([name]) => !(name in descriptions))
            .map(([name]) => ({
              message: `Unknown parameter '${name}'; expected ${Object.keys(descriptions).join(', ')}`,
              path: [name],
            })),
          ...Object.entries(params)
            .filter(
              ([name, v]) =>
                name in descriptions &&
                v !== undefined &&
                (typeof v !== 'string' || v.length === 0),
            )
            .map(([name]) => ({
              message: `'${name}' must be a non-empty string`,
              path: [name],
            })),
        ];
        return issues.length > 0
          ? { issues }
          : { value: params as StringParams<R, O> };
      },
      jsonSchema: { input: jsonSchema, output: jsonSchema },
    },
  };
}
