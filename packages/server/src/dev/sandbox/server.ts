/**
 * The sandbox HTTP server: a local stand-in for the NeonPanel API. Each request is routed and
 * validated against the OpenAPI document (openapi-backend), checked for a bearer token, run
 * through injected faults and finally served from the demo data set. Every request is
 * recorded with the spec violations it carried, and every JSON response with the schema
 * violations it carried, so tests can assert that neither side strayed from the contract.
 *
 * Order of checks, as in the real (Laravel) API: unknown route → 404/405; missing or invalid
 * token → 401; malformed route parameter or JSON → 400; invalid query or body → 422.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Logger } from '../../logger.js';
import { buildDataset, type SandboxDataset } from './dataset.js';
import { FaultPlan, faultResponse, type Fault } from './faults.js';
import { HANDLERS, HttpFailure, type HandlerResult } from './handlers.js';
import { BOOK_HANDLERS } from './bookHandlers.js';
import { BookStore } from './books.js';
import { ImportStore, type ImportRecord } from './imports.js';
import { loadNeonPanelSpec, type NeonPanelSpec, type Operation, type RequestCheck, type SpecIssue } from './spec.js';
import type { SandboxTokenVerifier } from './tokens.js';

export interface SandboxOptions {
  /** 0 picks a free port. Default 0. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Who a bearer token belongs to; undefined → 401. */
  verifyToken: SandboxTokenVerifier;
  /** The sandbox's clock: "today" for default dates and how far generated data runs. Default: real time. */
  now?: () => Date;
  /** Status polls answered 202 before an import is done; 0 makes `create` finish at once. Default 1. */
  importPolls?: number;
  /** `Retry-After` on 202 import status answers. Default 1. */
  importRetryAfterSeconds?: number;
  /** Generated companies added for each demo user (multi-page company lists). Default 0. */
  extraCompaniesPerUser?: number;
  /** Largest request body accepted. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Request logging at debug level. Default: none. */
  logger?: Logger;
}

export interface SandboxRequestRecord {
  method: string;
  /** Path without the query string. */
  path: string;
  /** Parsed query string (repeated keys become arrays). */
  query: Record<string, string | string[]>;
  /** The operation the request matched, if any. */
  operationId: string | undefined;
  /** The status answered; undefined while pending or when a timeout fault holds it. */
  status: number | undefined;
  /** Where the request broke the contract (`query.per_page: must be <= 60`); empty when it did not. */
  specErrors: string[];
  /** Where the sandbox's JSON answer broke the contract; empty when it did not. */
  responseErrors: string[];
  /** `X-Request-Id` as received. */
  requestId: string | undefined;
  /** W3C `traceparent` as received: shows a trace continuing from the MCP server. */
  traceparent: string | undefined;
  /** Token subject, once verified. */
  subject: string | undefined;
  /** Which TCP connection carried it, numbered from 1: shows keep-alive reuse. */
  connection: number;
  /** Parsed JSON body, or the raw text of any other (or malformed) body. */
  body: unknown;
  /** The fault applied, if any. */
  fault: 'latency' | 'status' | 'timeout' | undefined;
}

export interface Sandbox {
  /** Base URL, e.g. `http://127.0.0.1:40123`; pass it as NEONPANEL_API_BASE. */
  url: string;
  /** Stops listening and drops every connection, including held ones. */
  close(): Promise<void>;
  /** Replaces the active faults. */
  setFaults(faults: Fault | Fault[]): void;
  clearFaults(): void;
  /** Every request received, oldest first. */
  readonly requests: readonly SandboxRequestRecord[];
  /** Requests that broke the contract. */
  specViolations(): SandboxRequestRecord[];
  /** Requests whose answer broke the contract. */
  responseViolations(): SandboxRequestRecord[];
  clearRequests(): void;
  /** The demo data being served. */
  readonly dataset: SandboxDataset;
  /** Imports created so far. */
  imports(): ImportRecord[];
}

const DEFAULT_MAX_BODY = 1024 * 1024;

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyTooLarge());
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function parsedQuery(url: URL): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of url.searchParams) {
    const existing = out[key];
    out[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return out;
}

function laravelErrors(issues: SpecIssue[]): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  for (const issue of issues) {
    const field = issue.field || issue.location;
    (errors[field] ??= []).push(`The ${field} field ${issue.message}.`);
  }
  return errors;
}

/**
 * The contract puts `getListings` filters in a GET request body, which HTTP clients cannot
 * send; NeonPanel reads them from the query string. For such operations the query string is
 * validated as the body, with numeric strings read as numbers where the schema says so.
 */
