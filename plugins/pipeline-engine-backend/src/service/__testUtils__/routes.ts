import type { Router } from 'express';

/** An HTTP method supertest and express both know. */
export type RouteMethod = 'get' | 'post' | 'put' | 'delete' | 'patch';

/** One route registered on an express router. */
export interface RegisteredRoute {
  method: RouteMethod;
  /** Express path, e.g. `/pipelines/:org/:project/:pipelineId`. */
  path: string;
}

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
}

/**
 * The spec route backend-openapi-utils adds to every router it creates; the
 * plugin's httpRouter requires credentials for it like for any other route.
 */
export const OPENAPI_SPEC_ROUTE = '/openapi.json';

/** Lists the API routes of a router, in registration order. */
export function listRegisteredRoutes(router: Router): RegisteredRoute[] {
  const stack = (router as unknown as { stack: Layer[] }).stack;
  return stack.flatMap(layer =>
    layer.route && layer.route.path !== OPENAPI_SPEC_ROUTE
      ? Object.keys(layer.route.methods)
          .filter(method => layer.route!.methods[method])
          .map(method => ({
            method: method as RouteMethod,
            path: layer.route!.path,
          }))
      : [],
  );
}
