import type { Entity } from '@backstage/catalog-model';
import { applyOverrides } from './applyOverrides';
import { formatPropertyPath, parsePropertyPath } from './propertyPath';
import { appendValue, normalizeAppendAddition, setAt } from './values';

describe('parsePropertyPath', () => {
  test.each([
    ['metadata.testCoverage', ['metadata', 'testCoverage']],
    ['<+metadata.testCoverage>', ['metadata', 'testCoverage']],
    [
      ' <+metadata.additionalInfo.onShorelead> ',
      ['metadata', 'additionalInfo', 'onShorelead'],
    ],
    [
      'metadata.annotations["backstage.io/techdocs-ref"]',
      ['metadata', 'annotations', 'backstage.io/techdocs-ref'],
    ],
    ["metadata.annotations['a.b'].c", ['metadata', 'annotations', 'a.b', 'c']],
    ['spec.lifecycle', ['spec', 'lifecycle']],
  ])('%s', (text, segments) => {
    expect(parsePropertyPath(text)).toEqual(segments);
    expect(parsePropertyPath(formatPropertyPath(segments))).toEqual(segments);
  });

  test.each([
    [
      'testCoverage',
      /must start with metadata\. or spec\. \(e\.g\. metadata\.testCoverage\)/,
    ],
    ['metadata', /would replace all of metadata/],
    ['metadata.name', /metadata\.name identifies the entity/],
    ['metadata.namespace', /identifies the entity/],
    ['metadata..x', /empty segment/],
    ['metadata.x.', /ends with "\."/],
    ['metadata.__proto__.x', /"__proto__" is not allowed/],
    ['metadata[x]', /expected a quoted key/],
    ['metadata.a b', /unexpected characters/],
    ['', /it is empty/],
  ])('rejects %j', (text, message) => {
    expect(() => parsePropertyPath(text)).toThrow(message);
  });

  it('formats keys with dots in quotes', () => {
    expect(
      formatPropertyPath(['metadata', 'annotations', 'example.com/x']),
    ).toBe('metadata.annotations["example.com/x"]');
  });
});

describe('appendValue', () => {
  it('adds list items not already present', () => {
    expect(appendValue(['a', 'b'], ['b', 'c'], 'x')).toEqual(['a', 'b', 'c']);
    expect(appendValue(['a'], 'b', 'x')).toEqual(['a', 'b']);
    expect(appendValue([{ k: 1 }], { k: 1 }, 'x')).toEqual([{ k: 1 }]);
  });

  it('merges maps', () => {
    expect(appendValue({ a: 1, b: 2 }, { b: 3, c: 4 }, 'x')).toEqual({
      a: 1,
      b: 3,
      c: 4,
    });
  });

  it('creates a list or map where there was nothing', () => {
    expect(appendValue(undefined, 'a', 'x')).toEqual(['a']);
    expect(appendValue(null, ['a', 'a'], 'x')).toEqual(['a']);
    expect(appendValue(undefined, { a: 1 }, 'x')).toEqual({ a: 1 });
  });

  it('refuses scalars, naming the place and the fix', () => {
    expect(() =>
      appendValue(
        'text',
        'more',
        'metadata.description of component:default/a',
      ),
    ).toThrow(
      'cannot append to metadata.description of component:default/a: it holds a string ("text"); append works only on lists and maps, use mode "replace" to overwrite it',
    );
    expect(() => appendValue(85, [1], 'metadata.coverage')).toThrow(
      /it holds a number \(85\)/,
    );
    expect(() => appendValue({ a: 1 }, 'b', 'metadata.info')).toThrow(
      /cannot append a string \("b"\) to metadata\.info: it holds a map/,
    );
  });

  it('normalizes what an append stores', () => {
    expect(normalizeAppendAddition(['a'], 'b')).toEqual(['b']);
    expect(normalizeAppendAddition(undefined, 'b')).toEqual(['b']);
    expect(normalizeAppendAddition(undefined, { a: 1 })).toEqual({ a: 1 });
    expect(normalizeAppendAddition({ x: 1 }, { a: 1 })).toEqual({ a: 1 });
  });
});

describe('setAt', () => {
  it('creates maps on the way', () => {
    const root = { metadata: {} };
    setAt(root, ['metadata', 'additionalInfo', 'onShorelead'], true);
    expect(root).toEqual({
      metadata: { additionalInfo: { onShorelead: true } },
    });
  });

  it('refuses to descend into a scalar', () => {
    expect(() =>
      setAt({ metadata: { info: 'x' } }, ['metadata', 'info', 'a'], 1),
    ).toThrow(
      'metadata.info holds a string ("x"), so metadata.info.a cannot be set inside it',
    );
  });
});

describe('applyOverrides', () => {
  const entity: Entity = {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'svc', tags: ['a'], description: 'd' },
    spec: { type: 'service' },
  };

  it('applies in order and skips overrides that no longer fit', () => {
    const skipped: string[] = [];
    const result = applyOverrides(
      entity,
      [
        { path: ['metadata', 'description'], mode: 'append', value: ['x'] },
        { path: ['metadata', 'info'], mode: 'replace', value: { a: 1 } },
        { path: ['metadata', 'info', 'b'], mode: 'replace', value: 2 },
        { path: ['metadata', 'tags'], mode: 'append', value: ['b'] },
      ],
      (property, reason) => skipped.push(`${property}: ${reason}`),
    );
    expect(result.metadata).toEqual({
      name: 'svc',
      tags: ['a', 'b'],
      description: 'd',
      info: { a: 1, b: 2 },
    });
    expect(skipped).toEqual([
      'metadata.description: cannot append to metadata.description: it holds a string ("d"); append works only on lists and maps, use mode "replace" to overwrite it',
    ]);
    expect(entity.metadata.tags).toEqual(['a']);
  });

  it('merges recorded executions with those the entity file names', () => {
    const path = ['metadata', 'annotations', 'idp-pipelines.io/execution'];
    const fromFile: Entity = {
      ...entity,
      metadata: {
        name: 'svc',
        annotations: { 'idp-pipelines.io/execution': 'e1,e5' },
      },
    };
    const result = applyOverrides(
      fromFile,
      [{ path, mode: 'replace', value: 'e1,e2,e3' }],
      () => {},
    );
    expect(result.metadata.annotations).toEqual({
      'idp-pipelines.io/execution': 'e1,e5,e2,e3',
    });
    expect(
      applyOverrides(entity, [{ path, mode: 'replace', value: 'e2' }], () => {})
        .metadata.annotations,
    ).toEqual({ 'idp-pipelines.io/execution': 'e2' });
  });
});
