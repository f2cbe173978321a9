/**
 * One log line per answered request: method, path (never the query string, which can
 * carry a legacy session id), status, duration. Failures log at info so refused
 * credentials are visible; successes at debug, off the hot path in production.
 */
import type { RequestHandler } from 'express';
import type { Logger } from '../logger.js';

export function accessLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const status = res.statusCode;
      const level = status >= 500 ? 'warn' : status >= 400 ? 'info' : 'debug';
      if (!logger.isLevelEnabled(level)) return;
      logger[level]({
        method: req.method,
        path: req.path,
        status,
        ms: Number(process.hrtime.bigint() - started) / 1e6,
        ip: req.ip,
        requestId: typeof req.headers['x-request-id'] === 'string' ? req.headers['x-request-id'].slice(0, 128) : undefined,
      }, 'request');
    });
    next();
  };
}
