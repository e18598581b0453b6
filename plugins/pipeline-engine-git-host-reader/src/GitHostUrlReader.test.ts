import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mockServices } from '@backstage/backend-test-utils';
import { GitHostUrlReader } from './GitHostUrlReader';

describe('GitHostUrlReader', () => {
  let server: Server;
  let internal: string;
  const seen: Array<{ url?: string; authorization?: string }> = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({ url: req.url, authorization: req.headers.authorization });
      if (!req.headers.authorization) {
        res.writeHead(401).end('private');
      } else if (
        req.url ===
        '/api/pipeline-engine/git/acme/app/raw/main/catalog-info.yaml'
      ) {
        res.writeHead(200).end('kind: Component\n');
      } else {
        res.writeHead(404).end('not found');
      }
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    internal = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/pipeline-engine/git`;
  });

  afterAll(() => new Promise<void>(resolve => server.close(() => resolve())));

  const reader = () =>
    new GitHostUrlReader({
      externalGitBaseUrl:
        'https://backstage.example.com/api/pipeline-engine/git',
      internalGitBaseUrl: internal,
      auth: mockServices.auth({ pluginId: 'catalog' }),
    });
  const FILE =
    'https://backstage.example.com/api/pipeline-engine/git/acme/app/raw/main/catalog-info.yaml';

  it('handles only URLs of the built-in git host', () => {
    expect(reader().handles(new URL(FILE))).toBe(true);
    expect(
      reader().handles(
        new URL('https://backstage.example.com/api/pipeline-engine/gitx/a'),
      ),
    ).toBe(false);
    expect(
      reader().handles(
        new URL('https://github.com/acme/app/blob/main/catalog-info.yaml'),
      ),
    ).toBe(false);
  });

  it('reads through the internal URL with a token of the reading plugin for pipeline-engine', async () => {
    seen.length = 0;
    const response = await reader().readUrl(FILE);
    expect((await response.buffer()).toString()).toBe('kind: Component\n');
    expect(seen).toEqual([
      {
        url: '/api/pipeline-engine/git/acme/app/raw/main/catalog-info.yaml',
        authorization: expect.stringMatching(/^Bearer .+/),
      },
    ]);
    expect(seen[0].authorization).toContain('pipeline-engine');
    await expect(
      reader().readUrl(FILE, { etag: response.etag }),
    ).rejects.toMatchObject({ name: 'NotModifiedError' });
  });

  it('reports missing files as NotFoundError and searches exact URLs', async () => {
    const missing = FILE.replace('catalog-info', 'nope');
    await expect(reader().readUrl(missing)).rejects.toMatchObject({
      name: 'NotFoundError',
    });
    expect((await reader().search(missing)).files).toEqual([]);
    const found = await reader().search(FILE);
    expect(found.files.map(f => f.url)).toEqual([FILE]);
    await expect(
      reader().search(FILE.replace('catalog-info', '*')),
    ).rejects.toMatchObject({ name: 'InputError' });
  });
});