function queryAsBody(operation: Operation, query: Record<string, string | string[]>): { body: Record<string, unknown>; unknown: string[] } | undefined {
  const body = operation.requestBody as { content?: Record<string, { schema?: { properties?: Record<string, { type?: unknown }> } }> } | undefined;
  const schema = body?.content?.['application/json']?.schema;
  if (!schema) return undefined;
  const out: Record<string, unknown> = {};
  const unknown: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    const property = schema.properties?.[key];
    if (!property) unknown.push(key);
    const type = property?.type;
    const numeric = (type === 'integer' || type === 'number') && typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value);
    out[key] = numeric ? Number(value) : value;
  }
  return { body: out, unknown };
}

function requiresBearer(spec: NeonPanelSpec, operation: Operation): boolean {
  const security = (operation.security ?? (spec.document as { security?: Array<Record<string, unknown>> }).security ?? []) as Array<Record<string, unknown>>;
  return security.some((requirement) => 'OAuth2' in requirement);
}

function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+([A-Za-z0-9\-._~+/]+=*)\s*$/i.exec(header ?? '');
  return match?.[1];
}

export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const spec = await loadNeonPanelSpec();
  const now = options.now ?? (() => new Date());
  const dataset = buildDataset({ extraCompaniesPerUser: options.extraCompaniesPerUser ?? 0 });
  const imports = new ImportStore({ polls: options.importPolls ?? 1, now });
  const books = new BookStore(dataset.companies);
  const handlers = { ...HANDLERS, ...BOOK_HANDLERS };
  const faults = new FaultPlan();
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const log = options.logger?.child({ component: 'neonpanel-sandbox' });
  let records: SandboxRequestRecord[] = [];
  const connectionIds = new WeakMap<Socket, number>();
  let connections = 0;
  const timers = new Set<NodeJS.Timeout>();
  let baseUrl = '';

  const wait = (ms: number) => new Promise<void>((resolve) => {
    const timer = setTimeout(() => { timers.delete(timer); resolve(); }, ms);
    timers.add(timer);
  });

  function send(res: ServerResponse, record: SandboxRequestRecord, result: HandlerResult): void {
    record.status = result.status;
    const headers: Record<string, string> = { ...result.headers };
    let payload = '';
    if (result.text !== undefined) {
      headers['content-type'] = 'text/plain; charset=utf-8';
      payload = result.text;
    } else if (result.body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(result.body);
      if (record.operationId) record.responseErrors = spec.validateResponse(record.operationId, result.status, result.body);
    }
    if (result.status === 401) headers['www-authenticate'] = 'Bearer';
    headers['content-length'] = String(Buffer.byteLength(payload));
    res.writeHead(result.status, headers);
    res.end(payload);
    log?.debug({ method: record.method, path: record.path, status: result.status, requestId: record.requestId }, 'sandbox request');
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    const method = (req.method ?? 'GET').toUpperCase();
    const record: SandboxRequestRecord = {
      method,
      path: url.pathname,
      query: parsedQuery(url),
      operationId: undefined,
      status: undefined,
      specErrors: [],
      responseErrors: [],
      requestId: headerValue(req.headers['x-request-id']),
      traceparent: headerValue(req.headers['traceparent']),
      subject: undefined,
      connection: connectionIds.get(req.socket) ?? 0,
      body: undefined,
      fault: undefined,
    };
    records.push(record);

    let raw: string;
    try {
      raw = await readBody(req, maxBody);
    } catch (error) {
      if (error instanceof BodyTooLarge) return send(res, record, { status: 413, body: { message: 'The request body is too large.' } });
      throw error;
    }
    const contentType = (headerValue(req.headers['content-type']) ?? '').split(';')[0]!.trim().toLowerCase();
    let malformedJson = false;
    if (raw !== '') {
      record.body = raw;
      if (contentType === 'application/json') {
        try {
          record.body = JSON.parse(raw);
        } catch {
          malformedJson = true;
        }
      }
    }

    // Route and validate first, so faulted and unauthenticated requests are still checked against the contract.
    const headers = Object.fromEntries(Object.entries(req.headers).flatMap(([k, v]) => (v === undefined ? [] : [[k, v]]))) as Record<string, string | string[]>;
    const routed = spec.route({ method, path: url.pathname, query: url.search.slice(1), headers });
    let issues: SpecIssue[];
    let operation: Operation | undefined;
    let check: RequestCheck | undefined;
    if ('status' in routed) {
      issues = [{ location: 'route', field: '', message: `${method} ${url.pathname} is not an operation of the contract` }];
    } else {
      operation = routed.operation;
      record.operationId = operation.operationId;
      const queryBody = method === 'GET' && operation.requestBody && raw === '' ? queryAsBody(operation, record.query) : undefined;
      check = spec.checkRequest(operation, {
        method,
        path: url.pathname,
        query: queryBody ? '' : url.search.slice(1),
        headers,
        body: queryBody?.body ?? (malformedJson ? undefined : record.body),
        malformedJson,
        contentType: queryBody ? 'application/json' : contentType,
      });
      issues = [
        ...check.issues,
        ...(queryBody?.unknown ?? []).map((field): SpecIssue => ({ location: 'query', field, message: 'is not a parameter of this operation' })),
      ];
    }
    record.specErrors = issues.map((i) => `${i.location}${i.field ? `.${i.field}` : ''}: ${i.message}`);

    const fault = faults.take(method, url.pathname);
    if (fault) {
      record.fault = fault.timeout ? 'timeout' : fault.status ? 'status' : 'latency';
      if (fault.latencyMs) await wait(fault.latencyMs);
      if (fault.timeout) return; // held until the client gives up or close() drops the socket
      if (fault.status) {
        const answer = faultResponse(fault.status, `${baseUrl}${url.pathname}`, fault.retryAfterSeconds);
        record.status = fault.status;
        res.writeHead(fault.status, answer.headers);
        res.end(answer.body);
        return;
      }
    }

    if (!operation || !check) {
      const status = 'status' in routed ? routed.status : 404;
      return send(res, record, { status, body: { message: status === 405 ? 'Method not allowed.' : 'Not found.' } });
    }

    let subject: string | undefined;
    if (requiresBearer(spec, operation)) {
      const token = bearerToken(headerValue(req.headers.authorization));
      const verified = token ? await options.verifyToken(token).catch(() => undefined) : undefined;
      if (!verified) return send(res, record, { status: 401, body: { message: 'Unauthenticated.' } });
      subject = verified.subject;
      record.subject = subject;
    }

    if (issues.length > 0) {
      if (issues.some((i) => i.location === 'header' && i.field === 'content-type')) {
        return send(res, record, { status: 415, body: { message: 'Unsupported Media Type.' } });
      }
      const malformed = issues.some((i) => i.location === 'path' || (i.location === 'requestBody' && i.message === 'is not valid JSON'));
      if (malformed) {
        // A bad route parameter is 400 (the contract's BadRequest), except where the operation
        // documents 404 for it instead (getImportInstructions: "Unsupported document type").
        const responses = (operation.responses ?? {}) as Record<string, unknown>;
        const notFound = issues.some((i) => i.location === 'path') && '404' in responses && !('400' in responses);
        return send(res, record, notFound
          ? { status: 404, body: { message: 'Not found.' } }
          : { status: 400, body: { message: 'The request is malformed.' } });
      }
      return send(res, record, { status: 422, body: { message: 'The given data was invalid.', errors: laravelErrors(issues) } });
    }

    const handler = handlers[operation.operationId!];
    if (!handler) return send(res, record, { status: 501, body: { message: 'The sandbox does not serve this operation.' } });
    let result: HandlerResult;
    try {
      result = handler({
        dataset,
        imports,
        books,
        subject: subject ?? '',
        path: check.path,
        query: check.query,
        body: check.body,
        accept: (headerValue(req.headers.accept) ?? '').toLowerCase(),
        contentType,
        now: now(),
        importRetryAfterSeconds: options.importRetryAfterSeconds ?? 1,
      });
    } catch (error) {
      if (!(error instanceof HttpFailure)) throw error;
      result = { status: error.status, body: error.body };
    }
    send(res, record, result);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log?.error({ err: error }, 'sandbox handler failed');
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: 'Server Error' }));
      }
    });
  });
  server.on('connection', (socket) => {
    connections += 1;
    connectionIds.set(socket, connections);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  baseUrl = `http://${host}:${address.port}`;

  return {
    url: baseUrl,
    close: () => new Promise<void>((resolve) => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.close(() => resolve());
      server.closeAllConnections();
    }),
    setFaults: (f) => faults.set(f),
    clearFaults: () => faults.clear(),
    get requests() {
      return records;
    },
    specViolations: () => records.filter((r) => r.specErrors.length > 0),
    responseViolations: () => records.filter((r) => r.responseErrors.length > 0),
    clearRequests: () => {
      records = [];
    },
    dataset,
    imports: () => imports.all(),
  };
}
