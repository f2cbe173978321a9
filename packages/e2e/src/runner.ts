/**
 * Runs the matrix against a URL and returns a report. Every request has a time limit and
 * every case a deadline, so a hung server fails cases instead of hanging the gate. Nothing
 * here prints or logs; tokens given in the options never appear in the report.
 */
import { CURRENT_REVISION, isMcpExpectation, MATRIX, type Body, type HttpRequestSpec, type MatrixCase } from './cases.js';
import { advertisedFrom, describeHttpExpectation, judgeHttp, PRM_WELL_KNOWN, type AdvertisedAuth, type Verdict } from './checks.js';
import { describeNetworkError, send, type HttpOutcome } from './http.js';
import { runMcpSession } from './mcpSession.js';
import { redactor } from './redact.js';
import { clip } from './text.js';
import { forgeToken, tamperToken, templateFromToken, type ForgeryTemplate } from './tokens.js';

export interface RunMatrixOptions {
  /** The server's public URL, e.g. `https://mcp.neonpanel.com`. */
  url: string;
  /** A real access token: enables the `real-token` cases. Never printed or logged. */
  token?: string;
  /** Limit for each HTTP or MCP request, in milliseconds. Default 10000. */
  timeoutMs?: number;
  /** A real token that lacks the scope `scopeProbeTool` needs: enables the `scope` case. */
  limitedToken?: string;
  /** The read tool the real-token cases call. Default `neonpanel_companies_list` (see `DEFAULT_READ_TOOL`). */
  readTool?: string;
  /** Its arguments. Default `{}`. */
  readToolArguments?: Record<string, unknown>;
  /** A tool `limitedToken` lacks the scope for; the call must get 403 `insufficient_scope`. */
  scopeProbeTool?: string;
  /** Its arguments. Default `{}`. */
  scopeProbeArguments?: Record<string, unknown>;
  /** `broker` runs the broker cases (this server is the authorization server). Default `direct`. */
  authMode?: 'broker' | 'direct';
  /** A token NeonPanel issued: a broker must refuse it at /mcp. Never printed or logged. */
  neonpanelToken?: string;
  /** The cases to run. Default: the whole matrix. */
  cases?: readonly MatrixCase[];
}

export interface CaseResult {
  category: string;
  name: string;
  ok: boolean;
  expected: string;
  got: string;
  durationMs?: number;
}

export interface SkippedCase {
  category: string;
  name: string;
  /** The options the case needs. */
  needs: string[];
}

