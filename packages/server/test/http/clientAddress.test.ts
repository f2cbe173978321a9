/**
 * The access log's client address follows TRUST_PROXY exactly as Express's `req.ip` does,
 * so `/mcp` (outside Express) and every other route log the same address.
 */
import type { IncomingMessage } from 'node:http';
import express from 'express';
import { clientAddressOf } from '../../src/http/accessLog.js';

/** A request as node hands it over: a socket address and maybe X-Forwarded-For. */
function requestFrom(remoteAddress: string, forwardedFor?: string): IncomingMessage {
  return {
    socket: { remoteAddress },
    connection: { remoteAddress },
    headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
  } as unknown as IncomingMessage;
}

/** Express's own answer for the same request and setting. */
function expressIp(trustProxy: boolean | number | string, req: IncomingMessage): string | undefined {
  const app = express();
  app.set('trust proxy', trustProxy);
  const expressReq = Object.create(app.request as object, {
    socket: { value: req.socket },
    connection: { value: req.socket },
    headers: { value: req.headers },
  }) as { ip?: string };
  return expressReq.ip;
}

const settings: Array<boolean | number | string> = [false, true, 0, 1, 2, 'loopback', '10.0.0.0/8', '10.0.0.0/8, 127.0.0.1'];
const requests: Array<[string, string | undefined]> = [
  ['127.0.0.1', undefined],
  ['127.0.0.1', '203.0.113.7'],
  ['10.1.2.3', '203.0.113.7, 10.9.9.9'],
  ['192.0.2.1', '203.0.113.7, 198.51.100.2'],
];

describe.each(settings)('TRUST_PROXY %p', (setting) => {
  test.each(requests)('socket %s, X-Forwarded-For %p', (remote, forwarded) => {
    const req = requestFrom(remote, forwarded);
    const ours = clientAddressOf(setting)(req);
    expect(ours).toBe(expressIp(setting, req));
    // The setting is not ignored: a forwarded address wins only when the socket's hop is trusted.
    if (forwarded === undefined || setting === false || setting === 0) expect(ours).toBe(remote);
  });
});
