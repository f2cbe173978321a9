/**
 * Judges one HTTP outcome against a case's expectation, and describes both sides in the
 * few words the report table shows. Status alone never passes a case: the challenge's
 * parameters, the body's error code, the content type, CORS headers and documents are all
 * compared.
 */
import { parse as parseAuthHeader } from 'auth-header';
import type { ChallengeExpectation, CorsExpectation, HttpExpectation } from './cases.js';
import { describeDocument, documentProblems, protectedResourceMetadataProblems } from './documents.js';
import { isJsonMediaType, type HttpOutcome } from './http.js';
import { clip } from './text.js';

export const PRM_WELL_KNOWN = '/.well-known/oauth-protected-resource';

export interface CheckContext {
  /** The server URL, without a trailing slash. */
  target: string;
  /** The path the case requested, without its query. */
  requestPath: string;
  /** The `Origin` the request carried, if any. */
  requestOrigin: string | undefined;
  /** Fetches a follow-up document (the challenge's `resource_metadata`) with the run's time limit. */
  fetchDocument(url: string): Promise<HttpOutcome>;
  /**
   * What the server's root RFC 9728 document advertises, read once per run: every challenge,
   * every path-inserted document and the authorization-server mirror must agree with it. The
   * matrix assumes no scope names of its own, so it judges a `neonpanel` deployment (only
   * `openid`) and a `standard` one alike. Undefined when the root document could not be read.
   */
  advertised?: AdvertisedAuth | undefined;
}

export interface AdvertisedAuth {
  scopes: string[];
  authorizationServers: string[];
}

/** Scopes a challenge may never name: asking for a refresh token is the client's business. */
const NEVER_CHALLENGED = ['offline_access'];

/** Read from the root protected-resource metadata; undefined when it is not usable. */
export function advertisedFrom(json: unknown): AdvertisedAuth | undefined {
  const doc = json as { scopes_supported?: unknown; authorization_servers?: unknown } | undefined;
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : undefined);
  const scopes = strings(doc?.scopes_supported);
  const authorizationServers = strings(doc?.authorization_servers);
  return scopes && authorizationServers ? { scopes, authorizationServers } : undefined;
}

/** The challenge's scopes against what the server advertises (only for 401 challenges). */
export function challengeScopeProblems(scope: string, advertised: AdvertisedAuth | undefined): string[] {
  const named = scope.split(' ').filter(Boolean);
  const problems: string[] = [];
  const forbidden = named.filter((s) => NEVER_CHALLENGED.includes(s));
  if (forbidden.length) problems.push(`challenge scope names ${forbidden.join(' ')}`);
  if (advertised) {
    const unknown = named.filter((s) => !advertised.scopes.includes(s));
    if (unknown.length) problems.push(`challenge scope names ${clip(unknown.join(' '), 80)}, not in scopes_supported (${clip(advertised.scopes.join(' '), 80)})`);
  }
  return problems;
}

/** A path-inserted RFC 9728 document, or the mirrored RFC 8414 one, against the root document. */
export function consistencyProblems(kind: string, json: unknown, advertised: AdvertisedAuth | undefined): string[] {
  if (!advertised || typeof json !== 'object' || json === null) return [];
  const doc = json as Record<string, unknown>;
  const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));
  if (kind === 'protected-resource-metadata') {
    const here = advertisedFrom(doc);
    if (!here) return [];
    const problems: string[] = [];
    if (!same(here.scopes, advertised.scopes)) problems.push(`scopes_supported differs from the root document's (${clip(here.scopes.join(' '), 60)} vs ${clip(advertised.scopes.join(' '), 60)})`);
    if (!same(here.authorizationServers, advertised.authorizationServers)) problems.push('authorization_servers differ from the root document\'s');
    return problems;
  }
  if (kind === 'authorization-server-metadata') {
    const problems: string[] = [];
    const issuer = typeof doc['issuer'] === 'string' ? doc['issuer'].replace(/\/+$/, '') : undefined;
    if (issuer && !advertised.authorizationServers.map((s) => s.replace(/\/+$/, '')).includes(issuer)) {
      problems.push(`issuer ${clip(issuer, 80)} is not an advertised authorization server`);
    }
    const issued = Array.isArray(doc['scopes_supported']) ? (doc['scopes_supported'] as unknown[]) : undefined;
    const notIssued = issued ? advertised.scopes.filter((s) => !issued.includes(s)) : [];
    if (notIssued.length) problems.push(`advertised scopes the authorization server does not list: ${clip(notIssued.join(' '), 80)}`);
    return problems;
  }
  return [];
}

