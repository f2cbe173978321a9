/**
 * Public documents generated from the registry: capabilities, OpenAPI (checked with a real
 * OpenAPI validator), and the plugin manifest.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { compileErrors, validate } from '@readme/openapi-parser';
import { parse as parseYaml } from 'yaml';
import { startTestIssuer, type TestIssuer } from '../helpers/keys.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { testRegistry } from '../helpers/transportTools.js';
import { ALL_TOOLS } from '../../src/tools/registry.js';

let issuer: TestIssuer;
let server: TestServer;
beforeAll(async () => {
  issuer = await startTestIssuer();
  server = await startTestServer(issuer, { MCP_TOOLSETS: 'all' });
});
afterAll(async () => {
  await server.shutdown();
  await issuer.close();
});

describe('public documents', () => {
  it('/mcp/capabilities lists every tool with schema, scope and annotations', async () => {
    const response = await fetch(`${server.base}/mcp/capabilities`);
    expect(response.status).toBe(200);
    const doc = (await response.json()) as any;
    expect(doc.tools.map((t: { name: string }) => t.name)).toEqual(ALL_TOOLS.map((t) => t.name));
    for (const tool of doc.tools) {
      expect(tool).toEqual(expect.objectContaining({ name: expect.any(String), title: expect.any(String), description: expect.any(String) }));
      expect(tool.inputSchema.type).toBe('object');
      expect('requiredScope' in tool).toBe(true);
      expect(tool.annotations).toEqual(expect.objectContaining({ readOnlyHint: expect.any(Boolean), destructiveHint: expect.any(Boolean), idempotentHint: expect.any(Boolean), openWorldHint: expect.any(Boolean) }));
    }
    expect(doc.auth.resourceMetadata).toBe(`${server.base}/.well-known/oauth-protected-resource`);
    expect(doc.transports.streamableHttp).toBe(`${server.base}/mcp`);
  });

  it('/openapi.json is a valid OpenAPI 3.1 document with a request schema per tool and OAuth2 from the issuer', async () => {
    const doc = (await (await fetch(`${server.base}/openapi.json`)).json()) as any;
    const result = await validate(structuredClone(doc));
    if (!result.valid) throw new Error(compileErrors(result));
    expect(result.valid).toBe(true);
    // The validator is not a rubber stamp: a document without `info` fails it.
    expect((await validate({ openapi: '3.1.0', paths: {} } as never)).valid).toBe(false);
    expect(doc.openapi).toBe('3.1.0');
    const flow = doc.components.securitySchemes.OAuth2.flows.authorizationCode;
    expect(flow.authorizationUrl).toBe(`${issuer.issuer}/authorize`);
    expect(flow.tokenUrl).toBe(`${issuer.issuer}/token`);
    const oneOf = doc.paths['/mcp/tools/call'].post.requestBody.content['application/json'].schema.oneOf;
    expect(oneOf).toHaveLength(ALL_TOOLS.length);
    for (const tool of ALL_TOOLS) expect(doc.components.schemas[`Call_${tool.name}`].properties.name.const).toBe(tool.name);
    expect(doc.paths['/health'].get.security).toEqual([]);
  });

  it('/openapi.yaml is the same document', async () => {
    const response = await fetch(`${server.base}/openapi.yaml`);
    expect(response.headers.get('content-type')).toMatch(/yaml/);
    const fromYaml = parseYaml(await response.text());
    const fromJson = (await (await fetch(`${server.base}/openapi.json`)).json()) as any;
    expect(fromYaml).toEqual(fromJson);
  });

  it('/.well-known/ai-plugin.json points at the OpenAPI document and the authorization server', async () => {
    const doc = (await (await fetch(`${server.base}/.well-known/ai-plugin.json`)).json()) as any;
    expect(doc.auth.type).toBe('oauth');
    expect(doc.auth.client_url).toBe(`${issuer.issuer}/authorize`);
    expect(doc.auth.authorization_url).toBe(`${issuer.issuer}/token`);
    expect(doc.auth.scope.split(' ')).toContain('read:inventory');
    expect(doc.api).toEqual({ type: 'openapi', url: `${server.base}/openapi.json` });
  });

  it('generates the documents from the registry it is given', async () => {
    const custom = await startTestServer(issuer, {}, { registry: testRegistry() });
    try {
      const doc = (await (await fetch(`${custom.base}/mcp/capabilities`)).json()) as any;
      expect(doc.tools.map((t: { name: string }) => t.name)).toEqual(testRegistry().tools.map((t) => t.name));
      const probe = doc.tools.find((t: { name: string }) => t.name === 'test_inventory_probe');
      expect(probe.requiredScope).toBe('read:inventory');
    } finally {
      await custom.shutdown();
    }
  });
});
