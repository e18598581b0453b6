import { CookiecutterTemplateError, CLI_HINT } from '../errors';
import type { JinjaEnvironmentOptions } from '../jinja/environment';
import { type PyValue, iterate, pyStr } from '../jinja/values';

/* The `_extensions` of cookiecutter.json that the builtin engine can honour. */

/** Loaded by cookiecutter 1.7 anyway: naming them changes nothing. */
const DEFAULTS = new Set([
  'cookiecutter.extensions.JsonifyExtension',
  'cookiecutter.extensions.RandomStringExtension',
  'cookiecutter.extensions.SlugifyExtension',
  'jinja2_time.TimeExtension',
]);

/** Environment options for `_extensions`; any other extension is refused. */
export function extensionOptions(
  value: PyValue | undefined,
  file: string,
): Pick<JinjaEnvironmentOptions, 'doExtension' | 'loopControls'> {
  const options = { doExtension: false, loopControls: false };
  if (value === undefined) return options;
  for (const item of iterate(value)) {
    const name = pyStr(item);
    if (name === 'jinja2.ext.do') options.doExtension = true;
    else if (name === 'jinja2.ext.loopcontrols') options.loopControls = true;
    else if (!DEFAULTS.has(name)) {
      throw new CookiecutterTemplateError(
        `${file}: the Jinja2 extension "${name}" (from _extensions) is not supported by the builtin cookiecutter engine; ${CLI_HINT}`,
        file,
        undefined,
        true,
      );
    }
  }
  return options;
}
