import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CookiecutterTemplateError,
  CLI_HINT,
  PathEscapeError,
} from '../errors';
import { JinjaEnvironment } from '../jinja/environment';
import { JinjaError } from '../jinja/errors';
import { JsonSyntaxError, pyJsonLoads } from '../jinja/pyJson';
import {
  PyDict,
  type PyValue,
  iterate,
  pyEq,
  pyRepr,
  pyStr,
} from '../jinja/values';
import { extensionOptions } from './extensions';
import { templateError } from './templateErrors';

/*
 * cookiecutter's generate_context() + prompt_for_config(no_input=True):
 * cookiecutter.json, overridden by the step's variables, then each default
 * rendered in order with the variables before it.
 */

/** The `cookiecutter` dict templates see, and what happened to the given variables. */
export interface CookiecutterContext {
  cookiecutter: PyDict;
  /** Given variables not in cookiecutter.json (cookiecutter drops them). */
  ignored: string[];
  /** Given choice values that are not among the choices (cookiecutter keeps the default). */
  invalidChoices: Array<{ name: string; value: string; choices: string[] }>;
  /** Variables holding JSON booleans, rendered as the strings "True"/"False" as cookiecutter 1.7 does. */
  booleans: string[];
}

/**
 * Reads cookiecutter.json as an OrderedDict; `keyLines` receives the line
 * of each variable, for errors.
 */
export async function readCookiecutterJson(
  templateDir: string,
  keyLines?: Map<string, number>,
): Promise<PyDict> {
  let bytes: Buffer;
  try {
    bytes = await readFile(join(templateDir, 'cookiecutter.json'));
  } catch (e) {
    throw new CookiecutterTemplateError(
      `the template has no cookiecutter.json (${(e as Error).message})`,
      'cookiecutter.json',
    );
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(
      bytes,
    );
  } catch {
    throw new CookiecutterTemplateError(
      'cookiecutter.json is not valid UTF-8',
      'cookiecutter.json',
    );
  }
  let obj: PyValue;
  try {
    obj = pyJsonLoads(text, keyLines);
  } catch (e) {
    if (e instanceof JsonSyntaxError)
      throw new CookiecutterTemplateError(
        `cookiecutter.json is not valid JSON: ${e.message}`,
        'cookiecutter.json',
        e.line,
      );
    throw templateError(e, 'cookiecutter.json');
  }
  if (!(obj instanceof PyDict))
    throw new CookiecutterTemplateError(
      'cookiecutter.json must hold a JSON object',
      'cookiecutter.json',
    );
  return obj;
}

/** cookiecutter's apply_overwrites_to_context for `--no-input key=value` arguments. */
function applyOverwrites(
  obj: PyDict,
  variables: Record<string, string>,
  ctx: CookiecutterContext,
): void {
  for (const [name, value] of Object.entries(variables)) {
    if (!obj.has(name)) {
      ctx.ignored.push(name);
      continue;
    }
    const current = obj.get(name)!;
    if (Array.isArray(current)) {
      const idx = current.findIndex(c => pyEq(c, value));
      if (idx >= 0) {
        current.splice(idx, 1);
        current.unshift(value);
      } else {
        ctx.invalidChoices.push({
          name,
          value,
          choices: current.map(c => (typeof c === 'string' ? c : pyRepr(c))),
        });
      }
    } else {
      obj.set(name, value);
    }
  }
}

/**
 * Builds the context as `cookiecutter --no-input TEMPLATE key=value...` does.
 * Private `__` variables are rendered (cookiecutter 2.x); `_` ones are not.
 */
