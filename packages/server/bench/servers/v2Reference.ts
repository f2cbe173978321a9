/**
 * The v2 reference: the v2 SDK's documented way to serve MCP over HTTP, with the same
 * trivial tool our server has. `createMcpHandler` builds an `McpServer` per request from one
 * factory and serves both eras on POST /mcp (2026-07-28 statelessly; 2025-era traffic through
 * its stateless legacy fallback), behind the v2 bearer middleware
 * (`@modelcontextprotocol/express`) with a jose RS256 verifier against the bench's JWKS,
 * mounted with `toNodeHandler` (`@modelcontextprotocol/node`) in `createMcpExpressApp`.
 *
 * Environment: PORT, BENCH_ISSUER, BENCH_JWKS_URI, BENCH_AUDIENCE.
 */
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { z } from 'zod';
import { createMcpHandler, McpServer, OAuthError, OAuthErrorCode, type AuthInfo } from '@modelcontextprotocol/server';
import { createMcpExpressApp, requireBearerAuth } from '@modelcontextprotocol/express';
import { toNodeHandler } from '@modelcontextprotocol/node';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`v2 reference: ${name} is required`);
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
      throw new OAuthError(OAuthErrorCode.InvalidToken, 'Invalid access token');
    }
  },
};

/** The same tool, name and output shape as our `neonpanel_whoami`: no upstream call. */
function getServer(): McpServer {
  const server = new McpServer({ name: 'sdk-v2-reference', version: '1.0.0' });
  server.registerTool(
    'neonpanel_whoami',
    {
      title: 'Who am I signed in as',
      description: 'Returns the signed-in user id, the client and the granted scopes.',
      inputSchema: z.object({}),
      outputSchema: z.object({
        subject: z.string(),
        clientId: z.string(),
        scopes: z.array(z.string()),
        expiresAt: z.string().optional(),
      }),
      annotations: { readOnlyHint: true },
    },
    async (_args, ctx) => {
      const auth = ctx.http?.authInfo;
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
const handler = toNodeHandler(createMcpHandler(getServer));
app.all('/mcp', requireBearerAuth({ verifier }), (req, res) => void handler(req, res, req.body));

app.listen(port, '127.0.0.1', (error?: Error) => {
  if (error) {
    process.stderr.write(`v2 reference: could not listen: ${error.message}\n`);
    process.exit(1);
  }
});
