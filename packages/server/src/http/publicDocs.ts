/**
 * Public documents generated from the one tool registry: `/mcp/capabilities`, the OpenAPI
 * 3.1 description of this server's own HTTP API (JSON and YAML), and the ChatGPT plugin
 * manifest. Built once per authorization-server metadata, then served from memory.
 */
import { Router, type Response } from 'express';
import { stringify as toYaml } from 'yaml';
import { SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/sdk/types.js';
import type { PublishedTool, ToolRegistry } from '../tools/types.js';
import type { AuthorizationServerMetadata, MetadataSource } from '../auth/authorizationServerMetadata.js';
import { metadataUrlFor } from '../auth/protectedResourceMetadata.js';
import { SERVICE_NAME, VERSION } from '../version.js';

export interface PublicDocsOptions {
  registry: ToolRegistry;
  publicBaseUrl: string;
  issuer: string;
  scopes: readonly string[];
  sessionMode: 'stateful' | 'stateless';
  authorizationServerMetadata: MetadataSource;
}

interface OAuthEndpoints {
  authorizationUrl: string;
  tokenUrl: string;
}

/** The AS's endpoints; if its metadata cannot be had, NeonPanel's documented `/oauth2/*` layout. */
async function oauthEndpoints(source: MetadataSource, issuer: string): Promise<OAuthEndpoints & { fromMetadata: boolean }> {
  let metadata: AuthorizationServerMetadata | undefined;
  try {
    metadata = await source.get();
  } catch {
    metadata = undefined;
  }
  const str = (v: unknown, fallback: string) => (typeof v === 'string' ? v : fallback);
  return {
    authorizationUrl: str(metadata?.['authorization_endpoint'], `${issuer}/oauth2/authorize`),
    tokenUrl: str(metadata?.['token_endpoint'], `${issuer}/oauth2/token`),
    fromMetadata: metadata !== undefined,
  };
}

export function capabilitiesDocument(options: PublicDocsOptions): Record<string, unknown> {
  const base = options.publicBaseUrl;
  return {
    name: SERVICE_NAME,
    version: VERSION,
    protocolVersions: SUPPORTED_PROTOCOL_VERSIONS,
    sessionMode: options.sessionMode,
    // What this deployment publishes (MCP_TOOLSETS, MCP_READ_ONLY), as the registry holds it.
    toolsets: [...new Set(options.registry.tools.map((t) => t.toolset))],
    writes: options.registry.tools.some((t) => !t.readOnly),
    transports: {
      streamableHttp: `${base}/mcp`,
      sse: `${base}/sse`,
      rest: `${base}/mcp/tools/call`,
    },
    auth: {
      type: 'oauth2',
      resourceMetadata: metadataUrlFor(base),
      authorizationServers: [options.issuer],
      scopes: options.scopes,
    },
    tools: options.registry.tools.map((t) => ({
      name: t.name,
      title: t.title,
      description: t.description,
      requiredScope: t.scope ?? null,
      toolset: t.toolset,
      inputSchema: t.inputSchema,
      ...(t.outputSchema ? { outputSchema: t.outputSchema } : {}),
      annotations: t.annotations,
    })),
  };
}

function toolCallSchemaName(tool: PublishedTool): string {
  return `Call_${tool.name}`;
}

export function openApiDocument(options: PublicDocsOptions, endpoints: OAuthEndpoints): Record<string, unknown> {
  const tools = options.registry.tools;
  const scopes = Object.fromEntries(options.scopes.map((s) => [s, `NeonPanel ${s.replace(':', ' ')}`]));
  const schemas: Record<string, unknown> = {
    Error: {
      type: 'object',
      required: ['error'],
      properties: { error: { type: 'string' }, error_description: { type: 'string' } },
    },
    ToolResult: {
      type: 'object',
      required: ['content', 'isError'],
      properties: {
        content: { type: 'array', items: { type: 'object', required: ['type'], properties: { type: { type: 'string' }, text: { type: 'string' } } } },
        structuredContent: { type: 'object' },
        isError: { type: 'boolean' },
      },
    },
    Health: {
      type: 'object',
      required: ['status', 'service', 'version', 'baseUrl'],
      properties: { status: { type: 'string' }, service: { type: 'string' }, version: { type: 'string' }, baseUrl: { type: 'string' } },
    },
  };
  for (const tool of tools) {
    schemas[toolCallSchemaName(tool)] = {
      type: 'object',
      title: tool.title,
      description: tool.description + (tool.scope ? ` Requires scope ${tool.scope}.` : ''),
      required: ['name'],
      properties: { name: { const: tool.name }, arguments: tool.inputSchema },
    };
  }
  const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });
  return {
    openapi: '3.1.0',
    info: {
      title: 'NeonPanel MCP gateway',
      version: VERSION,
      description: 'HTTP API of the NeonPanel MCP server: MCP at /mcp (Streamable HTTP) and /sse (legacy), plus a REST façade for calling the same tools.',
    },
    servers: [{ url: options.publicBaseUrl }],
    security: [{ OAuth2: [] }],
    paths: {
      '/health': {
        get: {
          operationId: 'health',
          summary: 'Liveness check',
          security: [],
          responses: { '200': { description: 'The server is up.', content: { 'application/json': { schema: { $ref: '#/components/schemas/Health' } } } } },
        },
      },
      '/mcp/tools/call': {
        post: {
          operationId: 'callTool',
          summary: 'Call a NeonPanel tool',
          description: 'Runs one tool by name with its arguments. The tool list and each tool\'s arguments are below; each tool needs the scope it names.',
          security: [{ OAuth2: [...options.scopes] }],
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: {
                  oneOf: tools.map((t) => ({ $ref: `#/components/schemas/${toolCallSchemaName(t)}` })),
                  discriminator: {
                    propertyName: 'name',
                    mapping: Object.fromEntries(tools.map((t) => [t.name, `#/components/schemas/${toolCallSchemaName(t)}`])),
                  },
                },
              },
            },
          },
          responses: {
            '200': { description: 'The tool ran; isError tells whether it succeeded.', content: { 'application/json': { schema: { $ref: '#/components/schemas/ToolResult' } } } },
            '400': errorResponse('The body is not a tool call.'),
            '401': errorResponse('No valid access token.'),
            '403': errorResponse('The token lacks the scope this tool needs.'),
            '404': errorResponse('No tool has that name.'),
            '503': errorResponse('The authorization server could not be reached.'),
          },
        },
      },
    },
    components: {
      schemas,
      securitySchemes: {
        OAuth2: {
          type: 'oauth2',
          flows: { authorizationCode: { authorizationUrl: endpoints.authorizationUrl, tokenUrl: endpoints.tokenUrl, refreshUrl: endpoints.tokenUrl, scopes } },
        },
      },
    },
  };
}

