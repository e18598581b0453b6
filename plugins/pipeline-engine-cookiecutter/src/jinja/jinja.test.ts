import {
  describeWithCookiecutter,
  pythonRender,
  type OracleCase,
} from '../__testUtils__/cookiecutterCli';
import { JinjaEnvironment } from './environment';
import { JinjaError } from './errors';
import { PyDict, PyFloat, type PyValue } from './values';

/*
 * Differential tests: each snippet is rendered by this emulation and by
 * cookiecutter's own Jinja2 (the Python the cookiecutter CLI runs on).
 * Outputs must be identical; when Python fails, we must fail too. Snippets
 * marked `unsupported` must be refused (never rendered differently).
 */

const users: PyValue[] = [
  PyDict.from([
    ['name', 'bob'],
    ['age', 30],
    ['city', 'NY'],
  ]),
  PyDict.from([
    ['name', 'Al'],
    ['age', 25],
    ['city', 'ca'],
  ]),
  PyDict.from([
    ['name', 'cy'],
    ['age', 30],
    ['city', 'CA'],
  ]),
];
const cc = PyDict.from(
  [
    ['project_name', 'My Project'],
    ['slug', 'my-project'],
    ['n', 3],
    ['f', new PyFloat(1.5)],
    ['items', ['b', 'A', 'c']],
    ['flag', 'y'],
    [
      'd',
      PyDict.from([
        ['b', 2],
        ['a', 1],
      ]),
    ],
    ['nested', PyDict.from([['k', PyDict.from([['x', 1]])]])],
    ['users', users],
    ['empty', ''],
    ['none', null],
    ['t', true],
    ['nums', [3, 1, 2, 3]],
    ['desc', '  Hello   World  \n'],
    ['unicode', 'Ünïcödé straße'],
    ['text', 'The quick brown fox jumps over the lazy dog'],
    ['csv', 'a,b,,c'],
  ],
  true,
);
const VARS = {
  cookiecutter: cc,
  x: 'Hello World',
  n: 7,
  f: new PyFloat(2.5),
  lst: [1, 2, 3],
  s: 'a-b_c d',
};

