/**
 * The NeonPanel OpenAPI document, loaded once per process: an openapi-backend router (which
 * operation a request is, its path and query parameters) and Ajv validators for requests and
 * responses compiled from the document, per operation, on first use.
 *
 * Why not openapi-backend's `OpenAPIBackend` class as a whole:
 * - it checks documents against the OpenAPI 3.0 meta-schema, which rejects the 3.1 type
 *   arrays this contract uses (`["string", "null"]`); @readme/openapi-parser validates 3.1;
 * - its entry point requires @apidevtools/json-schema-ref-parser v16, an ES module, from
 *   CommonJS. Node 20.19+ allows that, but Jest's module loader does not before Node 24.9,
 *   so the sandbox could not run under the test suite. Its router has no such dependency.
 * Request validation follows openapi-backend's own scheme (one schema per operation for path,
 * query and header parameters, unknown query parameters rejected, types coerced) with Ajv.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compileErrors, dereference, validate } from '@readme/openapi-parser';
import { OpenAPIRouter, type Operation, type Request as RouterRequest } from 'openapi-backend/router.js';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS with a default export; under NodeNext the callable sits on `.default`.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

/** `packages/server/openapi/neonpanel.openapi.json`, from both `src/dev/sandbox` and `dist-dev/dev/sandbox` (the same depth). */
export const OPENAPI_PATH = fileURLToPath(new URL('../../../openapi/neonpanel.openapi.json', import.meta.url));

export type { Operation, RouterRequest };

export interface SpecIssue {
  location: 'path' | 'query' | 'header' | 'requestBody' | 'route';
  /** The field as Laravel names it in `errors` (`per_page`, `data.lines.0.sku`); empty for a whole part. */
  field: string;
  message: string;
}

export interface RequestCheck {
  issues: SpecIssue[];
  /** Path parameters, as strings. */
  path: Record<string, string>;
  /** Query parameters coerced to their declared types (arrays where the contract says array). */
  query: Record<string, unknown>;
  /** The JSON body as validated (for GET operations with a body: the query string, see server.ts). */
  body: unknown;
}

export interface IncomingForCheck {
  method: string;
  path: string;
  /** Raw query string, without `?`. */
  query: string;
  headers: Record<string, string | string[]>;
  /** Parsed JSON body, the raw text of another media type, or undefined when there was none. */
  body: unknown;
  /** The request had a body that is not valid JSON although it claimed to be. */
  malformedJson: boolean;
  /** Media type without parameters, lower case; '' when absent. */
  contentType: string;
}

export interface NeonPanelSpec {
  router: OpenAPIRouter;
  document: Record<string, unknown>;
  /** The operation a request is, or why there is none. */
  route(request: RouterRequest): { operation: Operation } | { status: 404 | 405 };
  checkRequest(operation: Operation, request: IncomingForCheck): RequestCheck;
  /** Validates a JSON response body against the schema declared for `status`, or the error envelope. */
  validateResponse(operationId: string, status: number, body: unknown): string[];
  /** Operations declared by the document. */
  operations(): Array<{ operationId: string; method: string; path: string }>;
}

let loaded: Promise<NeonPanelSpec> | undefined;

/** The parsed, validated and compiled contract; built on first use and shared afterwards. */
export function loadNeonPanelSpec(): Promise<NeonPanelSpec> {
  loaded ??= build().catch((error: unknown) => {
    loaded = undefined;
    throw error;
  });
  return loaded;
}

function newAjv(coerce: boolean): Ajv {
  // strict: false because OpenAPI schemas carry `example` and other annotation keywords.
  const ajv = new Ajv({ strict: false, allErrors: true, ...(coerce ? { coerceTypes: 'array' as const } : {}) });
  addFormats(ajv);
  return ajv;
}

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: object;
}

interface RequestValidators {
  params: ValidateFunction;
  /** JSON body schema; undefined when the operation takes no JSON body. */
  body: ValidateFunction | undefined;
  bodyRequired: boolean;
  bodyTypes: string[];
}

