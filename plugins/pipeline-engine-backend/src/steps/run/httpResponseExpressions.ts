import { InputError } from '@backstage/errors';
import {
  ExpressionEngine,
  type ExpressionContext,
} from '@idp-pipelines/plugin-pipeline-engine-common';

/*
 * The Http step's assertion and output values are evaluated after the call
 * by the engine's own `<+...>` language, over the response names below plus
 * the `json` functor: `<+httpResponseCode> == 200`, `200==<+httpResponseCode>`,
 * `<+json.select("data.id", httpResponseBody)> == "42"`,
 * `<+json.object(httpResponseBody).status>`. As in FirstGen, an assertion may
 * also name them without `<+ >`: `json.select("status", httpResponseBody) == "ok"`.
 */

/** The response values expressions can read. */
export interface HttpResponseValues {
  httpResponseCode: number;
  httpResponseBody: string;
  httpUrl: string;
  httpMethod: string;
}

const RESPONSE_NAMES: ReadonlyArray<keyof HttpResponseValues> = [
  'httpResponseCode',
  'httpResponseBody',
  'httpUrl',
  'httpMethod',
];

/** A bare (FirstGen-style) output expression: a response name or a json functor call, not plain text. */
const BARE_EXPRESSION =
  /^\s*(json\.\w+\s*\(|(httpResponseCode|httpResponseBody|httpUrl|httpMethod)\b)/;

const engine = new ExpressionEngine();

function responseContext(values: HttpResponseValues): ExpressionContext {
  return {
    lookup: root =>
      (RESPONSE_NAMES as readonly string[]).includes(root)
        ? values[root as keyof HttpResponseValues]
        : undefined,
    getSecret: () => undefined,
    rootNames: () => RESPONSE_NAMES,
  };
}

function invalid(
  field: string,
  expression: string,
  error: unknown,
): InputError {
  const reason = error instanceof Error ? error.message : String(error);
  return new InputError(
    `${field} ${JSON.stringify(expression)} cannot be evaluated: ${reason}. ` +
      `It can read ${RESPONSE_NAMES.map(n => `<+${n}>`).join(', ')} and json.select("path", httpResponseBody), json.object(httpResponseBody).field`,
  );
}

/** Evaluates the step's `assertion`: true or false, or an InputError explaining why it cannot be evaluated. */
export function evaluateHttpAssertion(
  assertion: string,
  values: HttpResponseValues,
): boolean {
  try {
    return engine.evaluateCondition(assertion, responseContext(values));
  } catch (error) {
    throw invalid('spec.assertion', assertion, error);
  }
}

/**
 * An output variable's value: text with `<+...>` expressions rendered, or a
 * bare expression over the response (`json.select("id", httpResponseBody)`),
 * or else the text itself. A null result (no JSONPath match) is empty text.
 */
export function renderHttpOutput(
  name: string,
  template: string,
  values: HttpResponseValues,
): string {
  const context = responseContext(values);
  try {
    if (template.includes('<+')) {
      const rendered = engine.render(template, context);
      return rendered.value === null ? '' : rendered.text;
    }
    if (!BARE_EXPRESSION.test(template)) return template;
    const { value } = engine.evaluate(template, context);
    if (value === null) return '';
    return typeof value === 'string' ? value : JSON.stringify(value);
  } catch (error) {
    throw invalid(`output variable ${name}`, template, error);
  }
}