export async function buildContext(
  templateDir: string,
  variables: Record<string, string>,
  templateArg: string,
): Promise<CookiecutterContext> {
  const keyLines = new Map<string, number>();
  const obj = await readCookiecutterJson(templateDir, keyLines);
  refuseVersionDependent(obj);
  const ctx: CookiecutterContext = {
    cookiecutter: new PyDict(true),
    ignored: [],
    invalidChoices: [],
    booleans: booleanVariables(obj),
  };
  applyOverwrites(obj, variables, ctx);
  const env = new JinjaEnvironment({
    keepTrailingNewline: false,
    ...extensionOptions(obj.get('_extensions'), 'cookiecutter.json'),
  });
  const dict = ctx.cookiecutter;

  const render = (raw: PyValue, key: string): PyValue => {
    if (raw === null) return null;
    if (raw instanceof PyDict)
      return PyDict.from(
        raw.entries().map(([k, v]) => [render(k, key), render(v, key)]),
      );
    if (Array.isArray(raw)) return raw.map(v => render(v, key));
    try {
      return env.fromString(pyStr(raw)).render({ cookiecutter: dict });
    } catch (e) {
      // The Jinja2 line is within the value; the variable's own line says where to look.
      if (e instanceof JinjaError && keyLines.has(key))
        e.lineno = keyLines.get(key);
      throw templateError(e, 'cookiecutter.json', `variable "${key}"`);
    }
  };

  for (const [key, raw] of obj.entries()) {
    const name = pyStr(key);
    if (name.startsWith('__')) {
      dict.set(key, render(raw, name));
    } else if (name.startsWith('_')) {
      dict.set(key, raw);
    } else if (Array.isArray(raw)) {
      if (!raw.length)
        throw new CookiecutterTemplateError(
          `cookiecutter.json:${keyLines.get(name) ?? 1}: variable "${name}" is an empty choice list`,
          'cookiecutter.json',
          keyLines.get(name),
        );
      dict.set(key, raw.map(option => render(option, name))[0]);
    } else if (!(raw instanceof PyDict)) {
      dict.set(key, render(raw, name));
    }
  }
  for (const [key, raw] of obj.entries()) {
    const name = pyStr(key);
    if (!(raw instanceof PyDict)) continue;
    if (name.startsWith('_') && !name.startsWith('__')) {
      checkPrivateDict(name, raw, render);
      continue;
    }
    dict.set(key, render(raw, name));
  }
  dict.set('_template', templateArg);
  return ctx;
}

const hasBoolean = (v: PyValue): boolean => {
  if (typeof v === 'boolean') return true;
  if (Array.isArray(v)) return v.some(hasBoolean);
  return (
    v instanceof PyDict &&
    v.entries().some(([k, x]) => hasBoolean(k) || hasBoolean(x))
  );
};

/**
 * Rendered variables holding JSON booleans. cookiecutter 1.7 renders them
 * with str(), as "True"/"False" (both truthy in `{% if %}`); 2.2+ keeps booleans.
 */
function booleanVariables(obj: PyDict): string[] {
  return obj
    .entries()
    .map(([key, raw]) => [pyStr(key), raw] as const)
    .filter(
      ([name, raw]) =>
        (!name.startsWith('_') || name.startsWith('__')) && hasBoolean(raw),
    )
    .map(([name]) => name);
}

/** cookiecutter.json features whose meaning changed between cookiecutter 1.x and 2.x. */
function refuseVersionDependent(obj: PyDict): void {
  const refuse = (what: string) => {
    throw new CookiecutterTemplateError(
      `cookiecutter.json: ${what}. The builtin cookiecutter engine refuses to guess which version the template targets: ${CLI_HINT}`,
      'cookiecutter.json',
      undefined,
      true,
    );
  };
  for (const key of obj.keys()) {
    const name = pyStr(key);
    if (name === '_jinja2_env_vars' || name === '_new_lines')
      refuse(`"${name}" is honoured by cookiecutter 2.x only`);
  }
}

/**
 * cookiecutter 1.7 renders `_` dicts in its second pass (stringifying
 * numbers); 2.x keeps them verbatim. Where that makes a difference we refuse
 * rather than pick a version.
 */
function checkPrivateDict(
  name: string,
  raw: PyDict,
  render: (raw: PyValue, key: string) => PyValue,
): void {
  let rendered: PyValue | undefined;
  try {
    rendered = render(raw, name);
  } catch {
    rendered = undefined;
  }
  if (rendered === undefined || !pyEq(rendered, raw)) {
    throw new CookiecutterTemplateError(
      `cookiecutter.json: private dict variable "${name}" holds templates or non-string values, which cookiecutter 1.x renders and 2.x keeps verbatim; ` +
        `the builtin cookiecutter engine refuses to guess. Use only strings without Jinja2 syntax in it, rename it "_${name}" to have it rendered, or ${CLI_HINT}`,
      'cookiecutter.json',
      undefined,
      true,
    );
  }
}

/**
 * `_copy_without_render` patterns, iterated as Python would iterate the
 * value. Patterns match paths inside the project template, so one that
 * climbs out (`..`) or is absolute is refused as an attempt to leave it.
 */
export function copyWithoutRender(cookiecutter: PyDict): string[] {
  const v = cookiecutter.get('_copy_without_render');
  if (v === undefined) return [];
  const patterns = iterate(v).map(pyStr);
  for (const p of patterns) {
    if (p.startsWith('/') || p.split('/').includes('..')) {
      throw new PathEscapeError(
        `cookiecutter.json: _copy_without_render pattern "${p}" points outside the project template`,
        p,
      );
    }
  }
  return patterns;
}
