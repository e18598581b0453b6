import fc from 'fast-check';
import {
  describeWithCookiecutter,
  pythonRender,
  type OracleCase,
} from '../__testUtils__/cookiecutterCli';
import { JinjaEnvironment } from './environment';
import { JinjaError } from './errors';
import { PyFloat } from './values';

/*
 * Property tests against cookiecutter's Jinja2: random strings and floats
 * through the string methods, filters and number formatting templates use.
 * Our result must equal Python's, or be an explicit refusal.
 */

const STRING_TEMPLATES = [
  '{{ s.split() }}|{{ s.split(",") }}|{{ s.rsplit(None, 1) }}|{{ s.splitlines() }}',
  '[{{ s.strip() }}][{{ s.lstrip(" -") }}][{{ s|trim }}]',
  '{{ s.title() }}|{{ s|title }}|{{ s.capitalize() }}|{{ s|capitalize }}|{{ s.swapcase() }}',
  '{{ s.lower() }}|{{ s.upper() }}|{{ s|wordcount }}|{{ s|length }}',
  '{{ s|truncate(12) }}|{{ s.center(21, "*") }}|{{ s.zfill(9) }}|{{ s.ljust(7, ".") }}',
  '{{ s|indent(2, true) }}|{{ s|replace(" ", "_") }}|{{ s.replace("a", "") }}',
  '{{ s|tojson }}|{{ s|urlencode }}|{{ s|e }}',
  '{{ [s] }}|{{ "%r" % s }}|{{ s.startswith("a") }}|{{ s.find("b") }}|{{ s.count(" ") }}',
  '{{ s|slugify }}',
  '{{ s[1:4] }}|{{ s[::-1] }}|{{ s|list|length }}|{{ s.isalpha() }}|{{ s.isspace() }}|{{ s.islower() }}',
];

const FLOAT_TEMPLATES = [
  '{{ x }}|{{ x|round(2) }}|{{ x|round }}|{{ x|int }}',
  '{{ "%.3f" % x }}|{{ "%g" % x }}|{{ "%e" % x }}|{{ "%10.1f" % x }}',
  '{{ "{:.2f}".format(x) }}|{{ "{:.3e}".format(x) }}|{{ "{}".format(x) }}',
  '{{ x // 1.5 }}|{{ x % 2.5 }}|{{ x * 3 }}|{{ x / 7 }}|{{ x|abs }}',
];

const text = fc.string({
  unit: fc.oneof(
    fc.constantFrom(
      ' ',
      ' ',
      '\t',
      '\n',
      ',',
      '-',
      '_',
      "'",
      '"',
      '.',
      '{',
      '}',
      '<',
      '&',
    ),
    fc.string({ minLength: 1, maxLength: 1 }),
    fc.constantFrom(
      'é',
      'ß',
      'Ä',
      'ñ',
      'ǆ',
      'ﬁ',
      'Σ',
      'ς',
      'İ',
      '中',
      '😀',
      '\u00a0',
      '\u2028',
      '\u1c90',
      '\u10d0',
    ),
  ),
  maxLength: 24,
});

const float = fc.double({
  min: -1e6,
  max: 1e6,
  noNaN: true,
  noDefaultInfinity: true,
});

function ours(c: OracleCase): string {
  try {
    return `ok: ${new JinjaEnvironment({ keepTrailingNewline: true }).fromString(c.template).render(c.vars ?? {})}`;
  } catch (e) {
    if (!(e instanceof JinjaError)) throw e;
    return e.kind === 'unsupported' ? 'unsupported' : 'error';
  }
}

describeWithCookiecutter(
  'Jinja2 emulation properties (random inputs against Python)',
  cli => {
    const strings = fc.sample(text, { numRuns: 120, seed: 20240607 });
    const floats = [
      0.5,
      1.5,
      2.5,
      -2.5,
      2.675,
      0.125,
      1e-5,
      123456.789,
      ...fc.sample(float, { numRuns: 60, seed: 42 }),
    ];
    const cases: OracleCase[] = [
      ...strings.flatMap(s =>
        STRING_TEMPLATES.map(template => ({ template, vars: { s } })),
      ),
      ...floats.flatMap(x =>
        FLOAT_TEMPLATES.map(template => ({
          template,
          vars: { x: new PyFloat(x) },
        })),
      ),
    ];

    it(`agrees with Python on ${cases.length} renders or refuses`, () => {
      const python = pythonRender(cli(), cases);
      const mismatches = cases.flatMap((c, i) => {
        const mine = ours(c);
        const py = python[i];
        const theirs = 'ok' in py ? `ok: ${py.ok}` : 'error';
        return mine === theirs || mine === 'unsupported'
          ? []
          : [
              {
                template: c.template,
                vars: c.vars,
                python: theirs,
                builtin: mine,
              },
            ];
      });
      expect(mismatches.slice(0, 5)).toEqual([]);
      // Refusals are the exception (non-ASCII slugify, capital sigma...), not the rule.
      const refused = cases.filter(c => ours(c) === 'unsupported').length;
      expect(refused).toBeLessThan(cases.length / 10);
    });
  },
);
