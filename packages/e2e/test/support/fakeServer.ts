/**
 * A small stand-in for the gateway, on 127.0.0.1, that can be broken on purpose. Without a
 * flaw it answers every token-less case of the matrix correctly; each flaw reproduces one
 * mistake a deployment can make, so a test can prove the matrix catches it.
 *
 * node:http rather than express: the point is full control over every header.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Flaw =
  /** `/sse/` serves its stream to anyone. */
  | 'sse-without-auth'
  /** `Authorization` is missing from `Access-Control-Allow-Headers`. */
  | 'cors-without-authorization'
  /** Any well-formed `Bearer <token>` is accepted (the original deployment's bug). */
  | 'format-only-token-check'
  /** The SDK-default style: no realm, no resource_metadata, an error code without credentials. */
  | 'wrong-challenge'
  /** The root RFC 9728 document names another resource. */
  | 'metadata-wrong-resource'
  /** A leaky server that echoes the credentials it got into its error bodies. */
  | 'echoes-credentials'
  /** The limited token may call a tool whose scope it lacks. */
  | 'scope-not-enforced';

export interface FakeServer {
  url: string;
  close(): Promise<void>;
}

const SCOPES = ['read:inventory', 'write:import'];
/** The one token this fake accepts: valid, but without `write:import`. */
export const FAKE_LIMITED_TOKEN = 'fake-limited-token';
const BEARER = /^bearer +([A-Za-z0-9\-._~+/]+=*)$/i;
const ALLOWED_ORIGINS = new Set(['https://chatgpt.com']);

export async function startFakeServer(flaw?: Flaw): Promise<FakeServer> {
  let base = '';
  const issuer = 'https://auth.example.test';

  const json = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  const challenge = (error?: string, scope = SCOPES.join(' ')): string => {
    if (flaw === 'wrong-challenge') return 'Bearer error="invalid_token", error_description="Missing or invalid access token"';
    const parts = ['realm="mcp"'];
    if (error) parts.push(`error="${error}"`, 'error_description="The access token is invalid."');
    parts.push(`scope="${scope}"`, `resource_metadata="${base}/.well-known/oauth-protected-resource"`);
    return `Bearer ${parts.join(', ')}`;
  };

  const refuse = (req: http.IncomingMessage, res: http.ServerResponse, error?: string) => {
    const echoed = flaw === 'echoes-credentials' ? `${req.headers.authorization ?? ''} ${req.url ?? ''}` : undefined;
    json(res, 401, { error: echoed ?? 'invalid_token', error_description: echoed ?? 'Unsupported authorization header.' }, {
      'WWW-Authenticate': challenge(error),
    });
  };

  const prm = (resource: string) => ({
    resource,
    authorization_servers: [issuer],
    scopes_supported: SCOPES,
    bearer_methods_supported: ['header'],
    resource_name: 'Fake gateway',
  });

  const publicRoutes: Record<string, (res: http.ServerResponse) => void> = {
    '/health': (res) => json(res, 200, { status: 'ok' }),
    '/.well-known/oauth-authorization-server': (res) =>
      json(res, 200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        response_types_supported: ['code'],
      }),
    '/openapi.json': (res) => json(res, 200, { openapi: '3.1.0', info: { title: 'fake', version: '1' }, paths: { '/mcp/tools/call': { post: {} } } }),
    '/openapi.yaml': (res) => {
      res.writeHead(200, { 'Content-Type': 'application/yaml' });
      res.end('openapi: 3.1.0\ninfo:\n  title: fake\n');
    },
    '/.well-known/ai-plugin.json': (res) =>
      json(res, 200, {
        schema_version: 'v1',
        auth: { type: 'oauth', client_url: `${issuer}/authorize`, authorization_url: `${issuer}/token` },
        api: { type: 'openapi', url: `${base}/openapi.json` },
      }),
    '/mcp/capabilities': (res) => json(res, 200, { tools: [{ name: 'neonpanel_whoami', inputSchema: { type: 'object' } }] }),
    '/.well-known/oauth-protected-resource': (res) =>
      json(res, 200, prm(flaw === 'metadata-wrong-resource' ? 'https://elsewhere.example' : base)),
    '/.well-known/oauth-protected-resource/mcp': (res) => json(res, 200, prm(`${base}/mcp`)),
    '/.well-known/oauth-protected-resource/sse': (res) => json(res, 200, prm(`${base}/sse`)),
  };

  const openStream = (res: http.ServerResponse) => {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
    res.write('event: endpoint\ndata: /messages?sessionId=fake\n\n');
  };

  const isProtected = (method: string, path: string): boolean =>
    path === '/mcp' ||
    (method === 'POST' && (path === '/mcp/tools/call' || path === '/messages')) ||
    (method === 'GET' && (path === '/sse' || path === '/sse/'));

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', base);
    const method = req.method ?? 'GET';
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Expose-Headers', 'WWW-Authenticate, Mcp-Session-Id');
    // Bodies are ignored, but must be drained so the client's upload completes.
    req.resume();

    if (method === 'OPTIONS') {
      const allowed = ['Content-Type', 'Mcp-Session-Id', 'Mcp-Protocol-Version', 'Mcp-Method', 'Mcp-Name', 'Last-Event-ID'];
      if (flaw !== 'cors-without-authorization') allowed.unshift('Authorization');
      res.writeHead(204, {
        'Access-Control-Allow-Methods': 'GET, POST, DELETE, OPTIONS',
        'Access-Control-Allow-Headers': allowed.join(', '),
      });
      res.end();
      return;
    }
    const publicRoute = method === 'GET' ? publicRoutes[url.pathname] : undefined;
    if (publicRoute) return publicRoute(res);
    if (!isProtected(method, url.pathname)) return json(res, 404, { error: 'not_found' });

    const origin = req.headers.origin;
    if (origin !== undefined && !ALLOWED_ORIGINS.has(origin)) return json(res, 403, { error: 'forbidden_origin' });
    if (flaw === 'sse-without-auth' && url.pathname === '/sse/') return openStream(res);

    const match = BEARER.exec(req.headers.authorization ?? '');
    if (!match) return refuse(req, res);
    if (match[1] === FAKE_LIMITED_TOKEN && url.pathname === '/mcp/tools/call') {
      if (flaw === 'scope-not-enforced') return json(res, 200, { content: [{ type: 'text', text: 'imported' }], isError: false });
      return json(res, 403, { error: 'insufficient_scope', error_description: 'This operation needs the scope: write:import.' }, {
        'WWW-Authenticate': challenge('insufficient_scope', 'write:import'),
      });
    }
    // No token verifies here, except under the format-only flaw.
    if (flaw !== 'format-only-token-check') return refuse(req, res, 'invalid_token');
    if (url.pathname.startsWith('/sse')) return openStream(res);
    return json(res, 200, { content: [{ type: 'text', text: 'ok' }], isError: false });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
