import { z } from 'zod';
import {
  builtinStepDefinitions,
  createRepoStepDefinition,
  gitCloneStepDefinition,
  httpStepDefinition,
} from './builtin';
import { expressionTolerant, isExpression } from './expressionTolerant';
import { optionalFlag, optionalText, textValue } from './fields';

const issuesOf = (schema: z.ZodTypeAny, value: unknown) => {
  const result = expressionTolerant(schema).safeParse(value);
  return result.success
    ? []
    : result.error.issues.map(i => `${i.path.join('.')}: ${i.message}`);
};

describe('expressionTolerant', () => {
  it('accepts an expression wherever the resolved schema accepts a value', () => {
    const schema = z.object({
      count: z.number().int(),
      flag: z.boolean().optional(),
      items: z.array(z.object({ name: z.string(), size: z.number() })),
      settings: z.record(z.string(), z.number()).optional(),
    });
    expect(
      issuesOf(schema, {
        count: '<+input>',
        items: '<+pipeline.variables.list>',
      }),
    ).toEqual([]);
    expect(
      issuesOf(schema, {
        count: 1,
        flag: '<+x>',
        items: [{ name: 'a', size: '<+y>' }],
        settings: { a: '<+z>' },
      }),
    ).toEqual([]);
  });

  it('checks literals with the resolved schema, at their path', () => {
    const schema = z.object({ items: z.array(z.object({ size: z.number() })) });
    expect(issuesOf(schema, { items: [{ size: 'big' }] })).toEqual([
      'items.0.size: Expected number, received string',
    ]);
    expect(issuesOf(schema, {})).toEqual(['items: Required']);
  });

  it('runs cross-field rules on literal values and leaves expressions alone', () => {
    const schema = z
      .object({
        kind: z.string().transform(v => v.toLowerCase()),
        url: z.string().optional(),
      })
      .superRefine((value, ctx) => {
        if (value.kind === 'public' && !value.url)
          ctx.addIssue({ code: 'custom', path: ['url'], message: 'needs url' });
      });
    expect(issuesOf(schema, { kind: 'PUBLIC' })).toEqual(['url: needs url']);
    expect(issuesOf(schema, { kind: '<+input>' })).toEqual([]);
  });

  it('keeps the unknown-key policy of objects', () => {
    const schema = z.object({ a: z.string() }).strict();
    expect(issuesOf(schema, { a: 'x', b: 1 })).toHaveLength(1);
    expect(
      issuesOf(z.object({ a: z.string() }).passthrough(), { a: 'x', b: 1 }),
    ).toEqual([]);
  });

  it('is derived once per schema', () => {
    expect(expressionTolerant(httpStepDefinition.spec)).toBe(
      expressionTolerant(httpStepDefinition.spec),
    );
  });

  it('agrees with the run time on what Harness accepts', () => {
    // `repoType: Private` passes at run time (any case); so does it statically.
    expect(
      issuesOf(createRepoStepDefinition.spec, { repoType: 'Private' }),
    ).toEqual([]);
    expect(
      createRepoStepDefinition.spec.parse({ repoType: 'Private' }).repoType,
    ).toBe('private');
    // connectorType is checked against the connector at run time (a warning), not against a fixed list.
    expect(
      issuesOf(createRepoStepDefinition.spec, {
        repoType: 'public',
        connectorType: 'Gitea',
      }),
    ).toEqual([]);
    expect(
      issuesOf(gitCloneStepDefinition.spec, {
        build: { type: 'branch', spec: { branch: '<+trigger.branch>' } },
      }),
    ).toEqual([]);
  });

  it('derives a schema for every built-in step', () => {
    for (const definition of builtinStepDefinitions) {
      expect(() => expressionTolerant(definition.spec)).not.toThrow();
    }
  });
});

describe('a step declared as in the README', () => {
  const greet = z.object({
    name: textValue,
    times: z.number().int().min(1).default(1),
  });

  it('validates expressions statically and literals with the resolved schema', () => {
    expect(
      issuesOf(greet, { name: 'x', times: '<+pipeline.variables.n>' }),
    ).toEqual([]);
    expect(issuesOf(greet, { name: 'x' })).toEqual([]);
    expect(issuesOf(greet, { name: 'x', times: 'lots' })).toEqual([
      'times: Expected number, received string',
    ]);
    expect(greet.parse({ name: 1 })).toEqual({ name: '1', times: 1 });
  });
});

describe('isExpression', () => {
  it('recognises <+...> in a string', () => {
    expect(isExpression('a <+x> b')).toBe(true);
    expect(isExpression('plain')).toBe(false);
    expect(isExpression(3)).toBe(false);
  });
});

describe('field schemas', () => {
  it('read rendered expression values', () => {
    expect(optionalText.parse(12)).toBe('12');
    expect(optionalText.parse('  ')).toBeUndefined();
    expect(optionalText.parse(null)).toBeUndefined();
    expect(optionalFlag.parse('TRUE')).toBe(true);
    expect(optionalFlag.parse('false')).toBe(false);
    expect(optionalFlag.safeParse('yes').success).toBe(false);
  });
});
