import { InputError, NotAllowedError } from '@backstage/errors';
import { createStepHandler, type StepHandler } from '@idp-pipelines/plugin-pipeline-engine-node';
import { z } from 'zod';
import { HostAllowList, hostAndPort } from './httpAllowList';
import { evaluateHttpAssertion, renderHttpOutput, type HttpResponseValues } from './httpResponseExpressions';
import { abortError, declaredOutputs, namedVariableList, textValue } from './specFields';

const MAX_REDIRECTS = 10;
/** Response bodies larger than this fail the step instead of filling memory. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

const httpSpec = z
  .object({
    url: textValue,
    // Upper-cased first: an expression may resolve to `post`.
    method: z.string().transform(m => m.toUpperCase()).pipe(z.enum(['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH'])),
    headers: z.array(z.object({ key: z.string().min(1), value: textValue }).passthrough()).optional(),
    requestBody: z.string().optional(),
    assertion: z.string().optional(),
    outputVariables: namedVariableList.optional(),
    inputVariables: namedVariableList.optional(),
    certificate: z.string().optional(),
    certificateKey: z.string().optional(),
    delegateSelectors: z.unknown().optional(),
  })
  .passthrough();

/** The resolved spec of an Http step. */
export type HttpSpec = z.output<typeof httpSpec>;

function refusal(url: URL, what: string): NotAllowedError {
  const host = hostAndPort(url);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return new NotAllowedError(`${what} ${url.href} refused: only http and https URLs can be called`);
  }
  return new NotAllowedError(
    `${what} ${url.href} refused: host "${host}" is not in pipelineEngine.http.allow; ` +
    `add "${host}" (or a pattern such as "*.${url.hostname.split('.').slice(-2).join('.')}") to that list in app-config to allow it`,
  );
}

async function readBody(response: Response, signal: AbortSignal): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    if (signal.aborted) {
      await reader.cancel().catch(() => undefined);
      throw abortError(signal);
    }
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel().catch(() => undefined);
      throw new Error(`the response body is larger than ${MAX_BODY_BYTES} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * `Http` (Custom stage): calls a URL, checks `assertion` against the
 * response and sets output variables from it. Only hosts in
 * `pipelineEngine.http.allow` can be called, redirects included.
 * Without an assertion any response succeeds, as in Harness.
 */
export function createHttpStep(options: { allow: readonly string[] }): StepHandler<HttpSpec> {
  const allowList = new HostAllowList(options.allow);
  return createStepHandler({
    type: 'Http',
    description: 'calls an HTTP endpoint (Custom stage)',
    // Not idempotent although GET and HEAD are: the handler contract decides
    // per step type, not per spec, and a POST/PUT/DELETE/PATCH may not be
    // safe to send twice after an engine restart.
    idempotent: false,
    // These read the response (<+httpResponseCode>, <+json.select(...)>),
    // so the step evaluates them itself after the call.
    deferredFields: ['assertion', 'outputVariables.*.value'],
    spec: httpSpec,
    outputs: declaredOutputs,
    async handler(ctx) {
      const spec = ctx.spec;
      if (spec.certificate || spec.certificateKey) {
        throw new InputError('certificate and certificateKey (mutual TLS) are not supported by this engine\'s Http step');
      }
      let url: URL;
      try {
        url = new URL(spec.url.trim());
      } catch {
        throw new InputError(`spec.url ${JSON.stringify(spec.url)} is not a URL`);
      }
      if (!allowList.allows(url)) throw refusal(url, 'request to');
      let method: string = spec.method;
      const headers = new Headers();
      try {
        for (const h of spec.headers ?? []) headers.append(h.key.trim(), h.value);
      } catch (error) {
        throw new InputError(`spec.headers: ${(error as Error).message}`);
      }
      let body: string | undefined = spec.requestBody;
      if (body !== undefined && (method === 'GET' || method === 'HEAD')) {
        if (body.trim()) ctx.logger.warn(`requestBody is not sent with ${method}`);
        body = undefined;
      }

      let response: Response;
      for (let hop = 0; ; hop++) {
        ctx.logger.info(`${method} ${url.href}`);
        try {
          response = await fetch(url, { method, headers, body, redirect: 'manual', signal: ctx.signal });
        } catch (error) {
          if (ctx.signal.aborted) throw abortError(ctx.signal);
          const cause = (error as { cause?: { code?: string; message?: string } }).cause;
          throw Object.assign(new Error(`${method} ${url.href} failed: ${cause?.message ?? (error as Error).message}`), {
            code: cause?.code,
          });
        }
        const location = response.headers.get('location');
        if (!REDIRECTS.has(response.status) || !location) break;
        await response.body?.cancel().catch(() => undefined);
        if (hop >= MAX_REDIRECTS) throw new Error(`more than ${MAX_REDIRECTS} redirects, the last to ${location}`);
        const next = new URL(location, url);
        if (!allowList.allows(next)) throw refusal(next, `redirect from ${url.href} to`);
        if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
          if (method !== 'HEAD') method = 'GET';
          body = undefined;
          headers.delete('content-type');
          headers.delete('content-length');
        }
        if (next.origin !== url.origin) {
          // Credentials meant for one origin are not sent to another (as browsers do).
          headers.delete('authorization');
          headers.delete('cookie');
        }
        ctx.logger.info(`redirected (${response.status}) to ${next.href}`);
        url = next;
      }

      const responseBody = await readBody(response, ctx.signal);
      ctx.logger.info(`response ${response.status} ${response.statusText} (${Buffer.byteLength(responseBody)} bytes)`);
      const values: HttpResponseValues = {
        httpResponseCode: response.status,
        httpResponseBody: responseBody,
        httpUrl: url.href,
        httpMethod: method,
      };
      const assertion = spec.assertion?.trim();
      if (assertion) {
        if (!evaluateHttpAssertion(assertion, values)) {
          throw new Error(`assertion ${assertion} failed (httpResponseCode ${response.status})`);
        }
        ctx.logger.info(`assertion ${assertion} passed`);
      } else if (response.status >= 400) {
        ctx.logger.warn(`the response status is ${response.status}; add an assertion such as <+httpResponseCode> == 200 to fail the step on it`);
      }
      for (const variable of spec.outputVariables ?? []) {
        const value = renderHttpOutput(variable.name, variable.value ?? '', values);
        ctx.output(variable.name, value, { secret: variable.type === 'Secret' });
      }
    },
  });
}
