/**
 * The baseline: the MCP SDK's reference servers, as its own examples write them
 * (simpleStatelessStreamableHttp.ts and simpleSseServer.ts in @modelcontextprotocol/sdk),
 * with the same trivial tool our server has, behind the SDK's `requireBearerAuth` and a jose
 * RS256 verifier against the bench's JWKS.
 *
 * - POST /mcp: stateless Streamable HTTP; a new `McpServer` and transport for every request,
 *   `enableJsonResponse: true`.
 * - GET /sse + POST /messages: legacy HTTP+SSE; a new `McpServer` per stream.
 *
 * Environment: PORT, BENCH_ISSUER, BENCH_JWKS_URI, BENCH_AUDIENCE.
 */
import type { Request, Response } from 'express';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { z } from 'zod';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { createMcpExpressApp } from '@modelcontextprotocol/sdk/server/express.js';
import { requireBearerAuth } from '@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js';
import { InvalidTokenError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`baseline: ${name} is required`);
  return value;
}

const port = Number(required('PORT'));
const issuer = required('BENCH_ISSUER');
const audience = required('BENCH_AUDIENCE');
const jwks = createRemoteJWKSet(new URL(required('BENCH_JWKS_URI')));

const verifier = {
  async verifyAccessToken(token: string): Promise<AuthInfo> {
    try {
      const { payload } = await jwtVerify(token, jwks, { issuer, audience, algorithms: ['RS256'] });
      return {
        token,
        clientId: typeof payload['client_id'] === 'string' ? payload['client_id'] : '',
        scopes: typeof payload['scope'] === 'string' ? payload['scope'].split(' ') : [],
        ...(payload.exp !== undefined ? { expiresAt: payload.exp } : {}),
        extra: { subject: payload.sub },
      };
    } catch {
      throw new InvalidTokenError('Invalid access token');
    }
  },
};

/** The same tool, name and output shape as our `neonpanel_whoami`: no upstream call. */
function getServer(): McpServer {
  const server = new McpServer({ name: 'sdk-reference-baseline', version: '1.0.0' }, { capabilities: { logging: {} } });
  server.registerTool(
    'neonpanel_whoami',
    {
      title: 'Who am I signed in as',
      description: 'Returns the signed-in user id, the client and the granted scopes.',
      inputSchema: {},
      outputSchema: {
        subject: z.string(),
        clientId: z.string(),
        scopes: z.array(z.string()),
        expiresAt: z.string().optional(),
      },
      annotations: { readOnlyHint: true },
    },
    async (_args, extra) => {
      const auth = extra.authInfo;
      const structured = {
        subject: String(auth?.extra?.['subject'] ?? ''),
        clientId: auth?.clientId ?? '',
        scopes: auth?.scopes ?? [],
        ...(auth?.expiresAt !== undefined ? { expiresAt: new Date(auth.expiresAt * 1000).toISOString() } : {}),
      };
      return { content: [{ type: 'text', text: JSON.stringify(structured) }], structuredContent: structured };
    },
  );
  return server;
}

const app = createMcpExpressApp({ host: '127.0.0.1' });
const auth = requireBearerAuth({ verifier });

const internalError = (res: Response): void => {
  if (!res.headersSent) res.status(500).json({ jsonrpc: '2.0', error: { code: -32603, message: 'Internal server error' }, id: null });
};

app.post('/mcp', auth, async (req: Request, res: Response) => {
  const server = getServer();
  try {
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
  } catch {
    internalError(res);
  }
});

const methodNotAllowed = (_req: Request, res: Response): void => {
  res.writeHead(405).end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed.' }, id: null }));
};
app.get('/mcp', methodNotAllowed);
app.delete('/mcp', methodNotAllowed);

const transports = new Map<string, SSEServerTransport>();

app.get('/sse', auth, async (_req: Request, res: Response) => {
  try {
    const transport = new SSEServerTransport('/messages', res);
    const sessionId = transport.sessionId;
    transports.set(sessionId, transport);
    transport.onclose = () => {
      transports.delete(sessionId);
    };
    await getServer().connect(transport);
  } catch {
    if (!res.headersSent) res.status(500).send('Error establishing SSE stream');
  }
});

app.post('/messages', auth, async (req: Request, res: Response) => {
  const sessionId = req.query['sessionId'];
  if (typeof sessionId !== 'string') {
    res.status(400).send('Missing sessionId parameter');
    return;
  }
  const transport = transports.get(sessionId);
  if (!transport) {
    res.status(404).send('Session not found');
    return;
  }
  try {
    await transport.handlePostMessage(req, res, req.body);
  } catch {
    if (!res.headersSent) res.status(500).send('Error handling request');
  }
});

app.listen(port, '127.0.0.1', (error?: Error) => {
  if (error) {
    process.stderr.write(`baseline: could not listen: ${error.message}\n`);
    process.exit(1);
  }
});