/** [template, unsupported?] */
const CASES: Array<[string, boolean?]> = [
  // output and literals
  ['plain text'],
  [
    '{{ 1 }} {{ 1.0 }} {{ -0.0 }} {{ 1e3 }} {{ 1.5e-7 }} {{ 123456789012345678.0 }} {{ 0x1F }} {{ 0o17 }} {{ 0b101 }} {{ 1_000 }}',
  ],
  ['{{ true }} {{ True }} {{ none }} {{ None }} {{ false }}'],
  ['{{ "a" "b" \'c\' }}'],
  ['{{ "tab\\there\\nnl \\x41 \\u00e9 \\\\ \\d" }}'],
  ['{{ [1, "two", 3.0, none, (1,), (), {"a": [1]}] }}'],
  ['{{ ("a", 1) }}'],
  ['{{ {"k": "v", 1: 2} }}'],
  ['{{ 1, 2 }}'],
  [
    "{{ 'it\\'s' }} {{ \"say \\\"hi\\\"\" }} {{ ['it\\'s', \"q\\\"\", 'both\\'\"'] }}",
  ],
  // arithmetic
  [
    '{{ 7 / 2 }} {{ 7 // 2 }} {{ -7 // 2 }} {{ 7 % 3 }} {{ -7 % 3 }} {{ 7 % -3 }} {{ 2 ** 10 }} {{ 2 ** -2 }} {{ 7.5 // 2 }} {{ -7.5 % 2 }}',
  ],
  [
    '{{ 1 + 2 * 3 - 4 }} {{ (1 + 2) * 3 }} {{ -2 ** 2 }} {{ 10 / 4 * 2 }} {{ 0.1 + 0.2 }} {{ 1 / 3 }} {{ 2 / 3 }} {{ 100.0 / 3 }}',
  ],
  [
    '{{ "ab" * 3 }} {{ 3 * "ab" }} {{ [1] * 2 }} {{ "a" + "b" }} {{ [1] + [2] }} {{ true + 1 }}',
  ],
  ['{{ "a" + 1 }}'],
  ['{{ 1 / 0 }}'],
  ['{{ 1 // 0 }}'],
  [
    '{{ "%s-%d" % ("a", 3) }} {{ "%05.2f|%-5s|%x|%X|%o|%e|%g|%G|%r|%c|%%" % (3.14159, "ab", 255, 255, 8, 12345.678, 0.00001234, 1e20, "q", 65) }}',
  ],
  [
    '{{ "%(a)s and %(b)d" % {"a": "x", "b": 2} }} {{ "%s" % [1, 2] }} {{ "%+d % d" % (5, 5) }} {{ "%.0f %.0f %.1f %.2f" % (0.5, 1.5, 0.25, 2.675) }}',
  ],
  ['{{ "%s %s" % ("a",) }}'],
  ['{{ "%d" % "x" }}'],
  ['{{ "abc" % 5 }}'],
  // comparison and logic
  [
    '{{ 1 < 2 < 3 }} {{ 1 < 3 < 2 }} {{ "a" < "b" }} {{ [1, 2] < [1, 3] }} {{ 1 == 1.0 }} {{ "1" == 1 }} {{ none == none }} {{ 2 != 3 }}',
  ],
  ['{{ "a" < 1 }}'],
  [
    '{{ 0 or "x" }} {{ "" or none }} {{ 1 and 2 }} {{ 0 and 1 }} {{ not 0 }} {{ not "a" }} {{ "b" in "abc" }} {{ 2 in [1, 2] }} {{ "k" in {"k": 1} }} {{ 4 not in [1] }}',
  ],
  [
    '{{ "x" if 1 else "y" }}|{{ "x" if 0 else "y" }}|{{ "x" if 0 }}|{{ ("x" if 0)|default("dflt") }}',
  ],
  // variables and attributes
  [
    '{{ x }} {{ n }} {{ f }} {{ lst }} {{ cookiecutter.project_name }} {{ cookiecutter["slug"] }} {{ cookiecutter.nested.k.x }} {{ lst.1 }} {{ lst[-1] }}',
  ],
  ['{{ missing }}'],
  ['{{ cookiecutter.missing }}'],
  ['{{ missing.attr }}'],
  ['{{ lst[10] }}'],
  [
    '{{ cookiecutter.missing|default("d") }} {{ missing is defined }} {{ missing is undefined }}',
  ],
  ['{{ cookiecutter }}', true],
  ['{{ cookiecutter.d }}'],
  ['{{ cookiecutter.items()|list|length }}'],
  [
    '{{ cookiecutter.d.items() }} {{ cookiecutter.d.keys() }} {{ cookiecutter.d.values() }}',
  ],
  [
    '{{ x[0] }} {{ x[-1] }} {{ x[1:4] }} {{ x[::-1] }} {{ x[::2] }} {{ lst[1:] }} {{ lst[:-1] }} {{ lst[::-1] }} {{ (1, 2, 3)[1:] }}',
  ],
  [
    '{{ cookiecutter.d.get("a") }} {{ cookiecutter.d.get("z", "dz") }} {{ cookiecutter.d.get("z") }} {{ cookiecutter.d["b"] }}',
  ],
  // string methods
  [
    '{{ x.lower() }} {{ x.upper() }} {{ x.title() }} {{ "hello world".capitalize() }} {{ x.swapcase() }} {{ "ABC def".casefold() }}',
  ],
  [
    '{{ x.replace("l", "L") }} {{ x.replace("l", "L", 2) }} {{ "abc".replace("", "-") }} {{ "aaa".replace("a", "b", 0) }}',
  ],
  [
    '[{{ "  pad  ".strip() }}] [{{ "  pad  ".lstrip() }}] [{{ "  pad  ".rstrip() }}] [{{ "xxpadxx".strip("x") }}] [{{ cookiecutter.desc.strip() }}]',
  ],
  [
    '{{ "a b  c".split() }} {{ "a,b,,c".split(",") }} {{ "a,b,c".split(",", 1) }} {{ "a,b,c".rsplit(",", 1) }} {{ "  a b  ".split(None, 1) }} {{ "a b c".rsplit(None, 1) }} {{ "".split() }} {{ "".split(",") }}',
  ],
  ['{{ "a\\nb\\r\\nc".splitlines() }} {{ "a\\nb\\n".splitlines(True) }}'],
  [
    '{{ x.startswith("He") }} {{ x.endswith("ld") }} {{ x.startswith(("x", "H")) }} {{ x.startswith("llo", 2) }} {{ x.find("o") }} {{ x.rfind("o") }} {{ x.find("z") }} {{ x.index("W") }} {{ x.count("l") }}',
  ],
  ['{{ x.index("z") }}'],
  [
    '{{ "-".join(["a", "b"]) }} {{ ", ".join(lst|map("string")) }} {{ "".join("abc") }}',
  ],
  ['{{ "-".join([1, 2]) }}'],
  [
    '[{{ "ab".center(6) }}] [{{ "ab".center(7, "*") }}] [{{ "ab".ljust(5, ".") }}] [{{ "ab".rjust(5) }}] [{{ "42".zfill(5) }}] [{{ "-42".zfill(5) }}]',
  ],
  [
    '{{ "a=b=c".partition("=") }} {{ "a=b=c".rpartition("=") }} {{ "abc".partition("x") }} {{ "pre_x".removeprefix("pre_") }} {{ "x.py".removesuffix(".py") }}',
  ],
  [
    '{{ "abc".isalpha() }} {{ "a1".isalnum() }} {{ "12".isdigit() }} {{ " ".isspace() }} {{ "ab".islower() }} {{ "AB".isupper() }} {{ "Ab Cd".istitle() }} {{ "a_b".isidentifier() }} {{ "1a".isidentifier() }} {{ "12".isdecimal() }}',
  ],
  [
    '{{ "{} and {}".format("a", "b") }} {{ "{0}{1}{0}".format("x", "y") }} {{ "{name}!".format(name="n") }} {{ "{:>6}|{:<4}|{:^5}|{:05d}|{:.2f}|{:,}|{!r}".format("r", "l", "c", 42, 3.14159, 1234567, "q") }}',
  ],
  [
    '{{ "{:x} {:o} {:b} {:e} {:%} {:+d}".format(255, 8, 5, 1234.5, 0.25, 3) }} {{ "{}".format(1.0) }} {{ "{}".format(true) }}',
  ],
  [
    '{{ cookiecutter.unicode.upper() }} {{ cookiecutter.unicode.lower() }} {{ cookiecutter.unicode.title() }} {{ cookiecutter.unicode|length }}',
  ],
  ['{{ x.title }}', true],
  ['{{ x.nope }}'],
  ['{{ x.encode("utf-8") }}', true],
  // filters
  [
    '{{ x|lower }} {{ x|upper }} {{ "hello wORLD"|capitalize }} {{ "hello-world (test) [x] <y>"|title }} {{ "they\'re bill\'s"|title }}',
  ],
  [
    '[{{ "  x  "|trim }}] [{{ "..x.."|trim(".") }}] {{ x|replace("o", "0") }} {{ x|replace("o", "0", 1) }} {{ x|length }} {{ lst|count }} {{ cookiecutter.d|length }}',
  ],
  [
    '{{ lst|first }} {{ lst|last }} {{ x|first }} {{ x|last }} {{ []|first is undefined }} {{ lst|join("-") }} {{ users|join(", ", attribute="name") }} {{ lst|sum }} {{ users|sum(attribute="age") }}',
  ],
  [
    '{{ cookiecutter.items|sort }} {{ cookiecutter.items|sort(case_sensitive=true) }} {{ cookiecutter.items|sort(reverse=true) }} {{ users|sort(attribute="age")|map(attribute="name")|list }} {{ users|sort(attribute="age,name")|map(attribute="name")|join }}',
  ],
  [
    '{{ cookiecutter.nums|unique|list }} {{ ["a", "A", "b"]|unique|list }} {{ ["a", "A", "b"]|unique(case_sensitive=true)|list }} {{ cookiecutter.nums|min }} {{ cookiecutter.nums|max }} {{ ["b", "A"]|min }} {{ users|max(attribute="age") }}',
  ],
  [
    '{{ lst|reverse|list }} {{ x|reverse }} {{ lst|list }} {{ "ab"|list }} {{ cookiecutter.d|list }} {{ range(5)|list }} {{ range(1, 10, 3)|list }} {{ range(5, 0, -2)|list }}',
  ],
  ['{{ lst|reverse }}', true],
  ['{{ lst|map("string") }}', true],
  [
    '{{ "42"|int }} {{ "42.7"|int }} {{ "x"|int }} {{ "x"|int(-1) }} {{ "0x1A"|int(0, 16) }} {{ "0b11"|int(base=2) }} {{ 3.9|int }} {{ " 12 "|int }} {{ "1_000"|int }} {{ none|int }}',
  ],
  [
    '{{ "3.5"|float }} {{ "x"|float }} {{ 3|float }} {{ "1e3"|float }} {{ " -2.5 "|float }} {{ "inf"|float }} {{ "nan"|float }}',
  ],
  [
    '{{ 2.5|round }} {{ 3.5|round }} {{ 2.675|round(2) }} {{ 2.1|round(0, "ceil") }} {{ 2.9|round(0, "floor") }} {{ 42|round }} {{ 1234|round(-2) }} {{ 1250|round(-2) }} {{ -0.5|round }}',
  ],
  [
    '{{ -3|abs }} {{ -3.5|abs }} {{ 10|filesizeformat }} {{ 1|filesizeformat }} {{ 1500|filesizeformat }} {{ 2048|filesizeformat(true) }} {{ 1234567890|filesizeformat }}',
  ],
  [
    '{{ "%s|%s"|format("a", 1) }} {{ "%(x)s"|format(x="k") }} {{ x|center(15) }}|{{ x|wordcount }} {{ cookiecutter.text|truncate(20) }} {{ cookiecutter.text|truncate(20, true) }} {{ cookiecutter.text|truncate(20, false, "!") }} {{ "short"|truncate(5) }}',
  ],
  [
    '{{ "a\\nb\\n\\nc"|indent }}|{{ "a\\nb"|indent(2, true) }}|{{ "a\\n\\nb"|indent(width="> ", blank=true) }}|{{ "x"|indent(first=true) }}',
  ],
  [
    '{{ cookiecutter.d|dictsort }} {{ cookiecutter.d|dictsort(by="value", reverse=true) }} {{ cookiecutter.d|items|list }} {{ missing|items|list }}',
  ],
  [
    '{% for g in users|groupby("city") %}{{ g.grouper }}:{{ g.list|map(attribute="name")|join(",") }};{% endfor %} {% for k, v in users|groupby("age") %}{{ k }}={{ v|length }} {% endfor %}',
  ],
  [
    '{{ lst|batch(2)|list }} {{ lst|batch(2, "x")|list }} {{ range(7)|slice(3)|list }} {{ range(7)|slice(3, 0)|list }}',
  ],
  [
    '{{ lst|select("odd")|list }} {{ lst|reject("odd")|list }} {{ lst|select("greaterthan", 1)|list }} {{ users|selectattr("age", "eq", 30)|map(attribute="name")|list }} {{ users|rejectattr("city", "in", ["NY"])|map(attribute="name")|list }} {{ [0, 1, "", "a"]|select|list }}',
  ],
  [
    '{{ lst|map("string")|join }} {{ ["a", "b"]|map("upper")|list }} {{ users|map(attribute="missing", default="-")|list }} {{ users|map(attribute="city")|map("lower")|unique|list }}',
  ],
  [
    '{{ {"b": [1, 2], "a": "<&\'>"}|tojson }} {{ {"a": {"b": 1}}|tojson(2) }} {{ "é"|tojson }} {{ [1.0, none, true]|tojson }} {{ cookiecutter.d|jsonify }}',
  ],
  [
    '{{ "<a href=\'x\'>&</a>"|e }} {{ "<b>"|escape }} {{ "<b>"|safe }} {{ "<p>Hello <b>World</b></p>"|striptags }} {{ "a b&c/d"|urlencode }} {{ {"a": "b c", "d": 1}|urlencode }}',
  ],
  [
    '{{ "My Project Name!"|slugify }} {{ "  A--B__c  "|slugify }} {{ "1,000 things"|slugify }} {{ "It\'s here"|slugify }} {{ "a b c"|slugify(separator="_") }} {{ "Hello World"|slugify(max_length=8) }}',
  ],
  ['{{ "Ünïcode"|slugify }}', true],
  ['{{ lst|random }}', true],
  ['{{ "x"|wordwrap(3) }}', true],
  ['{{ x|nosuchfilter }}'],
  ['{% if false %}{{ x|nosuchfilter }}{% endif %}ok'],
  ['{{ x if false else x|nosuchfilter }}'],
  ['{% for i in [] %}{{ i|nosuchfilter }}{% endfor %}'],
  [
    '{{ {"b": 1, "a": 2}|pprint }} {{ "s"|pprint }} {{ lst|string }} {{ 1|string }} {{ x|attr("upper")() }} {{ {"k": 1}|xmlattr }} {{ lst|sum(start=10) }}',
  ],
  // tests
  [
    '{{ 3 is odd }} {{ 4 is even }} {{ 9 is divisibleby 3 }} {{ none is none }} {{ "a" is string }} {{ 1 is number }} {{ 1.0 is float }} {{ 1 is integer }} {{ true is boolean }} {{ {} is mapping }} {{ [] is sequence }} {{ "a" is iterable }} {{ 1 is iterable }}',
  ],
  [
    '{{ "ab" is lower }} {{ "AB" is upper }} {{ 2 is in [1, 2] }} {{ 1 is eq 1 }} {{ 2 is gt 1 }} {{ 2 is ge 3 }} {{ 1 is lessthan 2 }} {{ "upper" is filter }} {{ "odd" is test }} {{ x.upper is callable }} {{ true is sameas true }} {{ x is not string }}',
  ],
  ['{{ x is nosuchtest }}'],
  ['{{ 1 is sameas 1 }}', true],
  // statements
  ['{% if n > 5 %}big{% elif n > 2 %}mid{% else %}small{% endif %}'],
  [
    '{% if cookiecutter.flag == "y" %}yes{% endif %}|{% if cookiecutter.missing == "y" %}no{% endif %}',
  ],
  [
    '{% for i in lst %}{{ loop.index }}/{{ loop.length }}:{{ i }}{% if not loop.last %},{% endif %}{% endfor %}',
  ],
  [
    '{% for i in lst %}{{ loop.index0 }}{{ loop.revindex }}{{ loop.revindex0 }}{{ loop.first }}{{ loop.cycle("a", "b") }}{% if loop.previtem is defined %}<{{ loop.previtem }}{% endif %}{% if loop.nextitem is defined %}>{{ loop.nextitem }}{% endif %} {% endfor %}',
  ],
  [
    '{% for i in [] %}x{% else %}empty{% endfor %} {% for i in lst if i > 1 %}{{ i }}{{ loop.length }}{% endfor %} {% for k, v in cookiecutter.d.items() %}{{ k }}={{ v }};{% endfor %}',
  ],
  [
    '{% for k in cookiecutter.d %}{{ k }}{% endfor %} {% for c in "abc" %}{{ c }}{% endfor %} {% for a, b in [(1, 2), (3, 4)] %}{{ a + b }}{% endfor %}',
  ],
  ['{% for a, b in [(1, 2, 3)] %}{% endfor %}'],
  ['{% for i in missing %}{% endfor %}'],
  ['{% for i in 5 %}{% endfor %}'],
  [
    '{% for i in lst %}{% for j in lst %}{{ loop.index }}{% endfor %}|{{ loop.index }} {% endfor %}',
  ],
  [
    '{% for i in [1, 1, 2] %}{% if loop.changed(i) %}{{ i }}{% endif %}{% endfor %}',
  ],
  [
    '{% set a = 1 %}{% set b, c = 2, 3 %}{{ a }}{{ b }}{{ c }}{% set l = [] %}{% set _ = l.append(4) %}{{ l }}{% set d = {} %}{% set _ = d.update({"k": 1}) %}{{ d }}',
  ],
  [
    '{% set ns = namespace(found=false, n=0) %}{% for i in lst %}{% if i == 2 %}{% set ns.found = true %}{% endif %}{% set ns.n = ns.n + i %}{% endfor %}{{ ns.found }} {{ ns.n }} {{ ns }}',
  ],
  ['{% set x2 = 1 %}{% for i in lst %}{% set x2 = i %}{% endfor %}{{ x2 }}'],
  [
    '{% set y %}block {{ x }}{% endset %}[{{ y }}]{% set z | upper %}up{% endset %}{{ z }}',
  ],
  [
    '{% filter upper %}hello {{ x }}{% endfilter %} {% with a = 1, b = 2 %}{{ a + b }}{% endwith %}{{ a is defined }}',
  ],
  [
    '{% macro greet(name, greeting="Hi") %}{{ greeting }}, {{ name }}!{% endmacro %}{{ greet("A") }} {{ greet("B", "Yo") }} {{ greet(name="C") }} {{ greet }}',
  ],
  [
    '{% macro m(a) %}{{ a }}{{ varargs }}{{ kwargs }}{% endmacro %}{{ m(1, 2, 3, k=4) }}',
  ],
  ['{% macro m(a) %}{{ a }}{% endmacro %}{{ m(1, 2) }}'],
  ['{% macro m(a, b) %}{{ b }}{% endmacro %}{{ m(1) }}'],
  [
    '{% set j = joiner(" | ") %}{% for i in lst %}{{ j() }}{{ i }}{% endfor %} {% set c = cycler("odd", "even") %}{% for i in lst %}{{ c.next() }}{% endfor %}{{ c.current }}',
  ],
  [
    '{% set z = none %}{{ z }} {{ missing|default(none) }} {{ "x"|float(none) }} {{ "x"|int(none) }} {% set range = none %}{{ range }}',
  ],
  [
    '{{ dict(a=1, b=2) }} {{ dict([("x", 1)]) }} {{ range(3) }} {{ range(0, 10, 2) }}',
  ],
  ['{% print x, n %}'],
  ['{% if true %}unclosed'],
  ['{% endif %}'],
  ['{% foo %}'],
  ['{{ x }'],
  ['{{ "unterminated }}'],
  ['{# unclosed comment'],
  ['{{ ) }}'],
  ['{{ x | }}'],
  ['{% do lst.append(1) %}'],
  ['{% for i in lst %}{% break %}{% endfor %}'],
  ['{% include "x.html" %}'],
  ['{% from "m" import a %}'],
  ['{% import "m" as m with context %}'],
  ['{% extends "base" %}', true],
  ['{% block b %}x{% endblock %}', true],
  ['{% autoescape true %}{% endautoescape %}', true],
  // whitespace control and raw
  ['a  \n  {%- if true -%}  \n  b  \n  {%- endif %}  \n  c'],
  ['{{- x -}}  \n  {{ n }}'],
  ['a {#- comment -#} b {# c #} d'],
  ['x\n{% if true %}\ny\n{% endif %}\nz\n'],
  ['{% raw %}{{ not rendered }} {% if %}{% endraw %}'],
  ['a  {%- raw -%}  {{ x }}  {%- endraw -%}  b'],
  ['{%+ if true %}x{%+ endif %}'],
  ['{% raw %}unterminated'],
  ['line1\r\nline2\r\n'],
  ['trailing newline\n'],
  ['no trailing'],
  ['{{ {"a": {"b": 1}} }}'],
  ['{{ {"a": 1}["a"] }}{{ [[1]][0][0] }}'],
  // more expressions
  [
    '{%- for x in lst -%} {{ x }} {%- endfor %}|a \u00a0 {%- if true %}b{% endif %}|{{ "%5s|%-5s|%.2s" % ("ab", "cd", "efgh") }}',
  ],
  [
    '{{ (1, 2) + (3,) }} {{ {"a": 1} == {"a": 1} }} {{ "a" ~ 1 ~ none ~ true }} {{ -1 ** 2 }} {{ not x in lst }} {{ 2 * 3 ** 2 }} {{ 10 - 2 - 3 }}',
  ],
  [
    '{% set ns2 = namespace() %}{% set ns2.y = 1 %}{{ ns2.y }} {{ "%s-%s-%s"|format(*lst) }} {{ lst|join(*[","]) }} {{ dict(**{"a": 1}) }} {{ "{a}{b}".format(**{"a": 1, "b": 2}) }}',
  ],
  [
    '{{ lst|map("int")|list }} {{ ["1", "2"]|map("int")|sum }} {{ lst|selectattr("real")|list }} {{ lst|first|string|length }}',
  ],
  [
    '{% if lst %}{{ lst|length }}{% endif %}{% if not [] %}empty{% endif %}{% if {} %}x{% elif none %}y{% else %}z{% endif %}',
  ],
  [
    '{{ x|string|upper|replace("L", "_")|lower|title }} {{ (x ~ "!")|center(20, "-") if x is string else "" }}',
  ],
  [
    '{{ 1.0 == 1 }} {{ 0.1 * 3 }} {{ 1e16 }} {{ 1e15 }} {{ 123.456e-10 }} {{ -1.5e300 * 1e10 }} {{ 3.0 // 2 }} {{ 2.0 ** 3 }} {{ 2 ** -1 }}',
  ],
  ['{{ 2 ** 0.5 }}', true],
  // time
  ['{% now "utc", "%Y" %}'],
  ["{% now 'utc' + 'days=0', '%Y' %}"],
  ['{% now "utc", "%Q" %}', true],
  // undefined and errors
  ['{{ x.upper() + 1 }}'],
  ['{{ lst.nope() }}'],
  ['{{ x() }}'],
  ['{{ missing() }}'],
  ['{{ n.real }} {{ f.real }}'],
  ['{% set ns = 1 %}{% set ns.a = 1 %}'],
  ['{{ cookiecutter.d.__class__ }}', true],
  ['{{ 2 ** 100 }}', true],
  ['{{ 99999999999999999999 }}', true],
  [
    '{{ "é" is lower }} {{ "ß".upper() }} {{ "ǆemal".title() }} {{ "ǆ".capitalize() }}',
  ],
];

