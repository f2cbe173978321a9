/**
 * The last stops of the HTTP pipeline: a JSON 404 for unknown routes, and an error handler
 * that turns body-parser failures into 400/413/415 and anything else into a bare 500.
 * Nothing here ever writes a stack trace or an HTML page.
 */
import { sendThrottle, throttleOf } from '../mcp/limitErrors.js';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '../logger.js';

export const notFound: RequestHandler = (req, res) => {
  res.status(404).json({ error: 'not_found', error_description: `No route for ${req.method} ${req.path}.` });
};

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

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    // The shared store (Redis) is unreachable: 503 with Retry-After, never a 500.
    const throttle = throttleOf(error);
    if (throttle) {
      logger.warn({ operation: (error as { operation?: string }).operation, path: req.path }, 'request refused: shared store unavailable');
      if (res.headersSent) res.end();
      else sendThrottle(res, throttle);
      return;
    }
    const client = clientErrorOf(error);
    if (!client) logger.error({ err: error, method: req.method, path: req.path }, 'unhandled error');
    if (res.headersSent) {
      res.end();
      return;
    }
    if (client) {
      res.status(client.status).json({ error: client.code, error_description: client.message });
    } else {
      res.status(500).json({ error: 'internal_error', error_description: 'Something went wrong on our side.' });
    }
  };
}
