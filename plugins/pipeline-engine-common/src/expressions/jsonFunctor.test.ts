import type { ExpressionContext } from './context';
import { ExpressionEngine } from './engine';

const body = JSON.stringify({
  status: 'success',
  count: 3,
  data: { id: '42', tags: ['a', 'b'] },
  items: [{ name: 'x' }, { name: 'y' }],
});

/** A context with one root, `body`, holding JSON text. */
const context: ExpressionContext = {
  lookup: root => (root === 'body' ? body : undefined),
  getSecret: () => undefined,
};

const engine = new ExpressionEngine();
const render = (template: string) => engine.render(template, context).value;

describe('the json functor', () => {
  it('selects with Jayway-style paths, with or without $', () => {
    expect(render('<+json.select("status", body)>')).toBe('success');
    expect(render('<+json.select("$.data.id", body)>')).toBe('42');
    expect(render('<+json.select("count", body)>')).toBe(3);
    expect(render('<+json.select("items[*].name", body)>')).toEqual(['x', 'y']);
    expect(render('<+json.select("missing", body)>')).toBeNull();
  });

  it('lists, parses objects and formats', () => {
    expect(render('<+json.list("data.tags", body).size()>')).toBe(2);
    expect(render('<+json.list("items[*].name", body).get(1)>')).toBe('y');
    expect(render('<+json.object(body).data.id>')).toBe('42');
    expect(render('<+json.object(body).items[0].name>')).toBe('x');
    expect(render('<+json.format(json.object(body).data.tags)>')).toBe(
      '["a","b"]',
    );
  });

  it('works in conditions, with or without <+ >', () => {
    const condition = (text: string) => engine.evaluateCondition(text, context);
    expect(condition('<+json.select("status", body)> == "success"')).toBe(true);
    expect(condition('json.select("count", body) > 2')).toBe(true);
    expect(condition('<+json.object(body).status> != "success"')).toBe(false);
  });

  it('explains misuse', () => {
    expect(() => render('<+json.select("status", "<html>")>')).toThrow(
      'json.select(): the text is not JSON (starts with "<html>")',
    );
    expect(() => render('<+json.select(1, body)>')).toThrow(
      /takes a JSONPath such as "data.id" as its first argument, got number/,
    );
    expect(() => render('<+json.status>')).toThrow(
      /json is a functor: use json.select/,
    );
    expect(() => render('<+json>')).toThrow(/"json" is not a value/);
    expect(() => render('<+json.select("status")>')).toThrow(
      /select\(\) takes 2 argument\(s\), got 1/,
    );
    expect(() => render('<+json.parse(body)>')).toThrow(
      /method parse\(\) is not available/,
    );
  });
});
