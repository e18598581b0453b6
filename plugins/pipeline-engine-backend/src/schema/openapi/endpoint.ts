import type { operations } from '@idp-pipelines/plugin-pipeline-engine-common';

/*
 * Maps an operation of the generated client schema (openapi-typescript,
 * from openapi.yaml) to the entry shape of backend-openapi-utils'
 * `EndpointMap`, so `TypedRouter` types each handler's params, query, body
 * and response from the same spec the client is generated from.
 */

/** The operationIds of openapi.yaml. */
export type OperationId = keyof operations;

type Parameters<Op> = Op extends { parameters: infer P } ? P : never;

type PathOf<Op> =
  Parameters<Op> extends { path: infer Path }
    ? [Path] extends [never | undefined]
      ? {}
      : { path: Path }
    : {};

type QueryOf<Op> =
  Parameters<Op> extends { query?: infer Query }
    ? [Query] extends [never | undefined]
      ? {}
      : { query: NonNullable<Query> }
    : {};

/**
 * The JSON body the validator checks. A YAML body arrives as text instead;
 * the routes that take one read `req.body` as unknown (`yamlDocumentOf`).
 */
type BodyOf<Op> = Op extends { requestBody?: infer Body }
  ? [Body] extends [never | undefined]
    ? {}
    : NonNullable<Body> extends {
          content: { 'application/json': infer Json };
        }
      ? { body: Json }
      : {}
  : {};

type SuccessOf<Responses> = {
  [Status in keyof Responses]: Status extends 200 | 201 | 202
    ? Responses[Status] extends { content: infer Content }
      ? Content[keyof Content]
      : void
    : Status extends 204
      ? void
      : never;
}[keyof Responses];

type ResponseOf<Op> = Op extends { responses: infer Responses }
  ? { response: SuccessOf<Responses> }
  : {};

/** One `EndpointMap` entry: path params, query, body and success response of an operation. */
export type Endpoint<Id extends OperationId> = PathOf<operations[Id]> &
  QueryOf<operations[Id]> &
  BodyOf<operations[Id]> &
  ResponseOf<operations[Id]>;
