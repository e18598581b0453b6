import { collectRuntimeInputs } from './collectInputs';
import {
  collectSecretVariables,
  findInputSecretUses,
  findSecretReferences,
} from './inputSecrets';

const pipelineDoc = {
  pipeline: {
    identifier: 'p',
    variables: [
      { name: 'title', type: 'String', value: '<+input>' },
      { name: 'token', type: 'Secret', value: '<+input>' },
    ],
  },
};

describe('findSecretReferences', () => {
  it('finds secrets.getValue with a literal id, also nested and with prefixes', () => {
    expect(findSecretReferences('a <+secrets.getValue("x")> b')).toEqual([
      { secretId: 'x', source: '<+secrets.getValue("x")>' },
    ]);
    expect(
      findSecretReferences("<+secrets.getValue('account.y').toLowerCase()>")[0]
        .secretId,
    ).toBe('y');
    expect(
      findSecretReferences('<+"a" + <+secrets.getValue("z")>>').map(
        r => r.secretId,
      ),
    ).toEqual(['z']);
    expect(
      findSecretReferences('<+"<+secrets.getValue(\'w\')>-x">').map(
        r => r.secretId,
      ),
    ).toEqual(['w']);
  });

  it('reports a secrets reference whose id is computed without an id', () => {
    expect(findSecretReferences('<+secrets.getValue(pipeline.name)>')).toEqual([
      { source: '<+secrets.getValue(pipeline.name)>' },
    ]);
    expect(findSecretReferences('<+secrets["getValue"]("x")>')).toHaveLength(1);
  });

  it('ignores text, other roots and members named secrets', () => {
    expect(findSecretReferences('secrets.getValue("x")')).toEqual([]);
    expect(findSecretReferences('<+pipeline.variables.secrets>')).toEqual([]);
    expect(findSecretReferences('<+"secrets.getValue(x)">')).toEqual([]);
    expect(findSecretReferences('<+pipeline.name.toUpperCase()>')).toEqual([]);
  });
});

describe('findInputSecretUses', () => {
  it('names the input and the secret of every use', () => {
    const uses = findInputSecretUses(
      {
        title: 'Hi <+secrets.getValue("slack")>',
        'pipeline.variables.token': 'org.db',
        other: 'plain',
      },
      collectRuntimeInputs(pipelineDoc),
    );
    expect(uses).toEqual([
      {
        input: 'title',
        fqn: 'pipeline.variables.title',
        kind: 'expression',
        secretId: 'slack',
        source: '<+secrets.getValue("slack")>',
      },
      {
        input: 'pipeline.variables.token',
        fqn: 'pipeline.variables.token',
        kind: 'secretVariable',
        secretId: 'db',
        source: 'org.db',
      },
    ]);
  });

  it('reads structured Harness input sets and lists', () => {
    const uses = findInputSecretUses({
      inputSet: {
        pipeline: {
          identifier: 'p',
          variables: [
            {
              name: 'title',
              type: 'String',
              value: '<+secrets.getValue("a")>',
            },
          ],
        },
      },
    });
    expect(uses.map(u => [u.fqn, u.secretId])).toEqual([
      ['pipeline.variables.title', 'a'],
    ]);
  });

  it('finds nothing in plain values', () => {
    expect(
      findInputSecretUses({
        title: 'x',
        n: 3,
        list: ['a', '<+pipeline.name>'],
      }),
    ).toEqual([]);
  });
});

describe('Secret variables read by input values', () => {
  const doc = {
    pipeline: {
      identifier: 'p',
      variables: [
        { name: 'token', type: 'Secret', value: 'account.slack' },
        { name: 'plain', type: 'String', value: 'x' },
      ],
      stages: [
        {
          stage: {
            identifier: 's',
            variables: [
              {
                name: 'db',
                type: 'Secret',
                value: '<+secrets.getValue("db")>',
              },
              { name: 'odd', type: 'Secret', value: '<+pipeline.name>' },
            ],
          },
        },
      ],
    },
  };

  it('collects every Secret variable with the secret it names', () => {
    expect([...collectSecretVariables(doc)]).toEqual([
      ['token', 'slack'],
      ['db', 'db'],
      ['odd', undefined],
    ]);
  });

  it('reports references to them, by member or index, and computed names', () => {
    const vars = collectSecretVariables(doc);
    const uses = findInputSecretUses(
      {
        a: '<+pipeline.variables.token>',
        b: '<+stage.variables["db"].length()>',
        c: '<+pipeline.variables.plain>',
        d: '<+pipeline.variables[pipeline.name]>',
        e: '<+stage.variables.odd>',
      },
      [],
      vars,
    );
    expect(uses.map(u => [u.input, u.kind, u.secretId])).toEqual([
      ['a', 'variableReference', 'slack'],
      ['b', 'variableReference', 'db'],
      ['d', 'variableReference', undefined],
      ['e', 'variableReference', undefined],
    ]);
  });
});
