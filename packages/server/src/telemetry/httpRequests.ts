/**
 * Middleware (plain node:http): every request is counted (route, method, era, status, duration)
 * and MCP requests get a server span that continues the client's `traceparent`. The span's
 * trace context is kept beside the request (`traceContextOf(req)`), where the MCP transports
 * and the REST façade pick it up explicitly, so tool and NeonPanel spans hang below it without
 * an ambient async context (telemetry.ts says why). Installed only when telemetry is on.
 */
import type { IncomingMessage } from 'node:http';
import { pathOf, type Handler } from '../nodeHttp.js';
import type { TraceParent } from '../neonpanel/types.js';
import type { RequestObservation, Telemetry } from './telemetry.js';
import { eraLabel, isTracedRoute, routeLabel } from './vocabulary.js';

/** Request → its span's trace context. Written only when telemetry is on; entries go with the request. */
const requestTraces = new WeakMap<IncomingMessage, RequestObservation>();

/** The trace context of an HTTP request: its server span's; undefined when telemetry is off. */
export function traceContextOf(req: IncomingMessage): TraceParent | undefined {
  return requestTraces.get(req)?.context;
}

export function requestTelemetry(telemetry: Telemetry, modernVersions: readonly string[]): Handler {
  return (req, res, next) => {
    const route = routeLabel(pathOf(req));
    // Authentication runs after this middleware and sets `req.auth`; the span is decided once it has.
    const observation = telemetry.startRequest(req.method ?? 'GET', route, req.headers, isTracedRoute(route), () => (req as { auth?: unknown }).auth !== undefined);
    // `on`, not `once`: 'close' comes once per response, and `once` wraps the listener in two more objects.
    res.on('close', () => observation.end(res.statusCode, eraLabel(route, req.headers['mcp-protocol-version'], modernVersions)));
    requestTraces.set(req, observation);
    next();
  };
}