const OPTIONS: Array<{
  name: string;
  keep: boolean;
  extensions?: string[];
  template: string;
  vars?: Record<string, PyValue>;
}> = [
  { name: 'keep_trailing_newline false', keep: false, template: 'value\n' },
  {
    name: 'keep_trailing_newline false, two newlines',
    keep: false,
    template: 'value\n\n',
  },
  {
    name: 'do extension',
    keep: true,
    extensions: ['jinja2.ext.do'],
    template: '{% set l = [] %}{% do l.append(1) %}{{ l }}',
  },
  {
    name: 'loopcontrols',
    keep: true,
    extensions: ['jinja2.ext.loopcontrols'],
    template:
      '{% for i in [1, 2, 3] %}{% if i == 2 %}{% continue %}{% endif %}{% if i == 3 %}{% break %}{% endif %}{{ i }}{% endfor %}',
  },
];

function renderBuiltin(c: OracleCase): { ok: string } | { err: JinjaError } {
  const env = new JinjaEnvironment({
    keepTrailingNewline: c.keep ?? true,
    doExtension: c.extensions?.includes('jinja2.ext.do'),
    loopControls: c.extensions?.includes('jinja2.ext.loopcontrols'),
  });
  try {
    return { ok: env.fromString(c.template).render(c.vars ?? {}) };
  } catch (e) {
    if (e instanceof JinjaError) return { err: e };
    throw e;
  }
}

