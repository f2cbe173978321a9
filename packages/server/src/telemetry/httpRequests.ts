/**
 * Middleware (plain node:http): every request is counted (route, method, era, status, duration) and
 * MCP requests get a server span that continues the client's `traceparent`. The rest of the
 * request runs inside that span's context, so tool and NeonPanel spans hang below it.
 * Installed only when telemetry is on.
 */
import { pathOf, type Handler } from '../nodeHttp.js';
import { context } from '@opentelemetry/api';
import type { Telemetry } from './telemetry.js';
import { eraLabel, isTracedRoute, routeLabel } from './vocabulary.js';

export function requestTelemetry(telemetry: Telemetry, modernVersions: readonly string[]): Handler {
  return (req, res, next) => {
    const route = routeLabel(pathOf(req));
    const observation = telemetry.startRequest(req.method ?? 'GET', route, req.headers, isTracedRoute(route));
    res.once('close', () => observation.end(res.statusCode, eraLabel(route, req.headers['mcp-protocol-version'], modernVersions)));
    context.with(observation.context, next);
  };
}
