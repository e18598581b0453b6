import { InputError } from '@backstage/errors';
import { httpStepDefinition } from '@idp-pipelines/plugin-pipeline-engine-common';
import {
  createStepHandler,
  type StepHandler,
} from '@idp-pipelines/plugin-pipeline-engine-node';
import type { z } from 'zod';
import { Agent, fetch as pinnedFetch, Headers } from 'undici';
import { NetworkPolicy } from '../../network';
import {
  evaluateHttpAssertion,
  renderHttpOutput,
  type HttpResponseValues,
} from './httpResponseExpressions';
import { abortError } from './specFields';

const MAX_REDIRECTS = 10;
/** Response bodies larger than this fail the step instead of filling memory. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** The resolved spec of an Http step. */
export type HttpSpec = z.output<typeof httpStepDefinition.spec>;

type PinnedResponse = Awaited<ReturnType<typeof pinnedFetch>>;

async function readBody(
  response: PinnedResponse,
  signal: AbortSignal,
): Promise<string> {
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
      throw new Error(
        `the response body is larger than ${MAX_BODY_BYTES} bytes`,
      );
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * `Http` (Custom stage): calls a URL, checks `assertion` against the
 * response and sets output variables from it. Only URLs the network policy
 * (`pipelineEngine.network.allow`) allows can be called, redirects
 * included; connections go to the addresses the policy checked.
 * Without an assertion any response succeeds, as in Harness.
 */
export function createHttpStep(options: {
  /** The network allow list; without it, a list of only `allow`. */
  network?: NetworkPolicy;
  /** Host patterns, when no `network` is given (tests). */
  allow?: readonly string[];
}): StepHandler<HttpSpec> {
  const network =
    options.network ?? new NetworkPolicy({ allow: options.allow ?? [] });
  return createStepHandler({
    ...httpStepDefinition,
    async handler(ctx) {
      const spec = ctx.spec;
      if (spec.certificate || spec.certificateKey) {
        throw new InputError(
          "certificate and certificateKey (mutual TLS) are not supported by this engine's Http step",
        );
      }
      let url: URL;
      try {
        url = new URL(spec.url.trim());
      } catch {
        throw new InputError(
          `spec.url ${JSON.stringify(spec.url)} is not a URL`,
        );
      }
      const source = {
        step: `Http step "${ctx.step.identifier}"`,
        field: 'spec.url',
      };
      await network.check(url, source);
      // Every connection resolves through the policy again and connects to the
      // address it checked, so DNS cannot change between check and connect.
      const dispatcher = new Agent({
        connect: {
          lookup: network.socketLookup(
            `${source.step}: ${source.field}`,
          ) as never,
        },
      });
      try {
        let method: string = spec.method;
        const headers = new Headers();
        try {
          for (const h of spec.headers ?? [])
            headers.append(h.key.trim(), h.value);
        } catch (error) {
          throw new InputError(`spec.headers: ${(error as Error).message}`);
        }
        let body: string | undefined = spec.requestBody;
        if (body !== undefined && (method === 'GET' || method === 'HEAD')) {
          if (body.trim())
            ctx.logger.warn(`requestBody is not sent with ${method}`);
          body = undefined;
        }

        let response: PinnedResponse;
        for (let hop = 0; ; hop++) {
          ctx.logger.info(`${method} ${url.href}`);
          try {
            response = await pinnedFetch(url, {
              method,
              headers,
              body,
              redirect: 'manual',
              signal: ctx.signal,
              dispatcher,
            });
          } catch (error) {
            if (ctx.signal.aborted) throw abortError(ctx.signal);
            const cause = (
              error as { cause?: { code?: string; message?: string } }
            ).cause;
            throw Object.assign(
              new Error(
                `${method} ${url.href} failed: ${cause?.message ?? (error as Error).message}`,
              ),
              {
                code: cause?.code,
              },
            );
          }
          const location = response.headers.get('location');
          if (!REDIRECTS.has(response.status) || !location) break;
          await response.body?.cancel().catch(() => undefined);
          if (hop >= MAX_REDIRECTS)
            throw new Error(
              `more than ${MAX_REDIRECTS} redirects, the last to ${location}`,
            );
          const next = new URL(location, url);
          await network.check(next, {
            step: source.step,
            field: `${source.field} redirect from ${url.href} to`,
          });
          if (
            response.status === 303 ||
            ((response.status === 301 || response.status === 302) &&
              method === 'POST')
          ) {
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
        ctx.logger.info(
          `response ${response.status} ${response.statusText} (${Buffer.byteLength(responseBody)} bytes)`,
        );
        const values: HttpResponseValues = {
          httpResponseCode: response.status,
          httpResponseBody: responseBody,
          httpUrl: url.href,
          httpMethod: method,
        };
        const assertion = spec.assertion?.trim();
        if (assertion) {
          if (!evaluateHttpAssertion(assertion, values)) {
            throw new Error(
              `assertion ${assertion} failed (httpResponseCode ${response.status})`,
            );
          }
          ctx.logger.info(`assertion ${assertion} passed`);
        } else if (response.status >= 400) {
          ctx.logger.warn(
            `the response status is ${response.status}; add an assertion such as <+httpResponseCode> == 200 to fail the step on it`,
          );
        }
        for (const variable of spec.outputVariables ?? []) {
          const value = renderHttpOutput(
            variable.name,
            variable.value ?? '',
            values,
          );
          ctx.output(variable.name, value, {
            secret: variable.type === 'Secret',
          });
        }
      } finally {
        await dispatcher.close().catch(() => undefined);
      }
    },
  });
}
