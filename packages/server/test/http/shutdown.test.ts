/**
 * Graceful drain: `shutdown()` (what SIGTERM/SIGINT call in main.ts) stops accepting, lets
 * in-flight requests finish, and ends within the configured deadline.
 */
import { createLogger } from '../../src/logger.js';
import { startTestIssuer, type TestIssuer } from '../helpers/keys.js';
import { claimsFor, startTestServer } from '../helpers/server.js';
import { callTool, request, type TestResponse } from '../helpers/http.js';
import { SLOW_TOOL, testRegistry } from '../helpers/tools.js';

let issuer: TestIssuer;

beforeAll(async () => {
  issuer = await startTestIssuer();
});
afterAll(async () => {
  await issuer.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves with the error code of a request that must fail to connect. */
async function connectionError(url: string): Promise<string | undefined> {
  try {
    await request(url, { timeoutMs: 2000, agent: false });
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  }
}

describe('shutdown()', () => {
  test('lets an in-flight request finish with 200, refuses new connections, then resolves', async () => {
    const server = await startTestServer(issuer, { SHUTDOWN_DRAIN_MS: '5000' }, { registry: testRegistry() });
    const token = await issuer.sign(claimsFor(server.base));
    // Warm the JWKS so the slow call is in its handler, not in verification, when the drain starts.
    expect((await callTool(server.base, `Bearer ${token}`)).status).toBe(200);

    const started = Date.now();
    const slow = callTool(server.base, `Bearer ${token}`, SLOW_TOOL, { ms: 300 });
    await sleep(100);
    let shutdownDone = 0;
    const shutdown = server.shutdown('SIGTERM').then(() => {
      shutdownDone = Date.now();
    });

    expect(await connectionError(`${server.base}/health`)).toBe('ECONNREFUSED');

    const res: TestResponse = await slow;
    const slowDone = Date.now();
    expect(res.status).toBe(200);
    expect(res.json<{ structuredContent: unknown }>().structuredContent).toEqual({ waitedMs: 300, subject: 'user-1' });
    expect(slowDone - started).toBeGreaterThanOrEqual(300);

    await shutdown;
    // The drain waited for the handler (300 ms from `started`), not just for the listener to
    // close (100 ms). Measured against `started`, not against when this client saw the answer:
    // the server may finish the response a few ms before the client's promise resolves.
    expect(shutdownDone - started).toBeGreaterThanOrEqual(300);
    // Drained well before the 5 s deadline.
    expect(shutdownDone - started).toBeLessThan(3000);
    expect(server.httpServer.listening).toBe(false);
    expect(await connectionError(`${server.base}/health`)).toBe('ECONNREFUSED');
  });

  test('with nothing in flight it resolves at once', async () => {
    const server = await startTestServer(issuer, { SHUTDOWN_DRAIN_MS: '5000' });
    expect((await request(`${server.base}/health`)).status).toBe(200);
    const started = Date.now();
    await server.shutdown();
    expect(Date.now() - started).toBeLessThan(1000);
  });

  test('a request that outlives the drain deadline is cut, and shutdown still ends on time', async () => {
    const server = await startTestServer(issuer, { SHUTDOWN_DRAIN_MS: '300' }, { registry: testRegistry() });
    const token = await issuer.sign(claimsFor(server.base));
    expect((await callTool(server.base, `Bearer ${token}`)).status).toBe(200);

    const stuck = callTool(server.base, `Bearer ${token}`, SLOW_TOOL, { ms: 5000 }).then(
      (res) => `status ${res.status}`,
      (error: NodeJS.ErrnoException) => error.code ?? error.message,
    );
    await sleep(100);
    const started = Date.now();
    await server.shutdown();
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(250);
    expect(took).toBeLessThan(2000);
    expect(await stuck).toMatch(/ECONNRESET|socket hang up/);
  });

  test('calling shutdown twice (SIGTERM then SIGINT) drains once', async () => {
    const lines: string[] = [];
    const logger = createLogger('info', { write: (line: string) => void lines.push(line) });
    const server = await startTestServer(issuer, {}, { logger });
    await Promise.all([server.shutdown('SIGTERM'), server.shutdown('SIGINT')]);
    const messages = lines.map((l) => (JSON.parse(l) as { msg: string }).msg);
    expect(messages.filter((m) => m === 'draining')).toHaveLength(1);
    expect(messages.filter((m) => m === 'stopped')).toHaveLength(1);
  });
});
