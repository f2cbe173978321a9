/**
 * One log line per answered request: method, path (never the query string, which can
 * carry a legacy session id), status, duration. Failures log at info so refused
 * credentials are visible; successes at debug, off the hot path in production.
 */
import type { IncomingMessage } from 'node:http';
import proxyaddr from 'proxy-addr';
import type { Logger } from '../logger.js';
import { pathOf, type Handler } from '../nodeHttp.js';

/**
 * The client's address under the `TRUST_PROXY` setting, as Express's `req.ip` computes it
 * (same package, same reading of true / hop count / address list), so the log says the same
 * on the `/mcp` fast path and on Express's routes.
 */
export function clientAddressOf(trustProxy: boolean | number | string): (req: IncomingMessage) => string {
  const trust = typeof trustProxy === 'boolean'
    ? () => trustProxy
    : typeof trustProxy === 'number'
      ? (_address: string, hop: number) => hop < trustProxy
      : proxyaddr.compile(trustProxy.split(',').map((entry) => entry.trim()));
  return (req) => proxyaddr(req, trust);
}

export function accessLog(logger: Logger, clientAddress: (req: IncomingMessage) => string): Handler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const status = res.statusCode;
      const level = status >= 500 ? 'warn' : status >= 400 ? 'info' : 'debug';
      if (!logger.isLevelEnabled(level)) return;
      logger[level]({
        method: req.method,
        path: pathOf(req),
        status,
        ms: Number(process.hrtime.bigint() - started) / 1e6,
        ip: clientAddress(req),
        requestId: typeof req.headers['x-request-id'] === 'string' ? req.headers['x-request-id'].slice(0, 128) : undefined,
      }, 'request');
    });
    next();
  };
}
