/**
 * `POST /mcp/tools/call`: the REST façade for clients that do not speak MCP (GPT Actions).
 * Same registry, same auth and scope rules as MCP `tools/call`, same per-user limits;
 * answers the tool result.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { AuthInfo } from '../auth/types.js';
import { principalOf } from '../auth/types.js';
import { InsufficientScopeError, InvalidTokenError } from '../auth/errors.js';
import { sendAuthError, type ChallengeContext } from '../auth/middleware.js';
import type { ToolRegistry } from '../tools/types.js';
import { createToolContext } from '../tools/context.js';
import { UnknownToolError, UpstreamUnauthorizedError } from '../tools/errors.js';
import type { NeonPanelClient } from '../neonpanel/types.js';
import type { ToolServices } from '../tools/services.js';
import type { UserLimits } from '../store/limits.js';
import { requestIdOf } from '../mcp/runtime.js';
import { traceContextOf } from '../telemetry/httpRequests.js';
import { sendJson } from '../mcp/jsonrpc.js';
import { sendThrottle, throttleOf } from '../mcp/limitErrors.js';

export function restToolsHandler(deps: {
  registry: ToolRegistry;
  neonpanel: NeonPanelClient;
  services: ToolServices;
  challenge: ChallengeContext;
  limits: UserLimits;
}): RequestHandler {
  function fail(error: unknown, res: Response, next: NextFunction): void {
    const throttle = throttleOf(error);
    if (throttle) {
      sendThrottle(res, throttle);
    } else if (error instanceof UnknownToolError) {
      res.status(404).json({ error: 'unknown_tool', error_description: error.message });
    } else if (error instanceof InsufficientScopeError) {
      sendAuthError(res, error, deps.challenge);
    } else if (error instanceof UpstreamUnauthorizedError) {
      sendAuthError(res, new InvalidTokenError(error.message, 'upstream_rejected'), deps.challenge);
    } else {
      next(error);
    }
  }

  async function run(req: Request, res: Response, name: string, args: unknown): Promise<void> {
    const auth = req.auth as AuthInfo;
    await deps.limits.admit(principalOf(auth).subject, 1);
    const controller = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) controller.abort();
    });
    const context = createToolContext({
      auth,
      requestId: requestIdOf(req),
      signal: controller.signal,
      neonpanel: deps.neonpanel,
      services: deps.services,
      trace: traceContextOf(req),
    });
    const result = await deps.registry.call(name, args, context);
    sendJson(res, 200, {
      content: result.content,
      ...(result.structuredContent !== undefined ? { structuredContent: result.structuredContent } : {}),
      isError: result.isError === true,
    });
  }

  return (req, res, next) => {
    const body = req.body as { name?: unknown; arguments?: unknown } | undefined;
    if (!body || typeof body !== 'object' || typeof body.name !== 'string') {
      res.status(400).json({ error: 'invalid_request', error_description: 'Body must be {"name": "<tool>", "arguments": {…}}.' });
      return;
    }
    if (body.arguments !== undefined && (body.arguments === null || typeof body.arguments !== 'object' || Array.isArray(body.arguments))) {
      res.status(400).json({ error: 'invalid_request', error_description: '"arguments" must be an object.' });
      return;
    }
    run(req, res, body.name, body.arguments ?? {}).catch((error: unknown) => fail(error, res, next));
  };
}
