import { InputError } from '@backstage/errors';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import type { AnyRequest } from './requestAuth';
import { describeValidationErrors } from './validationMessages';

/*
 * Validates a request against its operation in openapi.yaml: path, query
 * and header parameters and JSON bodies. Routes call it after
 * authentication and the permission check, so a caller without
 * credentials gets 401 and one without permission 403 whatever the request
 * holds. YAML bodies are checked by the YAML parser, with line:col.
 */

type Schema = { [key: string]: unknown };

interface ParameterObject {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Schema;
}

interface OperationObject {
  operationId?: string;
  parameters?: readonly unknown[];
  requestBody?: unknown;
}

/** The parts of an OpenAPI document the validator reads. */
export interface OpenApiDocument {
  readonly paths: { readonly [path: string]: unknown };
  readonly components?: { readonly [section: string]: unknown };
}

interface CompiledParameter {
  name: string;
  required: boolean;
  schema: Schema;
  validate: ValidateFunction;
}

interface CompiledOperation {
  path: CompiledParameter[];
  query: CompiledParameter[];
  header: CompiledParameter[];
  body?: { schema: Schema; validate: ValidateFunction };
}

/** Formats the spec uses on request fields; response formats are not checked. */
const FORMATS = {
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  'date-time': (value: string) => !Number.isNaN(Date.parse(value)),
};

const SPEC_ID = 'openapi.yaml';

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

