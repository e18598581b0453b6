import { JinjaEnvironment } from './environment';
import { PyDict } from './values';

describe('JinjaEnvironment parse cache', () => {
  const source = 'a{% for x in xs %}{{ x }}{% endfor %}\n';
  const vars = { xs: ['1', '2'] };

  it('keys parsed templates by the options that change parsing', () => {
    const keep = new JinjaEnvironment({ keepTrailingNewline: true });
    const strip = new JinjaEnvironment({ keepTrailingNewline: false });
    expect(keep.fromString(source).render(vars)).toBe('a12\n');
    expect(strip.fromString(source).render(vars)).toBe('a12');
    expect(keep.fromString(source).render(vars)).toBe('a12\n');
    const withDo = new JinjaEnvironment({
      keepTrailingNewline: true,
      doExtension: true,
    });
    expect(() => keep.fromString('{% do xs.append(1) %}')).toThrow(
      /unknown tag 'do'/,
    );
    expect(withDo.fromString('{% do xs.append(1) %}').render({ xs: [] })).toBe(
      '',
    );
    expect(() => keep.fromString('{% do xs.append(1) %}')).toThrow(
      /unknown tag 'do'/,
    );
  });

  it('renders a cached body again with other variables and names', () => {
    const env = new JinjaEnvironment({ keepTrailingNewline: true });
    expect(
      env
        .fromString('{{ d.k }}', 'one')
        .render({ d: PyDict.from([['k', 'x']]) }),
    ).toBe('x');
    expect(
      new JinjaEnvironment({ keepTrailingNewline: true })
        .fromString('{{ d.k }}', 'two')
        .render({ d: PyDict.from([['k', 'y']]) }),
    ).toBe('y');
    // The name check still applies to a body parsed under another name.
    env.fromString('{{ 1 if d }}', 'plain');
    expect(() => env.fromString('{{ 1 if d }}', "it's")).toThrow(
      /a quote in the name/,
    );
  });
});
