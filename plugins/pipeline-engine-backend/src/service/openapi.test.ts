import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { listRegisteredRoutes } from './__testUtils__/routes';
import { createTestApp } from './__testUtils__/routerHarness';

interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, { responses?: object }>>;
  components: Record<string, Record<string, unknown>>;
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch'];

function loadSpec(): OpenApiDocument {
  return parse(
    readFileSync(resolve(__dirname, '../../openapi.yaml'), 'utf8'),
  ) as OpenApiDocument;
}

/** `/pipelines/:org/:project` → `/pipelines/{org}/{project}`. */
const toOpenApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');

function specOperations(spec: OpenApiDocument): string[] {
  return Object.entries(spec.paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter(key => HTTP_METHODS.includes(key))
      .map(method => `${method.toUpperCase()} ${path}`),
  );
}

describe('openapi.yaml', () => {
  it('describes every route the router registers, and no others', async () => {
    const { router } = await createTestApp();
    const registered = listRegisteredRoutes(router).map(
      route => `${route.method.toUpperCase()} ${toOpenApiPath(route.path)}`,
    );
    const documented = specOperations(loadSpec());
    expect(new Set(registered).size).toBe(registered.length);
    expect([...documented].sort()).toEqual([...registered].sort());
  });

  it('resolves every local $ref', () => {
    const spec = loadSpec();
    const refs = new Set<string>();
    const walk = (value: unknown): void => {
      if (Array.isArray(value)) {
        value.forEach(walk);
      } else if (typeof value === 'object' && value !== null) {
        for (const [key, child] of Object.entries(value)) {
          if (key === '$ref' && typeof child === 'string') refs.add(child);
          else walk(child);
        }
      }
    };
    walk(spec);
    expect(refs.size).toBeGreaterThan(10);
    for (const ref of refs) {
      const [, section, name] = /^#\/components\/(\w+)\/(\w+)$/.exec(ref) ?? [];
      expect({ ref, found: Boolean(spec.components[section]?.[name]) }).toEqual(
        {
          ref,
          found: true,
        },
      );
    }
  });

  it('declares 401 on every operation', () => {
    const spec = loadSpec();
    for (const [path, item] of Object.entries(spec.paths)) {
      for (const method of Object.keys(item).filter(m =>
        HTTP_METHODS.includes(m),
      )) {
        expect({
          op: `${method} ${path}`,
          has401: '401' in (item[method].responses ?? {}),
        }).toEqual({
          op: `${method} ${path}`,
          has401: true,
        });
      }
    }
  });
});