function isObject(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `/pipelines/:org/:project` → `/pipelines/{org}/{project}`. */
function openApiPathOf(expressPath: string): string {
  return expressPath.replace(/:(\w+)/g, '{$1}');
}

/** A query value as its schema's type, so `limit=5` validates as an integer. */
function coerceQueryValue(value: string, schema: Schema): unknown {
  if (schema.type === 'integer' || schema.type === 'number') {
    return /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  }
  if (schema.type === 'boolean') {
    if (value === 'true') return true;
    if (value === 'false') return false;
  }
  return value;
}

/** Validates requests against the operations of an OpenAPI document. */
export class RequestValidator {
  private readonly ajv: Ajv;
  private readonly operations = new Map<string, CompiledOperation>();

  constructor(private readonly spec: OpenApiDocument) {
    this.ajv = new Ajv({
      allErrors: true,
      strict: false,
      verbose: true,
      formats: FORMATS,
    });
    // Component $refs resolve against the whole document.
    this.ajv.addSchema({ ...spec, $id: SPEC_ID } as Schema);
    // Compiled up front: the first request of each route pays nothing.
    for (const [path, pathItem] of Object.entries(spec.paths)) {
      for (const method of METHODS) {
        if (isObject(pathItem) && isObject(pathItem[method])) {
          this.operations.set(`${method} ${path}`, this.compile(path, method));
        }
      }
    }
  }

  /**
   * Checks the request of a route handler against its operation, converts
   * query values to their schema types in place, and throws an InputError
   * naming every field that does not fit and what it must be.
   */
  validate(req: AnyRequest): void {
    const operation = this.operationOf(req);
    const problems: string[] = [];
    for (const parameter of operation.path) {
      const value = req.params[parameter.name];
      if (!parameter.validate(value)) {
        problems.push(
          ...this.describe(
            parameter.validate.errors,
            `Path parameter '${parameter.name}'`,
          ),
        );
      }
    }
    for (const parameter of operation.query) {
      problems.push(...this.validateQuery(req, parameter));
    }
    for (const parameter of operation.header) {
      problems.push(...this.validateHeader(req, parameter));
    }
    const body: unknown = req.body;
    // YAML text is parsed later, with line:col in its errors.
    if (operation.body && typeof body !== 'string') {
      const { validate } = operation.body;
      if (!validate(body ?? {})) {
        problems.push(...this.describe(validate.errors, 'The request body'));
      }
    }
    if (problems.length > 0) {
      throw new InputError(problems.join('; '));
    }
  }

  private validateQuery(
    req: AnyRequest,
    parameter: CompiledParameter,
  ): string[] {
    const raw = req.query[parameter.name];
    const where = `Query parameter '${parameter.name}'`;
    if (raw === undefined || raw === '') {
      if (!parameter.required) return [];
      const choices = Array.isArray(parameter.schema.enum)
        ? `: ${parameter.schema.enum.join(' or ')}`
        : '';
      return [`${where} is required${choices}`];
    }
    if (typeof raw !== 'string') {
      return [`${where} must be given once`];
    }
    const value = coerceQueryValue(raw, parameter.schema);
    if (!parameter.validate(value)) {
      return this.describe(parameter.validate.errors, where);
    }
    (req.query as Record<string, unknown>)[parameter.name] = value;
    return [];
  }

  /**
   * A header the schema describes in words (`description`) is reported as
   * what it must be and how long the sent one is: headers such as
   * Idempotency-Key may hold secret-looking values, never echoed.
   */
  private validateHeader(
    req: AnyRequest,
    parameter: CompiledParameter,
  ): string[] {
    const value = req.get(parameter.name);
    const where = `Header '${parameter.name}'`;
    if (value === undefined) {
      return parameter.required ? [`${where} is required`] : [];
    }
    const length = value.length;
    if (parameter.validate(value)) return [];
    const { description } = parameter.schema;
    if (typeof description === 'string') {
      return [`${where} must be ${description} (got ${length} character(s))`];
    }
    return this.describe(parameter.validate.errors, where);
  }

  private describe(
    errors: ErrorObject[] | null | undefined,
    where: string,
  ): string[] {
    return describeValidationErrors(errors ?? [], where, ref =>
      this.resolve(ref),
    );
  }

  private operationOf(req: AnyRequest): CompiledOperation {
    const routePath: unknown = req.route?.path;
    if (typeof routePath !== 'string') {
      throw new Error('validate() must be called from a route handler');
    }
    const method = req.method.toLowerCase();
    const path = openApiPathOf(routePath);
    const key = `${method} ${path}`;
    let compiled = this.operations.get(key);
    if (!compiled) {
      compiled = this.compile(path, method);
      this.operations.set(key, compiled);
    }
    return compiled;
  }

  private compile(path: string, method: string): CompiledOperation {
    const pathItem = this.spec.paths[path];
    const operation = isObject(pathItem) ? pathItem[method] : undefined;
    if (!isObject(pathItem) || !isObject(operation)) {
      throw new Error(`openapi.yaml has no operation ${method} ${path}`);
    }
    const op = operation as OperationObject;
    const parameters = [
      ...((pathItem.parameters as unknown[] | undefined) ?? []),
      ...(op.parameters ?? []),
    ].map(parameter => this.resolve(parameter) as unknown as ParameterObject);
    const compileParameter = (
      parameter: ParameterObject,
    ): CompiledParameter => {
      const schema = parameter.schema ?? {};
      return {
        name: parameter.name,
        required: parameter.required === true,
        schema: this.resolve(schema),
        validate: this.compileSchema(schema),
      };
    };
    const bodySchema = this.jsonBodySchemaOf(op.requestBody);
    return {
      path: parameters.filter(p => p.in === 'path').map(compileParameter),
      query: parameters.filter(p => p.in === 'query').map(compileParameter),
      header: parameters.filter(p => p.in === 'header').map(compileParameter),
      ...(bodySchema
        ? {
            body: {
              schema: bodySchema,
              validate: this.compileSchema(bodySchema),
            },
          }
        : {}),
    };
  }

  private jsonBodySchemaOf(requestBody: unknown): Schema | undefined {
    const body = this.resolve(requestBody);
    const content = isObject(body) ? body.content : undefined;
    const json = isObject(content) ? content['application/json'] : undefined;
    return isObject(json) && isObject(json.schema) ? json.schema : undefined;
  }

  /** A schema of the document, its component $refs resolved against the document. */
  private compileSchema(schema: Schema): ValidateFunction {
    return this.ajv.compile(this.withAbsoluteRefs(schema));
  }

  private withAbsoluteRefs(value: unknown): Schema {
    const rewrite = (node: unknown): unknown => {
      if (Array.isArray(node)) return node.map(rewrite);
      if (!isObject(node)) return node;
      return Object.fromEntries(
        Object.entries(node).map(([key, child]) => [
          key,
          key === '$ref' && typeof child === 'string' && child.startsWith('#')
            ? `${SPEC_ID}${child}`
            : rewrite(child),
        ]),
      );
    };
    return rewrite(value) as Schema;
  }

  /** Follows a local `$ref` (`#/components/...`) to what it names. */
  private resolve(value: unknown): Schema {
    let node = value;
    for (
      let hops = 0;
      isObject(node) && typeof node.$ref === 'string';
      hops++
    ) {
      if (hops > 16) throw new Error(`$ref cycle at ${node.$ref}`);
      const segments = node.$ref.replace(/^#\//, '').split('/');
      let target: unknown = this.spec;
      for (const segment of segments) {
        target = isObject(target) ? target[segment] : undefined;
      }
      node = target;
    }
    return isObject(node) ? node : {};
  }
}