async function build(): Promise<NeonPanelSpec> {
  const raw = JSON.parse(readFileSync(OPENAPI_PATH, 'utf8')) as Record<string, unknown>;
  const validation = await validate(structuredClone(raw) as never);
  if (!validation.valid) throw new Error(`The NeonPanel OpenAPI document is invalid:\n${compileErrors(validation)}`);
  // Dereferencing shares objects between `$ref` sites; a JSON round trip makes a plain tree,
  // which Ajv compiles without chasing references (the contract has no cycles).
  const document = JSON.parse(JSON.stringify(await dereference(structuredClone(raw) as never))) as Record<string, unknown>;
  const router: OpenAPIRouter = new OpenAPIRouter({ definition: document as unknown as OpenAPIRouter['definition'], apiRoot: '/' });

  const paramsAjv = newAjv(true);
  const bodyAjv = newAjv(false);
  const requestValidators = new Map<string, RequestValidators>();

  function validatorsFor(operation: Operation): RequestValidators {
    const cached = requestValidators.get(operation.operationId!);
    if (cached) return cached;
    const part = (additional: boolean) => ({ type: 'object', properties: {} as Record<string, object>, required: [] as string[], additionalProperties: additional });
    const schema = {
      type: 'object',
      properties: { path: part(false), query: part(false), header: part(true) },
    };
    for (const p of (operation.parameters ?? []) as Parameter[]) {
      if (p.in === 'cookie') continue;
      const target = schema.properties[p.in];
      const name = p.in === 'header' ? p.name.toLowerCase() : p.name;
      target.properties[name] = p.schema ?? {};
      if (p.required) target.required.push(name);
    }
    const content = ((operation.requestBody ?? {}) as { content?: Record<string, { schema?: object }>; required?: boolean });
    const jsonSchema = content.content?.['application/json']?.schema;
    const validators: RequestValidators = {
      params: paramsAjv.compile(schema),
      body: jsonSchema ? bodyAjv.compile(jsonSchema) : undefined,
      bodyRequired: content.required === true,
      bodyTypes: Object.keys(content.content ?? {}),
    };
    requestValidators.set(operation.operationId!, validators);
    return validators;
  }

  const responseAjv = newAjv(false);
  const schemas = (raw['components'] as { schemas: Record<string, object> }).schemas;
  const errorEnvelope = responseAjv.compile(schemas['ErrorResource']!);
  const validationEnvelope = responseAjv.compile(schemas['ValidationErrorResource']!);
  const responseValidators = new Map<string, ValidateFunction | null>();

  function responseValidator(operation: Operation, status: number): ValidateFunction | null {
    const key = `${operation.operationId}:${status}`;
    const cached = responseValidators.get(key);
    if (cached !== undefined) return cached;
    const responses = (operation.responses ?? {}) as Record<string, { content?: Record<string, { schema?: object }> }>;
    const response = responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses['default'];
    const schema = response?.content?.['application/json']?.schema;
    const validator = schema ? responseAjv.compile(schema) : null;
    responseValidators.set(key, validator);
    return validator;
  }

  return {
    router,
    document,
    route(request) {
      try {
        return { operation: router.matchOperation(request, true) };
      } catch (error) {
        return { status: error instanceof Error && error.message.startsWith('405') ? 405 : 404 };
      }
    },
    checkRequest(operation, request) {
      const validators = validatorsFor(operation);
      const parsed = router.parseRequest({ method: request.method, path: request.path, query: request.query, headers: request.headers }, operation);
      const data = {
        path: { ...(parsed.params as Record<string, string>) },
        query: structuredClone(parsed.query as Record<string, unknown>),
        header: Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v])),
      };
      const issues: SpecIssue[] = [];
      if (!validators.params(data)) issues.push(...requestIssues(validators.params.errors ?? []));

      const json = request.contentType === 'application/json';
      if (request.malformedJson) {
        issues.push({ location: 'requestBody', field: '', message: 'is not valid JSON' });
      } else if (request.body === undefined) {
        if (validators.bodyRequired) issues.push({ location: 'requestBody', field: '', message: 'is required' });
      } else if (validators.bodyTypes.length === 0) {
        issues.push({ location: 'requestBody', field: '', message: 'is not accepted by this operation' });
      } else if (!validators.bodyTypes.includes(request.contentType)) {
        issues.push({ location: 'header', field: 'content-type', message: `${request.contentType || 'none'} is not accepted by this operation` });
      } else if (json && validators.body && !validators.body(request.body)) {
        issues.push(...requestIssues((validators.body.errors ?? []).map((e) => ({ ...e, instancePath: `/requestBody${e.instancePath}` }))));
      }
      return { issues, path: parsed.params as Record<string, string>, query: data.query, body: request.body };
    },
    validateResponse(operationId, status, body) {
      const operation = router.getOperation(operationId);
      if (!operation) return [`unknown operation ${operationId}`];
      let validator = responseValidator(operation, status);
      // The document declares few error responses; its prose fixes their shape ({message}, + errors on 422).
      if (!validator && status >= 400) validator = status === 422 ? validationEnvelope : errorEnvelope;
      if (!validator) return [];
      return validator(body) ? [] : formatErrors(validator.errors ?? []);
    },
    operations() {
      return router.getOperations()
        .filter((op) => op.operationId)
        .map((op) => ({ operationId: op.operationId!, method: op.method.toUpperCase(), path: op.path }));
    },
  };
}

export function formatErrors(errors: readonly ErrorObject[]): string[] {
  return errors.map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword}`);
}

/** Ajv errors on `{path, query, header, requestBody}` → Laravel-style fields. */
export function requestIssues(errors: readonly ErrorObject[]): SpecIssue[] {
  return errors.map((error) => {
    const segments = error.instancePath.split('/').filter(Boolean);
    const head = segments[0];
    const location: SpecIssue['location'] = head === 'path' || head === 'query' || head === 'header' || head === 'requestBody' ? head : 'query';
    const params = error.params as Record<string, unknown>;
    const named = params['additionalProperty'] ?? params['missingProperty'];
    const fieldParts = segments.slice(1);
    if (typeof named === 'string') fieldParts.push(named);
    const message = error.keyword === 'additionalProperties'
      ? 'is not a parameter of this operation'
      : error.keyword === 'required' ? 'is required' : error.message ?? error.keyword;
    return { location, field: fieldParts.join('.'), message };
  });
}
