/**
 * A real MCP exchange through the SDK's own client — the code Claude and other clients run —
 * over Streamable HTTP (`/mcp`) or legacy SSE (`/sse`), with the operator's bearer token.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { McpRequestSpec } from './cases.js';
import type { Verdict } from './checks.js';
import { clip } from './text.js';

export interface McpSessionOptions {
  /** The server URL, without a trailing slash. */
  target: string;
  token: string;
  tool: string;
  toolArguments: Record<string, unknown>;
  /** Limit for each MCP request. */
  timeoutMs: number;
  /** Aborting closes the client at once, whatever step it is in. */
  signal?: AbortSignal;
}

const CLIENT_INFO = { name: 'neonpanel-e2e', version: '0.1.0' };

function transportFor(spec: McpRequestSpec, options: McpSessionOptions) {
  const authorization = `Bearer ${options.token}`;
  const requestInit: RequestInit = { headers: { Authorization: authorization } };
  if (spec.transport === 'streamable') {
    return new StreamableHTTPClientTransport(new URL(`${options.target}/mcp`), { requestInit });
  }
  // Legacy SSE keeps its session in the instance holding the stream. Behind a load balancer
  // with several instances, the POSTs reach that instance only when they carry the
  // balancer's stickiness cookie (AWSALB…) from the stream's answer, as a browser would.
  let stickiness = '';
  return new SSEClientTransport(new URL(`${options.target}/sse`), {
    requestInit,
    // The stream's GET does not take requestInit in every SDK version; this fetch adds the header to it.
    eventSourceInit: {
      fetch: async (url, init) => {
        const headers = new Headers(init?.headers);
        headers.set('Authorization', authorization);
        const response = await fetch(url, { ...init, headers });
        stickiness = response.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
        return response;
      },
    },
    fetch: (url, init) => {
      const headers = new Headers(init?.headers);
      if (stickiness) headers.set('Cookie', stickiness);
      return fetch(url, { ...init, headers });
    },
  });
}

/** The text of an error result's first content item, shortened. */
function errorText(result: Record<string, unknown>): string {
  const first = Array.isArray(result['content']) ? (result['content'][0] as { text?: unknown } | undefined) : undefined;
  return typeof first?.text === 'string' ? clip(first.text, 160) : 'isError';
}

/**
 * Runs the exchange up to `spec.step`. Resolves with the verdict; rejects only when the
 * exchange itself fails (network, HTTP or protocol error), which the runner reports.
 */
export async function runMcpSession(spec: McpRequestSpec, options: McpSessionOptions): Promise<Verdict> {
  const client = new Client(CLIENT_INFO, { capabilities: {} });
  const transport = transportFor(spec, options);
  const requestOptions = { timeout: options.timeoutMs };
  // Opening an SSE stream has no SDK time limit of its own: the runner's deadline ends it here.
  const abandon = () => void client.close().catch(() => {});
  options.signal?.addEventListener('abort', abandon, { once: true });
  try {
    await client.connect(transport, requestOptions);
    const server = client.getServerVersion();
    const initialized = `initialized ${clip(`${server?.name ?? '?'} ${server?.version ?? ''}`.trim(), 60)}`;
    if (spec.step === 'initialize') return { ok: true, got: initialized };

    const { tools } = await client.listTools(undefined, requestOptions);
    const listed = tools.some((t) => t.name === options.tool);
    if (spec.step === 'tools/list') {
      return { ok: listed, got: `${tools.length} tools, ${listed ? 'including' : 'without'} ${options.tool}` };
    }

    const result = await client.callTool({ name: options.tool, arguments: options.toolArguments }, undefined, requestOptions);
    if (result.isError === true) return { ok: false, got: `${options.tool}: ${errorText(result)}` };
    if (!Array.isArray(result.content)) return { ok: false, got: `${options.tool}: no content` };
    return { ok: true, got: `${options.tool}: ok, ${result.content.length} content item(s)` };
  } finally {
    const cleanup = async () => {
      if (transport instanceof StreamableHTTPClientTransport && transport.sessionId) {
        await transport.terminateSession().catch(() => {});
      }
      await client.close().catch(() => {});
    };
    await bounded(cleanup(), options.timeoutMs);
    options.signal?.removeEventListener('abort', abandon);
  }
}

/** Waits for `work` at most `ms`; cleanup must never hold a run up. */
async function bounded(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
