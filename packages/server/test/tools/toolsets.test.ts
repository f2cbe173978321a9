/**
 * MCP_TOOLSETS and MCP_READ_ONLY shape every published surface from the one registry:
 * MCP tools/list, the REST façade, /mcp/capabilities and /openapi.json. A tool left out is
 * absent from all of them and refused when called by name, on MCP and on REST.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ALL_TOOLS, createRegistry, isSelected } from '../../src/tools/registry.js';
import { DEFAULT_SCOPES, TOOLSETS, type Env, type ToolsetSelection } from '../../src/config.js';
import { startTestIssuer, type TestIssuer } from '../helpers/keys.js';
import { claimsFor, startTestServer, type TestServer } from '../helpers/server.js';

const names = (selection: ToolsetSelection) => createRegistry(ALL_TOOLS, { selection }).tools.map((t) => t.name);
const writes = ALL_TOOLS.filter((t) => !t.annotations.readOnlyHint);
const reads = ALL_TOOLS.filter((t) => t.annotations.readOnlyHint);

describe('selection (registry)', () => {
  it('every toolset has tools, and every tool one toolset', () => {
    for (const toolset of TOOLSETS) expect(ALL_TOOLS.some((t) => t.toolset === toolset)).toBe(true);
    expect(ALL_TOOLS.every((t) => (TOOLSETS as readonly string[]).includes(t.toolset))).toBe(true);
  });

  it('default: every read tool, plus the imports toolset in full; no other write', () => {
    const selected = names({ toolsets: 'default', readOnly: false });
    expect(selected).toEqual(ALL_TOOLS.filter((t) => t.annotations.readOnlyHint || t.toolset === 'imports').map((t) => t.name));
    expect(selected).toContain('neonpanel_import_create_documents');
    expect(selected).toContain('neonpanel_documents_list');
    expect(selected).not.toContain('neonpanel_bill_create');
  });

  it('all: every tool; all with read-only: every read tool', () => {
    expect(names({ toolsets: 'all', readOnly: false })).toEqual(ALL_TOOLS.map((t) => t.name));
    expect(names({ toolsets: 'all', readOnly: true })).toEqual(reads.map((t) => t.name));
    expect(names({ toolsets: 'default', readOnly: true })).toEqual(reads.map((t) => t.name));
  });

  it.each(TOOLSETS.map((t) => [t]))('%s alone: exactly its tools, writes included', (toolset) => {
    expect(names({ toolsets: [toolset], readOnly: false })).toEqual(ALL_TOOLS.filter((t) => t.toolset === toolset).map((t) => t.name));
    expect(names({ toolsets: [toolset], readOnly: true })).toEqual(reads.filter((t) => t.toolset === toolset).map((t) => t.name));
  });

  it('read-only keeps no tool that writes, whatever its annotations claim elsewhere', () => {
    expect(writes.length).toBeGreaterThan(20);
    expect(writes.some((t) => isSelected(t, { toolsets: 'all', readOnly: true }))).toBe(false);
  });
});

describe('selection (every surface of a running server)', () => {
  let issuer: TestIssuer;
  beforeAll(async () => {
    issuer = await startTestIssuer();
  });
  afterAll(async () => {
    await issuer.close();
  });

  async function surfaces(env: Env): Promise<{ server: TestServer; token: string; listed: string[]; rest: (name: string) => Promise<number>; mcp: (name: string) => Promise<string>; close: () => Promise<void> }> {
    const server = await startTestServer(issuer, { MCP_SESSION_MODE: 'stateless', ...env });
    const token = await issuer.sign(claimsFor(server.base, { sub: 'user-toolsets', scope: DEFAULT_SCOPES.join(' ') }));
    const client = new Client({ name: 'toolsets-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${server.base}/mcp`), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
    const listed = (await client.listTools()).tools.map((t) => t.name);
    const capabilities = await (await fetch(`${server.base}/mcp/capabilities`)).json() as { tools: Array<{ name: string; toolset: string }>; toolsets: string[]; writes: boolean };
    expect(capabilities.toolsets).toEqual([...new Set(capabilities.tools.map((t) => t.toolset))]);
    expect(capabilities.writes).toBe(env['MCP_READ_ONLY'] !== 'true');
    const openapi = await (await fetch(`${server.base}/openapi.json`)).json() as any;
    const mapping = Object.keys(openapi.paths['/mcp/tools/call'].post.requestBody.content['application/json'].schema.discriminator.mapping);
    // The three published lists are the same list.
    expect(capabilities.tools.map((t) => t.name)).toEqual(listed);
    expect(mapping).toEqual(listed);
    return {
      server,
      token,
      listed,
      rest: async (name) => (await fetch(`${server.base}/mcp/tools/call`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ name, arguments: {} }),
      })).status,
      mcp: async (name) => client.callTool({ name, arguments: {} }).then(() => 'called', (e: Error) => e.message),
      close: async () => {
        await client.close();
        await server.shutdown();
      },
    };
  }

  it('with no setting, publishes the default selection', async () => {
    const s = await surfaces({});
    try {
      expect(s.listed).toEqual(names({ toolsets: 'default', readOnly: false }));
    } finally {
      await s.close();
    }
  });

  it('MCP_READ_ONLY=true: every write tool is absent everywhere and refused by name', async () => {
    const s = await surfaces({ MCP_TOOLSETS: 'all', MCP_READ_ONLY: 'true' });
    try {
      expect(s.listed).toEqual(reads.map((t) => t.name));
      for (const tool of writes) {
        expect(s.listed).not.toContain(tool.name);
        expect(await s.rest(tool.name)).toBe(404);
        expect(await s.mcp(tool.name)).toMatch(/Unknown tool/);
      }
    } finally {
      await s.close();
    }
  });

  it.each(TOOLSETS.map((t) => [t]))('MCP_TOOLSETS without %s: its tools are absent everywhere and refused by name', async (toolset) => {
    const others = TOOLSETS.filter((t) => t !== toolset);
    const s = await surfaces({ MCP_TOOLSETS: others.join(',') });
    try {
      const mine = ALL_TOOLS.filter((t) => t.toolset === toolset);
      expect(s.listed).toEqual(ALL_TOOLS.filter((t) => t.toolset !== toolset).map((t) => t.name));
      for (const tool of mine) {
        expect(await s.rest(tool.name)).toBe(404);
        expect(await s.mcp(tool.name)).toMatch(/Unknown tool/);
      }
    } finally {
      await s.close();
    }
  });
});
