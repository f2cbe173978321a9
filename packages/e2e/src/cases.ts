/**
 * The post-deploy auth matrix, as data: one entry per case, each with its category, its
 * name, the request to send and what must come back. `runner.ts` interprets the entries;
 * nothing here performs I/O.
 *
 * The first six categories are the original deployment's 19 cases; the rest go beyond them
 * (Streamable HTTP, legacy SSE details, RFC 9728 discovery, forged tokens, and the
 * real-token cases that only run when a token is given).
 */

export type Category =
  | 'public'
  | 'no-auth'
  | 'invalid-auth-format'
  | 'bearer-scheme-case'
  | 'cors'
  | 'www-authenticate'
  | 'streamable-http'
  | 'legacy-sse'
  | 'discovery'
  | 'forged-token'
  | 'real-token'
  | 'scope'
  | 'current-revision'
  /** AUTH_MODE=broker: this server is the authorization server its clients see. */
  | 'broker';

/** Tokens the runner makes itself, never valid on any server. */
export type Forgery = 'alg-none' | 'expired' | 'wrong-signature';

/** Where a request's credential comes from. Literal header values live in `headers` instead. */
export type Credential =
  /** A JWT the runner forges (see `Forgery`), sent as `Authorization: Bearer …`. */
  | { kind: 'forged'; forgery: Forgery }
  /** The operator's real token (`--token`), or the limited one (`--limited-token`). */
  | { kind: 'real'; which: 'token' | 'limited'; placement: 'header' | 'query' }
  /** A token NeonPanel itself issued (`--neonpanel-token`): a broker must refuse it. */
  | { kind: 'neonpanel' }
  /** The real token with its payload altered and its signature kept. */
  | { kind: 'tampered' };

/** A JSON body, or a tool call whose tool comes from the run's options. */
export type Body =
  | { json: unknown }
  | { toolCall: 'read' | 'scope-probe' }
  /**
   * A MCP 2026-07-28 JSON-RPC request with its `_meta` envelope. The runner adds the
   * standard headers that mirror it (`MCP-Protocol-Version`, `Mcp-Method`, `Mcp-Name`);
   * `nameHeader` replaces the `Mcp-Name` value, to make headers and body disagree.
   */
  | { modern: 'server/discover' | 'read-tool-call'; nameHeader?: string };

export interface HttpRequestSpec {
  kind: 'http';
  method: 'GET' | 'POST' | 'DELETE' | 'OPTIONS';
  /** Path (and query) appended to the server URL. */
  path: string;
  headers?: Record<string, string>;
  credential?: Credential;
  body?: Body;
}

/** A whole MCP exchange through the SDK's own client, with the real token. */
export interface McpRequestSpec {
  kind: 'mcp';
  transport: 'streamable' | 'sse';
  /** How far to go: each step includes the ones before it. */
  step: 'initialize' | 'tools/list' | 'tools/call';
}

export type RequestSpec = HttpRequestSpec | McpRequestSpec;

/** A JSON (or YAML) document's content check; each names a checker in `checks.ts`. */
export type DocumentCheck =
  | { kind: 'health' }
  | { kind: 'authorization-server-metadata' }
  | { kind: 'openapi-json' }
  | { kind: 'openapi-yaml' }
  | { kind: 'ai-plugin' }
  | { kind: 'capabilities' }
  /** RFC 9728 metadata whose `resource` is the server URL plus `resourcePath` ('' for the root). */
  | { kind: 'protected-resource-metadata'; resourcePath: string }
  /** The REST façade's answer: `{content, isError: false}`. */
  | { kind: 'tool-result' }
  /** Broker mode: RFC 9728 metadata naming this server's own origin as its authorization server. */
  | { kind: 'broker-protected-resource-metadata' }
  /** Broker mode: RFC 8414 metadata of this origin with CIMD, S256 only, RFC 9207 `iss` and public clients. */
  | { kind: 'broker-authorization-server-metadata' }
  /** A 2026-07-28 `server/discover` result: `resultType` complete, versions listing 2026-07-28, tools capability. */
  | { kind: 'discover-result' }
  /** A 2026-07-28 `tools/call` result: `resultType` complete, content, not `isError`. */
  | { kind: 'modern-tool-result' };

