/**
 * Does one MCP server per process still pay on the v2 SDK? Measured in this process on the
 * production build, for one 2026-07-28 `tools/call` of the trivial tool:
 * - `perProcessUs`: our way, one v2 `Server` for the process behind the dispatcher
 *   (`mcp/modernServer.ts`), the answer serialised as the HTTP layer does;
 * - `perRequestUs`: the SDK's way (`createMcpHandler`), a new `Server` built from the same
 *   registry and a `PerRequestHTTPServerTransport` for every request, the answer read from
 *   the web `Response` it returns.
 * Only the MCP layer differs: no HTTP, no auth, the same handlers.
 */
import { PerRequestHTTPServerTransport } from '@modelcontextprotocol/server';
import { importDist } from '../paths.js';
import { MODERN_PROTOCOL_VERSION } from '../load/mcp.js';

type ModernModule = typeof import('../../src/mcp/modernServer.js');
type DispatcherModule = typeof import('../../src/mcp/dispatcher.js');
type RegistryModule = typeof import('../../src/tools/registry.js');
type ServicesModule = typeof import('../../src/tools/services.js');

export interface ServerPerProcessFigure {
  perProcessUs: number;
  perRequestUs: number;
  /** perRequestUs ÷ perProcessUs: above 1 means one server per process pays. */
  gain: number;
}

const auth = { token: 'bench', clientId: 'bench', scopes: [], expiresAt: Math.floor(Date.now() / 1000) + 3600, extra: { subject: 'bench' } };

function callBody(id: number) {
  return {
    jsonrpc: '2.0' as const,
    id,
    method: 'tools/call',
    params: {
      name: 'neonpanel_whoami',
      arguments: {},
      _meta: { 'io.modelcontextprotocol/protocolVersion': MODERN_PROTOCOL_VERSION, 'io.modelcontextprotocol/clientCapabilities': {} },
    },
  };
}

async function timePerCall(iterations: number, call: (i: number) => Promise<string>): Promise<number> {
  for (let i = 0; i < Math.min(2_000, iterations); i++) await call(i); // warm-up
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) {
    const text = await call(i);
    if (!text.includes('"structuredContent"')) throw new Error(`server-per-process micro-benchmark: not a tool result: ${text.slice(0, 200)}`);
  }
  return Number(process.hrtime.bigint() - t0) / 1000 / iterations;
}

export async function measureServerPerProcess(iterations = 20_000): Promise<ServerPerProcessFigure> {
  const { createModernServer, ProcessWideModernTransport } = await importDist<ModernModule>('mcp/modernServer.js');
  const { Dispatcher } = await importDist<DispatcherModule>('mcp/dispatcher.js');
  const { defaultRegistry } = await importDist<RegistryModule>('tools/registry.js');
  const { createToolServices } = await importDist<ServicesModule>('tools/services.js');
  const { loadViewResources } = await importDist<typeof import('../../src/views/resources.js')>('views/resources.js');
  const views = loadViewResources();
  const registry = defaultRegistry();
  const services = createToolServices({ neonpanelBaseUrl: 'http://127.0.0.1:9', companyCacheTtlMs: 0 });
  const neonpanel = {} as never; // the trivial tool never calls NeonPanel

  const dispatcher = new Dispatcher();
  const shared = createModernServer({ registry, dispatcher, neonpanel, services, views });
  await shared.connect(new ProcessWideModernTransport(dispatcher, shared));
  const perProcessUs = await timePerCall(iterations, (i) => new Promise((resolve) => {
    dispatcher.request(callBody(i) as never, { response: (m) => resolve(JSON.stringify(m)), related: () => {} }, { session: undefined, requestId: 'bench' }, { authInfo: auth } as never);
  }));

  const perRequestUs = await timePerCall(iterations, async (i) => {
    const server = createModernServer({ registry, dispatcher: new Dispatcher(), neonpanel, services, views });
    const transport = new PerRequestHTTPServerTransport({ classification: { era: 'modern', revision: MODERN_PROTOCOL_VERSION }, responseMode: 'json' });
    await server.connect(transport);
    const response = await transport.handleMessage(callBody(i) as never, { authInfo: auth as never });
    const text = await response.text();
    await server.close();
    return text;
  });
  return { perProcessUs, perRequestUs, gain: perRequestUs / perProcessUs };
}
