/**
 * Express middleware: every request is counted (route, method, era, status, duration) and
 * MCP requests get a server span that continues the client's `traceparent`. The span's trace
 * context is kept beside the request (`traceContextOf(req)`), where the MCP transports and the
 * REST façade pick it up explicitly, so tool and NeonPanel spans hang below it without an
 * ambient async context (telemetry.ts says why). Installed only when telemetry is on.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import type { TraceParent } from '../neonpanel/types.js';
import type { Telemetry } from './telemetry.js';
import { eraLabel, isTracedRoute, routeLabel } from './vocabulary.js';

/** Request → its span's trace context. Written only when telemetry is on; entries go with the request. */
const requestTraces = new WeakMap<IncomingMessage, TraceParent>();

/** The trace context of an HTTP request: its server span's; undefined when telemetry is off. */
export function traceContextOf(req: IncomingMessage): TraceParent | undefined {
  return requestTraces.get(req);
}

/**
 * Observes one HTTP request until its response closes, and keeps its trace context for
 * `traceContextOf`. Framework-free, so a plain node:http handler can call it as the
 * middleware below does.
 */
export function observeHttpRequest(telemetry: Telemetry, req: IncomingMessage, res: ServerResponse, path: string, modernVersions: readonly string[]): void {
  const route = routeLabel(path);
  const observation = telemetry.startRequest(req.method ?? 'GET', route, req.headers, isTracedRoute(route));
  res.once('close', () => observation.end(res.statusCode, eraLabel(route, req.headers['mcp-protocol-version'], modernVersions)));
  requestTraces.set(req, observation.context);
}

export function requestTelemetry(telemetry: Telemetry, modernVersions: readonly string[]): RequestHandler {
  return (req, res, next) => {
    observeHttpRequest(telemetry, req, res, req.path, modernVersions);
    next();
  };
}
