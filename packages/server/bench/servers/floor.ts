/**
 * The floor: a raw `node:http` server that answers every request with one fixed JSON-RPC
 * tool result, without reading the body or checking anything. What no MCP server can beat:
 * our CPU per call is reported as a multiple of this one's.
 *
 * Environment: PORT.
 */
import http from 'node:http';

const port = Number(process.env['PORT']);
const answer = JSON.stringify({
  jsonrpc: '2.0',
  id: 3,
  result: {
    content: [{ type: 'text', text: '{"subject":"floor"}' }],
    structuredContent: { subject: 'floor', clientId: '', scopes: [] },
    resultType: 'complete',
  },
});
const headers = { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(answer) };

http
  .createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, headers);
      res.end(answer);
    });
  })
  .listen(port, '127.0.0.1');
