/**
 * Content checks for the documents the matrix fetches. Each returns the problems it found;
 * an empty list means the document is what a client needs.
 */
import { OAuthMetadataSchema, OAuthProtectedResourceMetadataSchema } from '@modelcontextprotocol/sdk/shared/auth.js';
import type { DocumentCheck } from './cases.js';
import type { HttpOutcome } from './http.js';
import { clip } from './text.js';

type Problems = string[];

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function zodProblems(error: { issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }> }): Problems {
  return error.issues.slice(0, 3).map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`);
}

/**
 * RFC 9728 metadata, validated with the MCP SDK's own schema (what real clients parse it
 * with), plus what this gateway promises: a `resource` equal to one of `expectedResources`,
 * header-only bearer tokens, and non-empty authorization servers and scopes.
 */
export function protectedResourceMetadataProblems(json: unknown, expectedResources: readonly string[]): Problems {
  const parsed = OAuthProtectedResourceMetadataSchema.safeParse(json);
  if (!parsed.success) return zodProblems(parsed.error).map((p) => `RFC 9728: ${p}`);
  const doc = parsed.data;
  const problems: Problems = [];
  if (!expectedResources.includes(doc.resource)) {
    problems.push(`resource ${clip(doc.resource, 120)} does not match ${expectedResources.join(' or ')}`);
  }
  if (!doc.authorization_servers?.length) problems.push('no authorization_servers');
  if (!doc.scopes_supported?.length) problems.push('no scopes_supported');
  const methods = doc.bearer_methods_supported;
  if (!methods || methods.length !== 1 || methods[0] !== 'header') {
    problems.push(`bearer_methods_supported is ${clip(JSON.stringify(methods) ?? 'absent', 60)}, want ["header"]`);
  }
  if (!doc.resource_name) problems.push('no resource_name');
  return problems;
}

function healthProblems(json: unknown): Problems {
  if (!isObject(json)) return ['body is not a JSON object'];
  return json['status'] === 'ok' ? [] : [`status is ${clip(JSON.stringify(json['status']) ?? 'absent', 40)}, want "ok"`];
}

function authorizationServerMetadataProblems(json: unknown): Problems {
  const parsed = OAuthMetadataSchema.safeParse(json);
  return parsed.success ? [] : zodProblems(parsed.error).map((p) => `RFC 8414: ${p}`);
}

function openApiJsonProblems(json: unknown): Problems {
  if (!isObject(json)) return ['body is not a JSON object'];
  const problems: Problems = [];
  if (typeof json['openapi'] !== 'string' || !json['openapi'].startsWith('3.')) {
    problems.push(`openapi is ${clip(JSON.stringify(json['openapi']) ?? 'absent', 40)}, want 3.x`);
  }
  const paths = json['paths'];
  if (!isObject(paths) || !isObject(paths['/mcp/tools/call'])) problems.push('paths lacks /mcp/tools/call');
  return problems;
}

function openApiYamlProblems(text: string | undefined): Problems {
  // A YAML parser would prove more than this needs: the JSON twin is checked in full.
  return /^openapi:\s*["']?3\./m.test(text ?? '') ? [] : ['no top-level "openapi: 3.x" line'];
}

function aiPluginProblems(json: unknown): Problems {
  if (!isObject(json)) return ['body is not a JSON object'];
  const problems: Problems = [];
  const auth = json['auth'];
  if (!isObject(auth) || auth['type'] !== 'oauth') problems.push('auth.type is not "oauth"');
  else {
    for (const field of ['authorization_url', 'client_url']) {
      if (typeof auth[field] !== 'string') problems.push(`auth.${field} missing`);
    }
  }
  const api = json['api'];
  if (!isObject(api) || typeof api['url'] !== 'string' || !api['url'].endsWith('/openapi.json')) {
    problems.push('api.url does not point at /openapi.json');
  }
  return problems;
}

function capabilitiesProblems(json: unknown): Problems {
  if (!isObject(json) || !Array.isArray(json['tools'])) return ['no tools array'];
  const tools = json['tools'] as unknown[];
  if (tools.length === 0) return ['tools is empty'];
  const unnamed = tools.filter((t) => !isObject(t) || typeof t['name'] !== 'string' || !isObject(t['inputSchema']));
  return unnamed.length ? [`${unnamed.length} tool(s) without name or inputSchema`] : [];
}

function toolResultProblems(json: unknown): Problems {
  if (!isObject(json)) return ['body is not a JSON object'];
  const problems: Problems = [];
  if (!Array.isArray(json['content'])) problems.push('no content array');
  if (json['isError'] === true) {
    const first = Array.isArray(json['content']) ? (json['content'][0] as { text?: unknown } | undefined) : undefined;
    problems.push(`isError: ${typeof first?.text === 'string' ? clip(first.text, 160) : 'true'}`);
  }
  return problems;
}

/** Problems with a fetched document; `target` is the server URL without a trailing slash. */
/** The JSON-RPC `result` of a 2026-07-28 answer, which must say `resultType: "complete"`. */
function modernResult(json: unknown, problems: Problems): Record<string, unknown> | undefined {
  const result = isObject(json) ? json['result'] : undefined;
  if (!isObject(result)) {
    problems.push(isObject(json) && isObject(json['error']) ? `JSON-RPC error ${clip(JSON.stringify(json['error']), 120)}` : 'no JSON-RPC result');
    return undefined;
  }
  if (result['resultType'] !== 'complete') problems.push(`resultType is ${clip(JSON.stringify(result['resultType']) ?? 'absent', 40)}, want "complete"`);
  return result;
}

export function discoverResultProblems(json: unknown): Problems {
  const problems: Problems = [];
  const result = modernResult(json, problems);
  if (!result) return problems;
  const versions = result['supportedVersions'];
  if (!Array.isArray(versions) || !versions.includes('2026-07-28')) problems.push(`supportedVersions ${clip(JSON.stringify(versions) ?? 'absent', 80)} lacks 2026-07-28`);
  if (!isObject(result['capabilities']) || !isObject(result['capabilities']['tools'])) problems.push('no tools capability');
  return problems;
}

export function modernToolResultProblems(json: unknown): Problems {
  const problems: Problems = [];
  const result = modernResult(json, problems);
  if (!result) return problems;
  if (!Array.isArray(result['content'])) problems.push('no content array');
  if (result['isError'] === true) problems.push(`isError: ${clip(JSON.stringify(result['content']), 120)}`);
  return problems;
}

/** Broker mode: the resource's authorization server is this very origin. */
export function brokerProtectedResourceProblems(json: unknown, target: string): Problems {
  const problems = protectedResourceMetadataProblems(json, [target]);
  const servers = isObject(json) && Array.isArray(json['authorization_servers']) ? json['authorization_servers'] : [];
  if (servers.length !== 1 || String(servers[0]).replace(/\/+$/, '') !== target) problems.push(`authorization_servers ${clip(JSON.stringify(servers), 80)} is not [${target}]`);
  return problems;
}

/** Broker mode: what an MCP client needs of our RFC 8414 document. */
export function brokerAuthorizationServerProblems(json: unknown, target: string): Problems {
  const problems = authorizationServerMetadataProblems(json);
  if (!isObject(json)) return problems;
  if (String(json['issuer']).replace(/\/+$/, '') !== target) problems.push(`issuer ${clip(String(json['issuer']), 80)} is not ${target}`);
  if (JSON.stringify(json['code_challenge_methods_supported']) !== '["S256"]') problems.push('code_challenge_methods_supported is not ["S256"]');
  if (json['client_id_metadata_document_supported'] !== true) problems.push('client_id_metadata_document_supported is not true');
  if (json['authorization_response_iss_parameter_supported'] !== true) problems.push('authorization_response_iss_parameter_supported is not true');
  const methods = json['token_endpoint_auth_methods_supported'];
  if (!Array.isArray(methods) || !methods.includes('none')) problems.push('token_endpoint_auth_methods_supported lacks none');
  if (typeof json['token_endpoint'] !== 'string') problems.push('no token_endpoint');
  return problems;
}

export function documentProblems(check: DocumentCheck, outcome: HttpOutcome, target: string): Problems {
  switch (check.kind) {
    case 'health': return healthProblems(outcome.json);
    case 'authorization-server-metadata': return authorizationServerMetadataProblems(outcome.json);
    case 'openapi-json': return openApiJsonProblems(outcome.json);
    case 'openapi-yaml': return openApiYamlProblems(outcome.text);
    case 'ai-plugin': return aiPluginProblems(outcome.json);
    case 'capabilities': return capabilitiesProblems(outcome.json);
    case 'protected-resource-metadata': return protectedResourceMetadataProblems(outcome.json, [`${target}${check.resourcePath}`]);
    case 'tool-result': return toolResultProblems(outcome.json);
    case 'discover-result': return discoverResultProblems(outcome.json);
    case 'modern-tool-result': return modernToolResultProblems(outcome.json);
    case 'broker-protected-resource-metadata': return brokerProtectedResourceProblems(outcome.json, target);
    case 'broker-authorization-server-metadata': return brokerAuthorizationServerProblems(outcome.json, target);
  }
}

export function describeDocument(check: DocumentCheck): string {
  switch (check.kind) {
    case 'health': return 'status ok';
    case 'authorization-server-metadata': return 'RFC 8414 metadata';
    case 'openapi-json': return 'OpenAPI 3.x';
    case 'openapi-yaml': return 'OpenAPI 3.x';
    case 'ai-plugin': return 'oauth manifest';
    case 'capabilities': return 'tool list';
    case 'protected-resource-metadata': return `RFC 9728 resource=${check.resourcePath || '/'}`;
    case 'tool-result': return 'tool result, not isError';
    case 'discover-result': return 'discover result, versions incl. 2026-07-28';
    case 'modern-tool-result': return 'tool result, resultType complete, not isError';
    case 'broker-protected-resource-metadata': return 'RFC 9728, authorization_servers = this server';
    case 'broker-authorization-server-metadata': return 'RFC 8414 with CIMD, S256, iss, none';
  }
}