export interface ChallengeExpectation {
  /**
   * The `error` parameter: `null` means it must be absent (no credentials were presented,
   * RFC 6750 §3.1). `realm`, `scope` and an absolute `resource_metadata` URL on the
   * server's origin are always required.
   */
  error: null | 'invalid_token' | 'insufficient_scope';
  /** Fetch `resource_metadata` and require valid RFC 9728 JSON whose `resource` matches. */
  followResourceMetadata?: boolean;
}

export interface CorsExpectation {
  /**
   * Header names that must appear in `Access-Control-Allow-Headers` (case-insensitive). A
   * `*` covers every name except `authorization`, which the Fetch standard requires by name.
   */
  allowHeaders?: string[];
  /** Methods that must appear in `Access-Control-Allow-Methods` (only non-safelisted ones need to). */
  allowMethods?: string[];
  /** Header names that must appear in `Access-Control-Expose-Headers`. */
  exposeHeaders?: string[];
}

export interface HttpExpectation {
  /** One status, or any of several. */
  status: number | number[];
  contentType?: 'json' | 'yaml' | 'event-stream';
  /** The JSON body's `error` member. */
  bodyError?: string;
  /** `WWW-Authenticate` must be a Bearer challenge as described. */
  challenge?: ChallengeExpectation;
  /** CORS answer headers; `Access-Control-Allow-Origin` must be `*` or the request's Origin. */
  cors?: CorsExpectation;
  document?: DocumentCheck;
  /** The stream's first event name (the legacy SSE transport starts with `endpoint`). */
  firstEvent?: string;
  /** The JSON-RPC error code the body must carry (`error.code`). */
  jsonRpcErrorCode?: number;
}

export interface McpExpectation {
  /** Every step of the request succeeds; `tools/list` must include the read tool, and its call must not be an error. */
  mcp: 'succeeds';
}

export type Expectation = HttpExpectation | McpExpectation;

export interface MatrixCase {
  category: Category;
  /** Unique within its category; stable, so reports and tests can name it. */
  name: string;
  request: RequestSpec;
  expect: Expectation;
  /** Options that must be set for the case to run; it is skipped otherwise. */
  requires?: Array<'token' | 'limitedToken' | 'scopeProbeTool' | 'neonpanelToken' | 'broker'>;
}

const CHATGPT = 'https://chatgpt.com';
/** A plausible opaque token that no server can verify. */
const UNVERIFIABLE = 'test-token-123';
const TOOLS_CALL_BODY: Body = { json: { name: 'neonpanel_whoami', arguments: {} } };
const INITIALIZE_BODY: Body = {
  json: {
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'neonpanel-e2e', version: '0' } },
  },
};
const MCP_ACCEPT = { Accept: 'application/json, text/event-stream', 'Content-Type': 'application/json' };
const JSON_CT = { 'Content-Type': 'application/json' };

/** 401 with a Bearer challenge that carries no error code: no credentials were presented. */
const noCredentials: HttpExpectation = {
  status: 401,
  contentType: 'json',
  bodyError: 'invalid_token',
  challenge: { error: null },
};
/** 401 `invalid_token`: a Bearer token was presented and refused. */
const invalidToken: HttpExpectation = {
  status: 401,
  contentType: 'json',
  bodyError: 'invalid_token',
  challenge: { error: 'invalid_token' },
};
/** A preflight is a 2xx, never 401. */
const PREFLIGHT_OK = [200, 204];

const get = (path: string, headers?: Record<string, string>, credential?: Credential): HttpRequestSpec => ({
  kind: 'http', method: 'GET', path, ...(headers ? { headers } : {}), ...(credential ? { credential } : {}),
});
const post = (path: string, body: Body | undefined, headers?: Record<string, string>, credential?: Credential): HttpRequestSpec => ({
  kind: 'http', method: 'POST', path, ...(body ? { body } : {}), ...(headers ? { headers } : {}), ...(credential ? { credential } : {}),
});
const preflight = (path: string, method: string, requestHeaders: string): HttpRequestSpec => ({
  kind: 'http',
  method: 'OPTIONS',
  path,
  headers: { Origin: CHATGPT, 'Access-Control-Request-Method': method, 'Access-Control-Request-Headers': requestHeaders },
});