export function aiPluginManifest(options: PublicDocsOptions, endpoints: OAuthEndpoints): Record<string, unknown> {
  return {
    schema_version: 'v1',
    name_for_human: 'NeonPanel',
    name_for_model: 'neonpanel',
    description_for_human: 'Inventory, warehouses, costs, revenue, reports, orders, bills, invoices and payments from your NeonPanel account.',
    description_for_model:
      'Works with a NeonPanel account: companies, inventory items, warehouses and balances, COGS, landed cost, revenue and analytics, reports, accounting documents, payments, products and reference data, forecasting settings, and document import. Which tools a deployment offers depends on its toolsets. Call /mcp/tools/call with a tool name and arguments.',
    auth: {
      type: 'oauth',
      client_url: endpoints.authorizationUrl,
      authorization_url: endpoints.tokenUrl,
      authorization_content_type: 'application/x-www-form-urlencoded',
      scope: options.scopes.join(' '),
      verification_tokens: {},
    },
    api: { type: 'openapi', url: `${options.publicBaseUrl}/openapi.json` },
    logo_url: `${options.publicBaseUrl}/logo.png`,
    contact_email: 'support@neonpanel.com',
    legal_info_url: 'https://neonpanel.com',
  };
}

export function publicDocsRouter(options: PublicDocsOptions): Router {
  const capabilities = JSON.stringify(capabilitiesDocument(options));
  let built: Promise<{ json: string; yaml: string; plugin: string }> | undefined;
  const build = () => {
    built ??= oauthEndpoints(options.authorizationServerMetadata, options.issuer).then((endpoints) => {
      if (!endpoints.fromMetadata) built = undefined; // try the real metadata again next time
      const doc = openApiDocument(options, endpoints);
      return { json: JSON.stringify(doc), yaml: toYaml(doc), plugin: JSON.stringify(aiPluginManifest(options, endpoints)) };
    });
    return built;
  };
  const send = (res: Response, type: string, body: string) => {
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.type(type).send(body);
  };

  const router = Router();
  router.get('/mcp/capabilities', (_req, res) => send(res, 'application/json', capabilities));
  router.get('/openapi.json', (_req, res, next) => void build().then((d) => send(res, 'application/json', d.json), next));
  router.get('/openapi.yaml', (_req, res, next) => void build().then((d) => send(res, 'application/yaml', d.yaml), next));
  router.get('/.well-known/ai-plugin.json', (_req, res, next) => void build().then((d) => send(res, 'application/json', d.plugin), next));
  return router;
}