describeWithCookiecutter(
  "Jinja2 emulation against cookiecutter's Jinja2",
  cli => {
    const cases: OracleCase[] = [
      ...CASES.map(([template]) => ({ template, vars: VARS })),
      ...OPTIONS.map(o => ({
        template: o.template,
        keep: o.keep,
        extensions: o.extensions,
        vars: VARS,
      })),
    ];
    let python: ReturnType<typeof pythonRender>;
    beforeAll(() => {
      python = pythonRender(cli(), cases);
    });

    /** `ok: <output>`, `error` (Python or we fail), or `unsupported: <why>` (we refuse). */
    const outcome = (
      r: { ok: string } | { err: JinjaError | string },
    ): string => {
      if ('ok' in r) return `ok: ${r.ok}`;
      return typeof r.err !== 'string' && r.err.kind === 'unsupported'
        ? `unsupported: ${r.err.message}`
        : 'error';
    };

    it.each(cases.map((c, i) => [i, c.template] as const))('case %i: %s', i => {
      const expectUnsupported = i < CASES.length && CASES[i][1] === true;
      const ours = outcome(renderBuiltin(cases[i]));
      // A refusal is compared by its prefix; anything else must equal Python's outcome.
      const comparable = expectUnsupported
        ? ours.replace(/^(unsupported): .*$/s, '$1')
        : ours;
      expect(comparable).toEqual(
        expectUnsupported ? 'unsupported' : outcome(python[i]),
      );
    });
  },
);

describe('Jinja2 emulation limits', () => {
  it('stops runaway loops instead of blocking the backend', () => {
    const env = new JinjaEnvironment({
      keepTrailingNewline: true,
      renderBudgetMs: 300,
    });
    const start = Date.now();
    let error: unknown;
    try {
      env
        .fromString(
          '{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}',
        )
        .render({});
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(JinjaError);
    expect((error as JinjaError).kind).toBe('unsupported');
    expect(Date.now() - start).toBeLessThan(5_000);
  });

  it('turns runaway recursion into an error', () => {
    const env = new JinjaEnvironment({ keepTrailingNewline: true });
    expect(() =>
      env
        .fromString('{% macro m(n) %}{{ m(n + 1) }}{% endmacro %}{{ m(0) }}')
        .render({}),
    ).toThrow(/RecursionError/);
  });
});