export interface Verdict {
  ok: boolean;
  got: string;
}

interface ParsedChallenge {
  scheme: string;
  params: Record<string, string>;
}

function parseChallenge(value: string): ParsedChallenge | undefined {
  try {
    const parsed = parseAuthHeader(value);
    const params: Record<string, string> = {};
    for (const [key, v] of Object.entries(parsed.params)) params[key.toLowerCase()] = Array.isArray(v) ? v.join(' ') : v;
    return { scheme: clip(parsed.scheme, 30), params };
  } catch {
    return undefined;
  }
}

const CONTENT_TYPES: Record<NonNullable<HttpExpectation['contentType']>, (mediaType: string | undefined) => boolean> = {
  json: isJsonMediaType,
  yaml: (t) => t === 'application/yaml' || t === 'application/x-yaml' || t === 'text/yaml' || t === 'text/x-yaml',
  'event-stream': (t) => t === 'text/event-stream',
};

function statusMatches(expected: number | number[], actual: number): boolean {
  return Array.isArray(expected) ? expected.includes(actual) : expected === actual;
}

function list(header: string | null): string[] {
  return (header ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
}

/** CORS answer headers a browser needs. `*` counts except for `authorization` (Fetch standard). */
export function corsProblems(headers: Headers, expect: CorsExpectation, requestOrigin: string | undefined): string[] {
  const problems: string[] = [];
  const origin = headers.get('access-control-allow-origin');
  if (origin !== '*' && (requestOrigin === undefined || origin !== requestOrigin)) {
    problems.push(`Access-Control-Allow-Origin is ${origin ?? 'absent'}`);
  }
  const allowed = list(headers.get('access-control-allow-headers'));
  const missingHeaders = (expect.allowHeaders ?? []).filter(
    (h) => !allowed.includes(h.toLowerCase()) && !(allowed.includes('*') && h.toLowerCase() !== 'authorization'),
  );
  if (missingHeaders.length) problems.push(`Allow-Headers lacks ${missingHeaders.join(', ')}`);
  const methods = list(headers.get('access-control-allow-methods'));
  const missingMethods = (expect.allowMethods ?? []).filter((m) => !methods.includes(m.toLowerCase()) && !methods.includes('*'));
  if (missingMethods.length) problems.push(`Allow-Methods lacks ${missingMethods.join(', ')}`);
  const exposed = list(headers.get('access-control-expose-headers'));
  const missingExposed = (expect.exposeHeaders ?? []).filter((h) => !exposed.includes(h.toLowerCase()) && !exposed.includes('*'));
  if (missingExposed.length) problems.push(`Expose-Headers lacks ${missingExposed.join(', ')}`);
  return problems;
}

/**
 * The resource a metadata URL stands for (RFC 9728 §3.1 reversed): the well-known segment
 * is removed from the path. Undefined when the URL is not a metadata URL.
 */
export function resourceForMetadataUrl(metadataUrl: URL): string | undefined {
  if (!metadataUrl.pathname.startsWith(PRM_WELL_KNOWN)) return undefined;
  const rest = metadataUrl.pathname.slice(PRM_WELL_KNOWN.length).replace(/\/+$/, '');
  if (rest !== '' && !rest.startsWith('/')) return undefined;
  return `${metadataUrl.origin}${rest}`;
}

async function challengeProblems(
  challenge: ParsedChallenge,
  expect: ChallengeExpectation,
  ctx: CheckContext,
): Promise<string[]> {
  const problems: string[] = [];
  const { params } = challenge;
  if (challenge.scheme.toLowerCase() !== 'bearer') return [`challenge scheme is ${challenge.scheme}, want Bearer`];
  if (!params['realm']) problems.push('challenge has no realm');
  if (!params['scope']) problems.push('challenge has no scope');
  else if (expect.error !== 'insufficient_scope') problems.push(...challengeScopeProblems(params['scope'], ctx.advertised));
  const error = params['error'] === undefined ? undefined : clip(params['error'], 40);
  if (expect.error === null && error !== undefined) {
    problems.push(`challenge has error="${error}" but no credentials were sent`);
  } else if (expect.error !== null && error !== expect.error) {
    problems.push(`challenge error is ${error ? `"${error}"` : 'absent'}, want "${expect.error}"`);
  }

  if (!params['resource_metadata']) return [...problems, 'challenge has no resource_metadata'];
  const raw = clip(params['resource_metadata'], 200);
  let metadataUrl: URL;
  try {
    metadataUrl = new URL(params['resource_metadata']);
  } catch {
    return [...problems, `resource_metadata ${raw} is not an absolute URL`];
  }
  const targetOrigin = new URL(ctx.target).origin;
  const derived = resourceForMetadataUrl(metadataUrl);
  if (metadataUrl.origin !== targetOrigin) problems.push(`resource_metadata ${raw} is not on ${targetOrigin}`);
  else if (!derived) problems.push(`resource_metadata ${raw} is not an RFC 9728 metadata URL`);
  if (!expect.followResourceMetadata || problems.length) return problems;

  let doc: HttpOutcome;
  try {
    doc = await ctx.fetchDocument(metadataUrl.href);
  } catch {
    return [...problems, `resource_metadata ${raw} did not answer`];
  }
  if (doc.status !== 200) return [...problems, `resource_metadata answered ${doc.status}`];
  if (!isJsonMediaType(doc.mediaType)) return [...problems, `resource_metadata answered ${doc.mediaType ?? 'no content type'}`];
  // RFC 9728 §3.3: the document must name the resource its URL was derived from, and that
  // resource must be this server, or the protected endpoint the client was refused by.
  const protectedPath = ctx.requestPath.replace(/\/+$/, '');
  const acceptable = [ctx.target, `${ctx.target}${protectedPath}`].filter((r) => r === derived);
  if (acceptable.length === 0) return [...problems, `resource_metadata ${raw} names neither ${ctx.target} nor ${ctx.target}${protectedPath}`];
  return [...problems, ...protectedResourceMetadataProblems(doc.json, acceptable).map((p) => `metadata: ${p}`)];
}

function bodyErrorOf(outcome: HttpOutcome): string | undefined {
  const json = outcome.json as { error?: unknown } | undefined;
  return typeof json?.error === 'string' ? json.error : undefined;
}

function jsonRpcErrorCodeOf(outcome: HttpOutcome): number | undefined {
  const code = (outcome.json as { error?: { code?: unknown } } | undefined)?.error?.code;
  return typeof code === 'number' ? code : undefined;
}

/** What came back, in a few words: status, content type, challenge and body error. */
function summarize(outcome: HttpOutcome, challenge: ParsedChallenge | undefined): string {
  const parts = [String(outcome.status), outcome.mediaType ?? 'no content type'];
  if (challenge) {
    const error = challenge.params['error'];
    parts.push(`${challenge.scheme}(${error === undefined ? 'no error code' : clip(error, 40)})`);
  }
  const bodyError = bodyErrorOf(outcome);
  if (bodyError) parts.push(`body=${clip(bodyError, 40)}`);
  const rpcCode = jsonRpcErrorCodeOf(outcome);
  if (rpcCode !== undefined) parts.push(`rpc error ${rpcCode}`);
  if (outcome.firstEvent) parts.push(`first event=${clip(outcome.firstEvent.event, 40)}`);
  return parts.join(' ');
}

export async function judgeHttp(outcome: HttpOutcome, expect: HttpExpectation, ctx: CheckContext): Promise<Verdict> {
  const problems: string[] = [];
  const wwwAuthenticate = outcome.headers.get('www-authenticate');
  const challenge = wwwAuthenticate ? parseChallenge(wwwAuthenticate) : undefined;

  if (!statusMatches(expect.status, outcome.status)) {
    problems.push(`status ${outcome.status}, want ${Array.isArray(expect.status) ? expect.status.join(' or ') : expect.status}`);
  }
  if (expect.contentType && !CONTENT_TYPES[expect.contentType](outcome.mediaType)) {
    problems.push(`content type ${outcome.mediaType ?? 'absent'}, want ${expect.contentType}`);
  }
  if (expect.contentType === 'json' && outcome.text !== undefined && outcome.json === undefined && isJsonMediaType(outcome.mediaType)) {
    problems.push('body is not valid JSON');
  }
  if (expect.bodyError !== undefined) {
    const bodyError = bodyErrorOf(outcome);
    if (bodyError !== expect.bodyError) problems.push(`body error is ${bodyError === undefined ? 'absent' : clip(bodyError, 40)}, want ${expect.bodyError}`);
  }
  if (expect.challenge) {
    if (!wwwAuthenticate) problems.push('no WWW-Authenticate');
    else if (!challenge) problems.push('WWW-Authenticate cannot be parsed');
    else problems.push(...(await challengeProblems(challenge, expect.challenge, ctx)));
  }
  if (expect.jsonRpcErrorCode !== undefined) {
    const code = jsonRpcErrorCodeOf(outcome);
    if (code !== expect.jsonRpcErrorCode) problems.push(`JSON-RPC error code is ${code ?? 'absent'}, want ${expect.jsonRpcErrorCode}`);
  }
  if (expect.cors) problems.push(...corsProblems(outcome.headers, expect.cors, ctx.requestOrigin));
  if (expect.document && problems.length === 0) {
    problems.push(...documentProblems(expect.document, outcome, ctx.target));
    if (problems.length === 0) problems.push(...consistencyProblems(expect.document.kind, outcome.json, ctx.advertised));
  }
  if (expect.firstEvent !== undefined) {
    if (!outcome.firstEvent) problems.push('no event arrived');
    else if (outcome.firstEvent.event !== expect.firstEvent) problems.push(`first event is ${clip(outcome.firstEvent.event, 40)}, want ${expect.firstEvent}`);
    else if (!outcome.firstEvent.data) problems.push(`${expect.firstEvent} event has no data`);
  }

  const got = summarize(outcome, challenge);
  return { ok: problems.length === 0, got: problems.length ? `${got} -- ${problems.join('; ')}` : got };
}

export function describeHttpExpectation(expect: HttpExpectation): string {
  const parts = [Array.isArray(expect.status) ? expect.status.join('|') : String(expect.status)];
  if (expect.contentType) parts.push(expect.contentType);
  if (expect.challenge) parts.push(`Bearer(${expect.challenge.error ?? 'no error code'})`);
  if (expect.bodyError) parts.push(`body=${expect.bodyError}`);
  if (expect.jsonRpcErrorCode !== undefined) parts.push(`rpc error ${expect.jsonRpcErrorCode}`);
  if (expect.challenge?.followResourceMetadata) parts.push('-> RFC 9728 metadata');
  if (expect.cors) {
    const c = expect.cors;
    if (c.allowHeaders?.length) parts.push(`allows ${c.allowHeaders.join(',')}`);
    if (c.allowMethods?.length) parts.push(`methods ${c.allowMethods.join(',')}`);
    if (c.exposeHeaders?.length) parts.push(`exposes ${c.exposeHeaders.join(',')}`);
  }
  if (expect.document) parts.push(describeDocument(expect.document));
  if (expect.firstEvent) parts.push(`first event=${expect.firstEvent}`);
  return parts.join(' ');
}
