import { splitDeferred } from './deferredFields';

describe('splitDeferred', () => {
  it('takes matching fields out and puts them back unrendered', () => {
    const spec = {
      url: '<+pipeline.variables.url>',
      assertion: '<+httpResponseCode> == 200',
      outputVariables: [
        { name: 'id', value: '<+json.select("id", httpResponseBody)>' },
        { name: 'code', value: '<+httpResponseCode>' },
      ],
    };
    const split = splitDeferred(spec, ['assertion', 'outputVariables.*.value']);
    expect(split.rest).toEqual({
      url: '<+pipeline.variables.url>',
      assertion: null,
      outputVariables: [
        { name: 'id', value: null },
        { name: 'code', value: null },
      ],
    });
    const rendered = { ...(split.rest as object), url: 'https://x' };
    expect(split.restore(rendered)).toEqual({ ...spec, url: 'https://x' });
    expect(spec.assertion).toBe('<+httpResponseCode> == 200');
  });

  it('leaves specs without patterns alone', () => {
    const spec = { a: 1 };
    expect(splitDeferred(spec, undefined).rest).toBe(spec);
    expect(splitDeferred(spec, ['missing.*.x']).rest).toEqual(spec);
  });
});
