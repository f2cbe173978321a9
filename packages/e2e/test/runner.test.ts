/**
 * The runner's own guarantees: it never hangs on a server that does not answer, it tells
 * "unreachable" from "failing", and it takes the URL in the forms operators type it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { MATRIX, runMatrix, targetOf } from '../src/index.js';

/** Answers /health, then accepts every other request and never responds. */
async function startSilentServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    req.resume();
    if (req.url === '/health') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"status":"ok"}');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe('runMatrix', () => {
  it('fails, within its time limits, every case a server never answers — MCP sessions included', async () => {
    const silent = await startSilentServer();
    try {
      const cases = MATRIX.filter(
        (c) =>
          (c.category === 'no-auth' && c.name === 'GET /sse/') ||
          (c.category === 'forged-token' && c.name === 'alg none on POST /mcp') ||
          (c.category === 'real-token' && (c.name === 'SSE /sse: initialize' || c.name === 'Streamable HTTP /mcp: initialize')),
      );
      expect(cases).toHaveLength(4);
      const started = Date.now();
      const report = await runMatrix({ url: silent.url, token: 'silent-token-0123456789', timeoutMs: 300, cases });
      const elapsed = Date.now() - started;
      expect(report.unreachable).toBe(false);
      expect(report.results.map((r) => r.ok)).toEqual([false, false, false, false]);
      expect(report.results.find((r) => r.name === 'GET /sse/')?.got).toBe('error: timed out');
      for (const r of report.results) expect(r.durationMs).toBeLessThan(4 * 300 + 1_000 + 500);
      // Forgery look-ups (3 × 300 ms at most) plus the four cases' deadlines.
      expect(elapsed).toBeLessThan(3 * 300 + 2 * (3 * 300 + 1_000) + 2 * (4 * 300 + 1_000) + 1_000);
    } finally {
      await silent.close();
    }
  });

  it('reports an unreachable server as such, failing every case without sending any', async () => {
    const probe = http.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((r) => probe.close(() => r()));

    const report = await runMatrix({ url: `http://127.0.0.1:${port}/`, timeoutMs: 1_000 });
    expect(report.unreachable).toBe(true);
    expect(report.passed).toBe(0);
    expect(report.failed).toBe(report.results.length);
    expect(report.results.length).toBe(MATRIX.filter((c) => !c.requires).length);
    expect(new Set(report.results.map((r) => r.got))).toEqual(new Set(['unreachable: ECONNREFUSED']));
    expect(report.url).toBe(`http://127.0.0.1:${port}`);
  });

  it('normalises the URL and refuses what is not an http(s) server URL', async () => {
    expect(targetOf('https://mcp.example.com/')).toBe('https://mcp.example.com');
    expect(targetOf('HTTPS://MCP.example.com')).toBe('https://mcp.example.com');
    expect(() => targetOf('mcp.example.com')).toThrow('Not an absolute URL');
    expect(() => targetOf('ftp://mcp.example.com')).toThrow('Not an http(s) URL');
    expect(() => targetOf('https://mcp.example.com/?x=1')).toThrow('no query or fragment');
    await expect(runMatrix({ url: 'https://mcp.example.com', timeoutMs: 0 })).rejects.toThrow('timeoutMs must be a positive number');
  });
});

describe('the operator token and URLs', () => {
  it('never puts the real token in a URL, where the load balancer would log it', async () => {
    const urls: string[] = [];
    const server = http.createServer((req, res) => {
      urls.push(req.url ?? '');
      req.resume();
      res.writeHead(req.url === '/health' ? 200 : 401, { 'Content-Type': 'application/json' });
      res.end(req.url === '/health' ? '{"status":"ok"}' : '{"error":"invalid_token"}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const token = 'e2e-real-token-that-must-stay-in-headers';
    try {
      await runMatrix({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, token, limitedToken: `${token}-limited`, scopeProbeTool: 'probe', timeoutMs: 1_000 });
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
    expect(urls.length).toBeGreaterThan(MATRIX.length / 2);
    expect(urls.filter((u) => u.includes(token))).toEqual([]);
    // The query-string case still runs, with a token no server can verify.
    expect(urls).toContain('/mcp/tools/call?access_token=test-token-123');
  }, 60_000);
});