export const MATRIX: readonly MatrixCase[] = [
  // 1. Public endpoints.
  { category: 'public', name: 'GET /health', request: get('/health'), expect: { status: 200, contentType: 'json', document: { kind: 'health' } } },
  {
    category: 'public',
    name: 'GET /.well-known/oauth-authorization-server',
    request: get('/.well-known/oauth-authorization-server'),
    expect: { status: 200, contentType: 'json', document: { kind: 'authorization-server-metadata' } },
  },
  { category: 'public', name: 'GET /openapi.json', request: get('/openapi.json'), expect: { status: 200, contentType: 'json', document: { kind: 'openapi-json' } } },
  { category: 'public', name: 'GET /openapi.yaml', request: get('/openapi.yaml'), expect: { status: 200, contentType: 'yaml', document: { kind: 'openapi-yaml' } } },
  {
    category: 'public',
    name: 'GET /.well-known/ai-plugin.json',
    request: get('/.well-known/ai-plugin.json'),
    expect: { status: 200, contentType: 'json', document: { kind: 'ai-plugin' } },
  },
  { category: 'public', name: 'GET /mcp/capabilities', request: get('/mcp/capabilities'), expect: { status: 200, contentType: 'json', document: { kind: 'capabilities' } } },

  // 2. No credentials at all.
  { category: 'no-auth', name: 'GET /sse/', request: get('/sse/', { Accept: 'text/event-stream' }), expect: noCredentials },
  { category: 'no-auth', name: 'POST /mcp/tools/call', request: post('/mcp/tools/call', TOOLS_CALL_BODY, JSON_CT), expect: noCredentials },

  // 3. Credentials in a form that is not `Bearer <token>`: still "no credentials".
  { category: 'invalid-auth-format', name: 'GET /sse/ with Basic', request: get('/sse/', { Authorization: 'Basic dGVzdDp0ZXN0' }), expect: noCredentials },
  { category: 'invalid-auth-format', name: 'GET /sse/ with BearerTOKEN123', request: get('/sse/', { Authorization: 'BearerTOKEN123' }), expect: noCredentials },
  { category: 'invalid-auth-format', name: 'GET /sse/ with X-API-Key', request: get('/sse/', { 'X-API-Key': 'test-token-123' }), expect: noCredentials },
  {
    category: 'invalid-auth-format',
    name: 'POST /mcp/tools/call with X-API-Key',
    request: post('/mcp/tools/call', TOOLS_CALL_BODY, { ...JSON_CT, 'X-API-Key': 'test-token' }),
    expect: noCredentials,
  },
  {
    category: 'invalid-auth-format',
    name: 'POST /mcp/tools/call with BearerTEST123',
    request: post('/mcp/tools/call', TOOLS_CALL_BODY, { ...JSON_CT, Authorization: 'BearerTEST123' }),
    expect: noCredentials,
  },

  // 4. A well-formed Bearer header in any letter case, with a token the server cannot verify.
  ...(['bearer', 'BEARER', 'BeArEr'] as const).map((scheme): MatrixCase => ({
    category: 'bearer-scheme-case',
    name: `POST /mcp/tools/call with ${scheme} ${UNVERIFIABLE}`,
    request: post('/mcp/tools/call', TOOLS_CALL_BODY, { ...JSON_CT, Authorization: `${scheme} ${UNVERIFIABLE}` }),
    expect: invalidToken,
  })),

  // 5. CORS.
  {
    category: 'cors',
    name: 'preflight OPTIONS /sse/ for GET with Authorization',
    request: preflight('/sse/', 'GET', 'authorization'),
    expect: { status: PREFLIGHT_OK, cors: { allowHeaders: ['authorization'], exposeHeaders: ['www-authenticate'] } },
  },
  {
    category: 'cors',
    name: 'preflight OPTIONS /mcp/tools/call for POST with Authorization, Content-Type',
    request: preflight('/mcp/tools/call', 'POST', 'authorization, content-type'),
    expect: {
      status: PREFLIGHT_OK,
      cors: { allowHeaders: ['authorization', 'content-type'], exposeHeaders: ['www-authenticate'] },
    },
  },
  {
    // Beyond the 19: what the browser needs is the header exposed on the 401 itself.
    category: 'cors',
    name: '401 from POST /mcp/tools/call exposes WWW-Authenticate',
    request: post('/mcp/tools/call', TOOLS_CALL_BODY, { ...JSON_CT, Origin: CHATGPT }),
    expect: { ...noCredentials, cors: { exposeHeaders: ['www-authenticate'] } },
  },

  // 6. The challenge leads to the protected resource metadata.
  {
    category: 'www-authenticate',
    name: 'GET /sse/ challenge points to RFC 9728 metadata',
    request: get('/sse/', { Accept: 'text/event-stream' }),
    expect: { ...noCredentials, challenge: { error: null, followResourceMetadata: true } },
  },

  // Beyond the 19: Streamable HTTP on /mcp, tested the same way.
  { category: 'streamable-http', name: 'POST /mcp without credentials', request: post('/mcp', INITIALIZE_BODY, MCP_ACCEPT), expect: noCredentials },
  { category: 'streamable-http', name: 'GET /mcp without credentials', request: get('/mcp', { Accept: 'text/event-stream' }), expect: noCredentials },
  { category: 'streamable-http', name: 'DELETE /mcp without credentials', request: { kind: 'http', method: 'DELETE', path: '/mcp' }, expect: noCredentials },
  {
    category: 'streamable-http',
    name: 'POST /mcp with Basic',
    request: post('/mcp', INITIALIZE_BODY, { ...MCP_ACCEPT, Authorization: 'Basic dGVzdDp0ZXN0' }),
    expect: noCredentials,
  },
  {
    category: 'streamable-http',
    name: 'POST /mcp with BearerTOKEN123',
    request: post('/mcp', INITIALIZE_BODY, { ...MCP_ACCEPT, Authorization: 'BearerTOKEN123' }),
    expect: noCredentials,
  },
  {
    category: 'streamable-http',
    name: 'POST /mcp with X-API-Key',
    request: post('/mcp', INITIALIZE_BODY, { ...MCP_ACCEPT, 'X-API-Key': 'test-token-123' }),
    expect: noCredentials,
  },
  {
    category: 'streamable-http',
    name: 'POST /mcp with access_token in the query string',
    request: post(`/mcp?access_token=${UNVERIFIABLE}`, INITIALIZE_BODY, MCP_ACCEPT),
    expect: noCredentials,
  },
  {
    category: 'streamable-http',
    name: `POST /mcp with Bearer ${UNVERIFIABLE}`,
    request: post('/mcp', INITIALIZE_BODY, { ...MCP_ACCEPT, Authorization: `Bearer ${UNVERIFIABLE}` }),
    expect: invalidToken,
  },
  {
    category: 'streamable-http',
    name: 'preflight OPTIONS /mcp for POST with Authorization and MCP headers',
    request: preflight('/mcp', 'POST', 'authorization, content-type, mcp-session-id, mcp-protocol-version'),
    expect: {
      status: PREFLIGHT_OK,
      cors: {
        allowHeaders: ['authorization', 'content-type', 'mcp-session-id', 'mcp-protocol-version'],
        exposeHeaders: ['www-authenticate', 'mcp-session-id'],
      },
    },
  },
  {
    // DELETE is not a CORS-safelisted method, so it must be listed explicitly.
    category: 'streamable-http',
    name: 'preflight OPTIONS /mcp for DELETE with Authorization and Mcp-Session-Id',
    request: preflight('/mcp', 'DELETE', 'authorization, mcp-session-id'),
    expect: { status: PREFLIGHT_OK, cors: { allowHeaders: ['authorization', 'mcp-session-id'], allowMethods: ['DELETE'] } },
  },
  {
    category: 'streamable-http',
    name: 'POST /mcp challenge points to RFC 9728 metadata',
    request: post('/mcp', INITIALIZE_BODY, MCP_ACCEPT),
    expect: { ...noCredentials, challenge: { error: null, followResourceMetadata: true } },
  },
  {
    // DNS-rebinding protection (issue 3): checked before authentication.
    category: 'streamable-http',
    name: 'POST /mcp from a foreign Origin is refused',
    request: post('/mcp', INITIALIZE_BODY, { ...MCP_ACCEPT, Origin: 'https://attacker.example' }),
    expect: { status: 403 },
  },

  // Beyond the 19: the rest of the legacy SSE surface.
  { category: 'legacy-sse', name: 'GET /sse without credentials', request: get('/sse', { Accept: 'text/event-stream' }), expect: noCredentials },
  {
    category: 'legacy-sse',
    name: 'POST /messages without credentials',
    request: post('/messages?sessionId=e2e-unknown-session', { json: { jsonrpc: '2.0', id: 1, method: 'ping' } }, JSON_CT),
    expect: noCredentials,
  },
  {
    category: 'legacy-sse',
    name: `GET /sse/ with Bearer ${UNVERIFIABLE}`,
    request: get('/sse/', { Accept: 'text/event-stream', Authorization: `Bearer ${UNVERIFIABLE}` }),
    expect: invalidToken,
  },

  // Beyond the 19: RFC 9728 metadata at the root and at each path-inserted location.
  ...([['', ''], ['/mcp', '/mcp'], ['/sse', '/sse']] as const).map(([suffix, resourcePath]): MatrixCase => ({
    category: 'discovery',
    name: `GET /.well-known/oauth-protected-resource${suffix}`,
    request: get(`/.well-known/oauth-protected-resource${suffix}`),
    expect: { status: 200, contentType: 'json', document: { kind: 'protected-resource-metadata', resourcePath } },
  })),

  // Beyond the 19: tokens the runner forges.
  {
    category: 'forged-token',
    name: 'alg none on POST /mcp/tools/call',
    request: post('/mcp/tools/call', TOOLS_CALL_BODY, JSON_CT, { kind: 'forged', forgery: 'alg-none' }),
    expect: invalidToken,
  },
  {
    category: 'forged-token',
    name: 'expired on POST /mcp/tools/call',
    request: post('/mcp/tools/call', TOOLS_CALL_BODY, JSON_CT, { kind: 'forged', forgery: 'expired' }),
    expect: invalidToken,
  },
  {
    category: 'forged-token',
    name: 'wrong signature on POST /mcp/tools/call',
    request: post('/mcp/tools/call', TOOLS_CALL_BODY, JSON_CT, { kind: 'forged', forgery: 'wrong-signature' }),
    expect: invalidToken,
  },
  {
    category: 'forged-token',
    name: 'alg none on POST /mcp',
    request: post('/mcp', INITIALIZE_BODY, MCP_ACCEPT, { kind: 'forged', forgery: 'alg-none' }),
    expect: invalidToken,
  },
  {
    category: 'forged-token',
    name: 'wrong signature on GET /sse/',
    request: get('/sse/', { Accept: 'text/event-stream' }, { kind: 'forged', forgery: 'wrong-signature' }),
    expect: invalidToken,
  },

  // Beyond the 19: with the operator's real token.
  {
    category: 'real-token',
    name: 'POST /mcp/tools/call with the read tool',
    requires: ['token'],
    request: post('/mcp/tools/call', { toolCall: 'read' }, JSON_CT, { kind: 'real', which: 'token', placement: 'header' }),
    expect: { status: 200, contentType: 'json', document: { kind: 'tool-result' } },
  },
  ...(['streamable', 'sse'] as const).flatMap((transport) =>
    (['initialize', 'tools/list', 'tools/call'] as const).map((step): MatrixCase => ({
      category: 'real-token',
      name: `${transport === 'streamable' ? 'Streamable HTTP /mcp' : 'SSE /sse'}: ${step}`,
      requires: ['token'],
      request: { kind: 'mcp', transport, step },
      expect: { mcp: 'succeeds' },
    })),
  ),
  {
    category: 'real-token',
    name: 'GET /sse/ opens a stream whose first event is endpoint',
    requires: ['token'],
    request: get('/sse/', { Accept: 'text/event-stream' }, { kind: 'real', which: 'token', placement: 'header' }),
    expect: { status: 200, contentType: 'event-stream', firstEvent: 'endpoint' },
  },
  {
    // An unverifiable token, never the real one: a query string lands in the ALB's access logs
    // (S3) on every run. It still tells: a server that read query tokens would answer
    // `invalid_token`, not the no-credentials challenge.
    category: 'invalid-auth-format',
    name: 'POST /mcp/tools/call with access_token in the query string',
    request: post(`/mcp/tools/call?access_token=${UNVERIFIABLE}`, { toolCall: 'read' }, JSON_CT),
    expect: noCredentials,
  },
  {
    category: 'real-token',
    name: 'the real token with a tampered payload',
    requires: ['token'],
    request: post('/mcp/tools/call', { toolCall: 'read' }, JSON_CT, { kind: 'tampered' }),
    expect: invalidToken,
  },

  // Beyond the 19: a valid token without the scope a tool needs.
  {
    category: 'scope',
    name: 'limited token calling the scope-probe tool',
    requires: ['limitedToken', 'scopeProbeTool'],
    request: post('/mcp/tools/call', { toolCall: 'scope-probe' }, JSON_CT, { kind: 'real', which: 'limited', placement: 'header' }),
    expect: { status: 403, contentType: 'json', bodyError: 'insufficient_scope', challenge: { error: 'insufficient_scope' } },
  },

  // Beyond the 19: the current MCP revision (2026-07-28), stateless on /mcp, same auth rules.
  {
    category: 'current-revision',
    name: 'server/discover without credentials',
    request: post('/mcp', { modern: 'server/discover' }, MCP_ACCEPT),
    expect: { ...noCredentials, challenge: { error: null, followResourceMetadata: true } },
  },
  {
    // A browser-based client sends the 2026-07-28 standard headers on every POST.
    category: 'current-revision',
    name: 'preflight OPTIONS /mcp for POST with the 2026-07-28 standard headers',
    request: preflight('/mcp', 'POST', 'authorization, content-type, mcp-protocol-version, mcp-method, mcp-name'),
    expect: {
      status: PREFLIGHT_OK,
      cors: { allowHeaders: ['authorization', 'content-type', 'mcp-protocol-version', 'mcp-method', 'mcp-name'], exposeHeaders: ['www-authenticate'] },
    },
  },
  {
    category: 'current-revision',
    name: 'server/discover with the real token',
    requires: ['token'],
    request: post('/mcp', { modern: 'server/discover' }, MCP_ACCEPT, { kind: 'real', which: 'token', placement: 'header' }),
    expect: { status: 200, contentType: 'json', document: { kind: 'discover-result' } },
  },
  {
    category: 'current-revision',
    name: 'tools/call of the read tool with the real token',
    requires: ['token'],
    request: post('/mcp', { modern: 'read-tool-call' }, MCP_ACCEPT, { kind: 'real', which: 'token', placement: 'header' }),
    expect: { status: 200, contentType: 'json', document: { kind: 'modern-tool-result' } },
  },
  {
    category: 'current-revision',
    name: 'Mcp-Name header that disagrees with the body',
    requires: ['token'],
    request: post('/mcp', { modern: 'read-tool-call', nameHeader: 'e2e-not-the-called-tool' }, MCP_ACCEPT, { kind: 'real', which: 'token', placement: 'header' }),
    expect: { status: 400, contentType: 'json', jsonRpcErrorCode: -32020 },
  },
  // Broker mode (issue 25): run with `authMode: 'broker'` (`--auth-mode broker`).
  {
    category: 'broker',
    name: 'PRM names this server as the authorization server',
    requires: ['broker'],
    request: get('/.well-known/oauth-protected-resource'),
    expect: { status: 200, contentType: 'json', document: { kind: 'broker-protected-resource-metadata' } },
  },
  {
    category: 'broker',
    name: 'RFC 8414 metadata shows CIMD, S256 only and RFC 9207 iss',
    requires: ['broker'],
    request: get('/.well-known/oauth-authorization-server'),
    expect: { status: 200, contentType: 'json', document: { kind: 'broker-authorization-server-metadata' } },
  },
  {
    category: 'broker',
    name: 'POST /oauth/register with a non-loopback http redirect URI',
    requires: ['broker'],
    request: post('/oauth/register', { json: { client_name: 'neonpanel-e2e', redirect_uris: ['http://e2e-attacker.invalid/callback'], token_endpoint_auth_method: 'none' } }, JSON_CT),
    expect: { status: 400, contentType: 'json', bodyError: 'invalid_redirect_uri' },
  },
  {
    category: 'broker',
    name: 'a NeonPanel-issued token at /mcp',
    requires: ['broker', 'neonpanelToken'],
    request: post('/mcp', INITIALIZE_BODY, MCP_ACCEPT, { kind: 'neonpanel' }),
    expect: invalidToken,
  },
];

/** The current MCP revision, served statelessly on `/mcp` next to the legacy era. */
export const CURRENT_REVISION = '2026-07-28';

/** `expect` is an MCP expectation rather than an HTTP one. */
export function isMcpExpectation(expect: Expectation): expect is McpExpectation {
  return 'mcp' in expect;
}
