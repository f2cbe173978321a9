/**
 * The hop floor: a raw `node:http` server that forwards each GET to the sandbox through an
 * undici pool (as our NeonPanel client does) and answers with the sandbox's body. No auth,
 * no MCP. What one more process on the path costs on this machine, so the upstream scenario
 * can tell the machine's share of the added latency from our server's.
 *
 * Environment: PORT, TARGET (the sandbox's origin).
 */
import http from 'node:http';
import { Pool } from 'undici';

const port = Number(process.env['PORT']);
const pool = new Pool(process.env['TARGET']!, { connections: 128 });

http
  .createServer((req, res) => {
    const authorization = req.headers.authorization;
    pool
      .request({ path: req.url ?? '/', method: 'GET', headers: { accept: 'application/json', ...(authorization ? { authorization } : {}) } })
      .then(async (answer) => {
        const body = Buffer.from(await answer.body.arrayBuffer());
        res.writeHead(answer.statusCode, { 'Content-Type': 'application/json', 'Content-Length': body.length });
        res.end(body);
      })
      .catch(() => {
        if (!res.headersSent) res.writeHead(502);
        res.end();
      });
  })
  .listen(port, '127.0.0.1');