export interface MatrixReport {
  passed: number;
  failed: number;
  /** The server did not answer at all; every case is then reported failed. */
  unreachable: boolean;
  results: CaseResult[];
  /** The server URL as tested, without a trailing slash. */
  url?: string;
  /** Cases not run because an option they need was not given. */
  skipped?: SkippedCase[];
  durationMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 10_000;
/**
 * A read tool that calls NeonPanel, so that "a tool call works" proves the upstream leg too
 * (`neonpanel_whoami` answers from the token alone and would pass with NeonPanel down).
 */
export const DEFAULT_READ_TOOL = 'neonpanel_companies_list';

/** Normalises the URL under test; throws a clear error for anything but an absolute http(s) URL. */
export function targetOf(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`Not an absolute URL: ${JSON.stringify(url)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new TypeError(`Not an http(s) URL: ${JSON.stringify(url)}`);
  if (parsed.search || parsed.hash) throw new TypeError(`The server URL must have no query or fragment: ${JSON.stringify(url)}`);
  return `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
}

class DeadlineError extends Error {}

/** Settles with `work`, or rejects once `ms` have passed, first calling `onTimeout` to stop it. */
async function withDeadline<T>(work: Promise<T>, ms: number, onTimeout?: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout?.();
      reject(new DeadlineError(`no verdict within ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}


function missingOptions(testCase: MatrixCase, options: RunMatrixOptions): string[] {
  return (testCase.requires ?? []).filter((need) => (need === 'broker' ? options.authMode !== 'broker' : !options[need]));
}

function describeExpectation(testCase: MatrixCase, readTool: string): string {
  if (!isMcpExpectation(testCase.expect)) return describeHttpExpectation(testCase.expect);
  const step = testCase.request.kind === 'mcp' ? testCase.request.step : 'tools/call';
  if (step === 'initialize') return 'initialize succeeds';
  if (step === 'tools/list') return `tools/list includes ${readTool}`;
  return `${readTool} succeeds`;
}

/** Everything a case run needs that is the same for the whole run. */
interface RunContext {
  target: string;
  options: RunMatrixOptions;
  timeoutMs: number;
  readTool: string;
  tampered: string | undefined;
  /** Set when any selected case forges a token. */
  forgeryTemplate: ForgeryTemplate | undefined;
  /** From the root protected-resource metadata; undefined when it could not be read. */
  advertised: AdvertisedAuth | undefined;
}

async function fetchJson(url: string, timeoutMs: number): Promise<Record<string, unknown> | undefined> {
  try {
    const outcome = await send(url, { method: 'GET', headers: { Accept: 'application/json' }, timeoutMs });
    return outcome.status === 200 && typeof outcome.json === 'object' && outcome.json !== null
      ? (outcome.json as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** A trusted key's `kid` and `alg`, from the JWKS the authorization server advertises. */
async function trustedKey(target: string, timeoutMs: number): Promise<{ kid?: string; alg?: string }> {
  const metadata = await fetchJson(`${target}/.well-known/oauth-authorization-server`, timeoutMs);
  const jwksUri = metadata?.['jwks_uri'];
  if (typeof jwksUri !== 'string') return {};
  const jwks = await fetchJson(jwksUri, timeoutMs);
  const keys = Array.isArray(jwks?.['keys']) ? (jwks['keys'] as Array<Record<string, unknown>>) : [];
  const key = keys.find((k) => typeof k['kid'] === 'string');
  if (!key) return {};
  const inferred = key['kty'] === 'RSA' ? 'RS256' : key['kty'] === 'OKP' ? 'EdDSA' : key['crv'] === 'P-384' ? 'ES384' : 'ES256';
  return { kid: key['kid'] as string, alg: typeof key['alg'] === 'string' ? key['alg'] : inferred };
}

/**
 * The claims forgeries carry: taken from the real token when it is a JWT, else from the
 * server's own RFC 9728 metadata, so a forged token is refused for its forgery alone.
 */
async function buildForgeryTemplate(target: string, token: string | undefined, timeoutMs: number): Promise<ForgeryTemplate> {
  const fromToken = token ? templateFromToken(token) : undefined;
  const prm = await fetchJson(`${target}${PRM_WELL_KNOWN}`, timeoutMs);
  const servers = prm?.['authorization_servers'];
  const scopes = prm?.['scopes_supported'];
  const key = fromToken?.kid ? {} : await trustedKey(target, timeoutMs);
  return {
    issuer: fromToken?.issuer ?? (Array.isArray(servers) && typeof servers[0] === 'string' ? servers[0] : 'https://issuer.invalid'),
    audience: fromToken?.audience ?? (typeof prm?.['resource'] === 'string' ? prm['resource'] : target),
    scope: fromToken?.scope ?? (Array.isArray(scopes) ? scopes.filter((s) => typeof s === 'string').join(' ') : 'read:inventory'),
    ...(fromToken?.kid ? { kid: fromToken.kid } : key.kid ? { kid: key.kid } : {}),
    ...(fromToken?.alg ? { alg: fromToken.alg } : key.alg ? { alg: key.alg } : {}),
  };
}

async function credentialToken(request: HttpRequestSpec, ctx: RunContext): Promise<string | undefined> {
  const credential = request.credential;
  if (!credential) return undefined;
  switch (credential.kind) {
    case 'forged': {
      if (!ctx.forgeryTemplate) throw new Error('no forgery template');
      return forgeToken(credential.forgery, ctx.forgeryTemplate);
    }
    case 'real': return credential.which === 'token' ? ctx.options.token : ctx.options.limitedToken;
    case 'tampered': return ctx.tampered;
    case 'neonpanel': return ctx.options.neonpanelToken;
  }
}

/** A 2026-07-28 request: the JSON-RPC body with its `_meta` envelope, and the headers that mirror it. */
function modernRequest(body: Extract<Body, { modern: string }>, ctx: RunContext): { json: unknown; headers: Record<string, string> } {
  const _meta = {
    'io.modelcontextprotocol/protocolVersion': CURRENT_REVISION,
    'io.modelcontextprotocol/clientCapabilities': {},
    'io.modelcontextprotocol/clientInfo': { name: 'neonpanel-e2e', version: '0' },
  };
  const headers: Record<string, string> = { 'MCP-Protocol-Version': CURRENT_REVISION };
  if (body.modern === 'server/discover') {
    return { json: { jsonrpc: '2.0', id: 1, method: 'server/discover', params: { _meta } }, headers: { ...headers, 'Mcp-Method': 'server/discover' } };
  }
  const params = { name: ctx.readTool, arguments: ctx.options.readToolArguments ?? {}, _meta };
  return {
    json: { jsonrpc: '2.0', id: 1, method: 'tools/call', params },
    headers: { ...headers, 'Mcp-Method': 'tools/call', 'Mcp-Name': body.nameHeader ?? ctx.readTool },
  };
}

function bodyOf(request: HttpRequestSpec, ctx: RunContext): string | undefined {
  const body = request.body;
  if (!body) return undefined;
  if ('json' in body) return JSON.stringify(body.json);
  if ('modern' in body) return JSON.stringify(modernRequest(body, ctx).json);
  const { options } = ctx;
  return body.toolCall === 'read'
    ? JSON.stringify({ name: ctx.readTool, arguments: options.readToolArguments ?? {} })
    : JSON.stringify({ name: options.scopeProbeTool, arguments: options.scopeProbeArguments ?? {} });
}

async function runHttpCase(testCase: MatrixCase, request: HttpRequestSpec, ctx: RunContext): Promise<Verdict> {
  if (isMcpExpectation(testCase.expect)) throw new Error(`case ${testCase.name}: an HTTP request needs an HTTP expectation`);
  const url = new URL(`${ctx.target}${request.path}`);
  const headers: Record<string, string> = {
    ...request.headers,
    ...(request.body && 'modern' in request.body ? modernRequest(request.body, ctx).headers : {}),
  };
  const token = await credentialToken(request, ctx);
  if (token !== undefined) {
    if (request.credential?.kind === 'real' && request.credential.placement === 'query') url.searchParams.set('access_token', token);
    else headers['Authorization'] = `Bearer ${token}`;
  }
  const body = bodyOf(request, ctx);
  const outcome = await send(url.href, {
    method: request.method,
    headers,
    ...(body !== undefined ? { body } : {}),
    timeoutMs: ctx.timeoutMs,
    readFirstEvent: testCase.expect.firstEvent !== undefined,
  });
  const origin = Object.entries(request.headers ?? {}).find(([k]) => k.toLowerCase() === 'origin')?.[1];
  return judgeHttp(outcome, testCase.expect, {
    target: ctx.target,
    requestPath: url.pathname,
    requestOrigin: origin,
    advertised: ctx.advertised,
    fetchDocument: (documentUrl: string): Promise<HttpOutcome> =>
      send(documentUrl, { method: 'GET', headers: { Accept: 'application/json' }, timeoutMs: ctx.timeoutMs }),
  });
}

async function runCase(testCase: MatrixCase, ctx: RunContext): Promise<Verdict> {
  const request = testCase.request;
  if (request.kind === 'http') return withDeadline(runHttpCase(testCase, request, ctx), 3 * ctx.timeoutMs + 1_000);
  if (!ctx.options.token) throw new Error('needs a token');
  const abort = new AbortController();
  return withDeadline(runMcpSession(request, {
    target: ctx.target,
    token: ctx.options.token,
    tool: ctx.readTool,
    toolArguments: ctx.options.readToolArguments ?? {},
    timeoutMs: ctx.timeoutMs,
    signal: abort.signal,
  }), 4 * ctx.timeoutMs + 1_000, () => abort.abort());
}

function failureText(error: unknown): string {
  if (error instanceof DeadlineError) return error.message;
  return `error: ${describeNetworkError(error)}`;
}

/** True when the server answers HTTP at all (any status counts). */
async function reachable(target: string, timeoutMs: number): Promise<{ ok: true } | { ok: false; reason: string }> {
  try {
    await send(`${target}/health`, { method: 'GET', headers: {}, timeoutMs });
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: describeNetworkError(error) };
  }
}

export async function runMatrix(options: RunMatrixOptions): Promise<MatrixReport> {
  const started = Date.now();
  const target = targetOf(options.url);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new RangeError(`timeoutMs must be a positive number, got ${timeoutMs}`);
  const readTool = options.readTool ?? DEFAULT_READ_TOOL;
  const tampered = options.token ? tamperToken(options.token) : undefined;
  const redact = redactor([options.token, options.limitedToken, tampered, options.neonpanelToken]);

  const selected: MatrixCase[] = [];
  const skipped: SkippedCase[] = [];
  for (const testCase of options.cases ?? MATRIX) {
    const needs = missingOptions(testCase, options);
    if (needs.length) skipped.push({ category: testCase.category, name: testCase.name, needs });
    else selected.push(testCase);
  }

  const results: CaseResult[] = [];
  const probe = await reachable(target, timeoutMs);
  if (!probe.ok) {
    for (const testCase of selected) {
      results.push({
        category: testCase.category,
        name: testCase.name,
        ok: false,
        expected: redact(describeExpectation(testCase, readTool)),
        got: redact(`unreachable: ${probe.reason}`),
      });
    }
    return { passed: 0, failed: results.length, unreachable: true, results, url: target, skipped, durationMs: Date.now() - started };
  }

  // Built before the cases run, so its look-ups do not eat into any one case's deadline.
  const needsForgery = selected.some((c) => c.request.kind === 'http' && c.request.credential?.kind === 'forged');
  const template = needsForgery ? await buildForgeryTemplate(target, options.token, timeoutMs) : undefined;
  // What the server advertises (scopes, authorization servers): the matrix judges challenges
  // and documents against it instead of assuming scope names.
  const advertised = advertisedFrom(await fetchJson(`${target}${PRM_WELL_KNOWN}`, timeoutMs));
  const ctx: RunContext = { target, options, timeoutMs, readTool, tampered, forgeryTemplate: template, advertised };

  // One case at a time: the gate judges a live deployment and must not load it.
  for (const testCase of selected) {
    const caseStarted = Date.now();
    let verdict: Verdict;
    try {
      verdict = await runCase(testCase, ctx);
    } catch (error) {
      verdict = { ok: false, got: failureText(error) };
    }
    results.push({
      category: testCase.category,
      name: testCase.name,
      ok: verdict.ok,
      expected: redact(describeExpectation(testCase, readTool)),
      // Redacted before it is cut, so no prefix of a token can survive the cut.
      got: clip(redact(verdict.got), 400),
      durationMs: Date.now() - caseStarted,
    });
  }
  const passed = results.filter((r) => r.ok).length;
  return { passed, failed: results.length - passed, unreachable: false, results, url: target, skipped, durationMs: Date.now() - started };
}
