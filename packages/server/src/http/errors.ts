/**
 * The last stops of the HTTP pipeline: a JSON 404 for unknown routes, and an error handler
 * that turns body-parser failures into 400/413/415 and anything else into a bare 500.
 * Nothing here ever writes a stack trace or an HTML page.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendThrottle, throttleOf } from '../mcp/limitErrors.js';
import { idOf } from '../mcp/jsonrpc.js';
import type { Logger } from '../logger.js';
import { pathOf, sendJson, type Handler } from '../nodeHttp.js';

export const notFound: Handler = (req, res) => {
  sendJson(res, 404, { error: 'not_found', error_description: `No route for ${req.method} ${pathOf(req).slice(0, 200)}.` });
};

/** What the pipeline does with an error a handler passed on: Express's error-middleware shape, node's objects. */
export type ErrorHandler = (error: unknown, req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

interface HttpishError {
  type?: string;
  status?: number;
  statusCode?: number;
  expose?: boolean;
}

/** Maps body-parser's error types to a status and a message fit for a client. */
export function clientErrorOf(error: unknown): { status: number; code: string; message: string } | undefined {
  const e = (error ?? {}) as HttpishError;
  switch (e.type) {
    case 'entity.too.large':
      return { status: 413, code: 'payload_too_large', message: 'The request body is too large.' };
    case 'entity.parse.failed':
      return { status: 400, code: 'invalid_json', message: 'The request body is not valid JSON.' };
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return { status: 415, code: 'unsupported_encoding', message: 'The request body encoding is not supported.' };
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
      return { status: 400, code: 'bad_request', message: 'The request body could not be read.' };
    default: {
      const status = e.status ?? e.statusCode;
      if (typeof status === 'number' && status >= 400 && status < 500 && e.expose) {
        return { status, code: 'bad_request', message: 'The request could not be processed.' };
      }
      return undefined;
    }
  }
}

export function errorHandler(logger: Logger): ErrorHandler {
  return (error, req, res, _next) => {
    // The shared store (Redis) is unreachable: 503 with Retry-After, never a 500.
    const throttle = throttleOf(error);
    if (throttle) {
      logger.warn({ operation: (error as { operation?: string }).operation, path: pathOf(req) }, 'request refused: shared store unavailable');
      if (res.headersSent) res.end();
      else sendThrottle(res, throttle, idOf((req as { body?: unknown }).body));
      return;
    }
    const client = clientErrorOf(error);
    if (!client) logger.error({ err: error, method: req.method, path: pathOf(req) }, 'unhandled error');
    if (res.headersSent) {
      res.end();
      return;
    }
    if (client) {
      sendJson(res, client.status, { error: client.code, error_description: client.message });
    } else {
      sendJson(res, 500, { error: 'internal_error', error_description: 'Something went wrong on our side.' });
    }
  };
}
