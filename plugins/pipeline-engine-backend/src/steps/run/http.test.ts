import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttpStep } from './http';
import { runMockStep } from '@idp-pipelines/plugin-pipeline-engine-node/testUtils';

jest.setTimeout(30_000);

const BODY = {
  data: { id: '42', name: 'a b' },
  items: [{ id: 1 }, { id: 2 }],
  ok: true,
};

function listen(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ server: Server; base: string; port: number }> {
  return new Promise(resolve => {
    const server = createServer(handler);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, base: `http://127.0.0.1:${port}`, port });
    });
  });
}

describe('Http step', () => {
  let server: Server;
  let other: Server;
  let base: string;
  let host: string;
  let otherBase: string;
  const hits: string[] = [];

  beforeAll(async () => {
    const second = await listen((_req, res) => res.end('other server'));
    other = second.server;
    otherBase = second.base;
    const main = await listen((req, res) => {
      hits.push(`${req.method} ${req.url}`);
      const chunks: Buffer[] = [];
      req.on('data', c => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        switch (req.url) {
          case '/json':
            res.setHeader('content-type', 'application/json');
            res.end(JSON.stringify(BODY));
            return;
          case '/fail':
            res.statusCode = 500;
            res.end('<html>internal error</html>');
            return;
          case '/echo':
            res.statusCode = req.method === 'POST' ? 201 : 200;
            res.end(
              JSON.stringify({
                method: req.method,
                body,
                auth: req.headers.authorization ?? null,
                custom: req.headers['x-custom'] ?? null,
              }),
            );
            return;
          case '/to-json':
            res.writeHead(302, { location: '/json' }).end();
            return;
          case '/see-other':
            res.writeHead(303, { location: '/echo' }).end();
            return;
          case '/to-evil':
            res
              .writeHead(302, {
                location: 'http://metadata.internal.example/latest/meta-data',
              })
              .end();
            return;
          case '/to-other-port':
            res.writeHead(307, { location: `${otherBase}/secret` }).end();
            return;
          case '/slow':
            return; // never answers
          default:
            res.statusCode = 404;
            res.end('not found');
        }
      });
    });
    server = main.server;
    base = main.base;
    host = `127.0.0.1:${main.port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    other.closeAllConnections();
    await new Promise(r => server.close(r));
    await new Promise(r => other.close(r));
  });

  beforeEach(() => {
    hits.length = 0;
  });

  const step = (allow: string[] = [host]) => createHttpStep({ allow });

  it('calls an allowed host, checks the assertion and sets outputs from the response', async () => {
    const r = await runMockStep(step(), {
      url: `${base}/json`,
      method: 'GET',
      assertion:
        '<+httpResponseCode> == 200 && <+json.select("data.id", httpResponseBody)> == "42"',
      outputVariables: [
        {
          name: 'id',
          type: 'String',
          value: '<+json.select("data.id", httpResponseBody)>',
        },
        {
          name: 'label',
          type: 'String',
          value:
            'id-<+json.select("$.data.id", httpResponseBody)>-<+httpResponseCode>',
        },
        {
          name: 'bare',
          type: 'String',
          value: 'json.select("data.name", httpResponseBody)',
        },
        {
          name: 'ids',
          type: 'String',
          value: '<+json.select("items[*].id", httpResponseBody)>',
        },
        {
          name: 'items',
          type: 'String',
          value: '<+json.select("items", httpResponseBody)>',
        },
        {
          name: 'missing',
          type: 'String',
          value: '<+json.select("data.nope", httpResponseBody)>',
        },
        { name: 'body', type: 'Secret', value: '<+httpResponseBody>' },
        { name: 'literal', type: 'String', value: 'just text' },
      ],
    });
    expect(r.error).toBeUndefined();
    expect(r.outputs).toEqual({
      id: '42',
      label: 'id-42-200',
      bare: 'a b',
      ids: '[1,2]',
      items: '[{"id":1},{"id":2}]',
      missing: '',
      body: JSON.stringify(BODY),
      literal: 'just text',
    });
    expect(r.secretOutputs).toEqual(['body']);
    expect(r.logText()).toContain('response 200 OK');
    expect(r.logText()).not.toContain('"data"'); // the body is not logged
  });

  it('fails when the assertion does not hold', async () => {
    const r = await runMockStep(step(), {
      url: `${base}/fail`,
      method: 'GET',
      assertion: '<+httpResponseCode>==200',
    });
    expect(r.error?.message).toBe(
      'assertion <+httpResponseCode>==200 failed (httpResponseCode 500)',
    );
  });

  it('succeeds without an assertion, warning about an error status', async () => {
    const r = await runMockStep(step(), { url: `${base}/fail`, method: 'GET' });
    expect(r.error).toBeUndefined();
    expect(r.log.find(l => l.stream === 'warn')?.text).toContain(
      'the response status is 500',
    );
  });

  it('reports a malformed assertion', async () => {
    const r = await runMockStep(step(), {
      url: `${base}/json`,
      method: 'GET',
      assertion: '<+httpStatus> == 200',
    });
    expect(r.error?.message).toMatch(
      /^spec\.assertion "<\+httpStatus> == 200" cannot be evaluated: .*"httpStatus" is not a known name/,
    );
  });

  it('sends method, headers and body', async () => {
    const r = await runMockStep(step(), {
      url: `${base}/echo`,
      method: 'post',
      headers: [
        { key: 'Authorization', value: 'Bearer t0ken' },
        { key: 'X-Custom', value: 42 },
      ],
      requestBody: '{"name":"svc"}',
      assertion: '<+httpResponseCode> == 201',
      outputVariables: [
        { name: 'method', value: '<+json.select("method", httpResponseBody)>' },
        { name: 'sent', value: '<+json.select("body", httpResponseBody)>' },
        { name: 'custom', value: '<+json.select("custom", httpResponseBody)>' },
      ],
    });
    expect(r.error).toBeUndefined();
    expect(r.outputs.method).toBe('POST');
    expect(r.outputs.sent).toBe('{"name":"svc"}');
    expect(r.outputs.custom).toBe('42');
  });

  it('follows redirects within allowed hosts; 303 turns a POST into a GET', async () => {
    const followed = await runMockStep(step(), {
      url: `${base}/to-json`,
      method: 'GET',
      assertion: '<+httpResponseCode> == 200',
      outputVariables: [
        { name: 'id', value: '<+json.select("data.id", httpResponseBody)>' },
      ],
    });
    expect(followed.error).toBeUndefined();
    expect(followed.outputs.id).toBe('42');
    const seeOther = await runMockStep(step(), {
      url: `${base}/see-other`,
      method: 'POST',
      requestBody: 'x',
      outputVariables: [
        { name: 'method', value: '<+json.select("method", httpResponseBody)>' },
      ],
    });
    expect(seeOther.outputs.method).toBe('GET');
    expect(hits).toEqual([
      'GET /to-json',
      'GET /json',
      'POST /see-other',
      'GET /echo',
    ]);
  });

  it('refuses hosts that are not allowed, naming the host and the config key, without calling them', async () => {
    const none = await runMockStep(step([]), {
      url: `${base}/json`,
      method: 'GET',
    });
    expect(none.error?.name).toBe('NotAllowedError');
    expect(none.error?.message).toMatch(
      new RegExp(
        `^Http step "step": spec\\.url ${base}/json refused: host "${host}" is not in pipelineEngine\\.network\\.allow; add "${host}" to pipelineEngine\\.network\\.allow`,
      ),
    );
    const wrongPort = await runMockStep(step(['127.0.0.1']), {
      url: `${base}/json`,
      method: 'GET',
    });
    expect(wrongPort.error?.message).toContain(
      'is not in pipelineEngine.network.allow',
    );
    const scheme = await runMockStep(step(['*:*']), {
      url: 'file:///etc/passwd',
      method: 'GET',
    });
    expect(scheme.error?.message).toContain(
      'only http or https URLs are allowed here',
    );
    expect(hits).toEqual([]);
  });

  it('refuses redirects to hosts that are not allowed', async () => {
    const evil = await runMockStep(step(), {
      url: `${base}/to-evil`,
      method: 'GET',
    });
    expect(evil.error?.message).toBe(
      `Http step "step": spec.url redirect from ${base}/to-evil to http://metadata.internal.example/latest/meta-data refused: ` +
        'host "metadata.internal.example" is not in pipelineEngine.network.allow; add "metadata.internal.example" ' +
        '(or a pattern such as "*.internal.example") to pipelineEngine.network.allow in app-config to allow it',
    );
    const otherPort = await runMockStep(step(), {
      url: `${base}/to-other-port`,
      method: 'GET',
    });
    expect(otherPort.error?.message).toContain(
      `redirect from ${base}/to-other-port to ${otherBase}/secret refused`,
    );
    expect(hits).toEqual(['GET /to-evil', 'GET /to-other-port']);
  });

  it('stops waiting when the step is aborted or times out', async () => {
    const abort = new AbortController();
    const pending = runMockStep(
      step(),
      { url: `${base}/slow`, method: 'GET' },
      { signal: abort.signal },
    );
    setTimeout(() => abort.abort(new Error('step timed out after 1s')), 200);
    const r = await pending;
    expect(r.error?.message).toBe('step timed out after 1s');
  });

  it('reports connection failures with their code', async () => {
    const { server: closed, port } = await listen(() => undefined);
    await new Promise(r => closed.close(r));
    const r = await runMockStep(step([`127.0.0.1:${port}`]), {
      url: `http://127.0.0.1:${port}/`,
      method: 'GET',
    });
    expect(r.error?.message).toContain(`GET http://127.0.0.1:${port}/ failed`);
    expect((r.error as { code?: string }).code).toBe('ECONNREFUSED');
  });

  it('refuses client certificates rather than ignoring them', async () => {
    const r = await runMockStep(step(), {
      url: `${base}/json`,
      method: 'GET',
      certificate: 'PEM',
    });
    expect(r.error?.message).toContain('not supported');
  });
});
