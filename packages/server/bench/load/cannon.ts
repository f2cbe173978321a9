/**
 * Request/response load with autocannon: a fixed number of keep-alive connections, each
 * sending its next request as soon as the previous answer arrives. Each connection gets
 * its own token (and session, when asked) through `setupClient`.
 */
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import type { CannonJob, CannonProfile, LoadResult } from './jobs.js';
import { LatencyRecorder } from './stats.js';
import type { StreamableSession } from './sessions.js';
import {
  bearer,
  INITIALIZED_BODY,
  initializeBody,
  isResultOrEmpty,
  modernCallHeaders,
  modernToolCallBody,
  isToolSuccess,
  POST_HEADERS,
  PROTOCOL_VERSION,
  TOOLS_LIST_BODY,
  toolCallBody,
  TRIVIAL_TOOL,
  UPSTREAM_DIRECT_PATH,
  UPSTREAM_TOOL,
} from './mcp.js';

type Request = autocannon.Request;
interface SessionContext {
  sessionId?: string;
}

function sessionFrom(headers: Request['headers']): string | undefined {
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() === 'mcp-session-id') return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

/** The requests one connection loops over. */
function requestsFor(profile: CannonProfile, token: string, sessionId: string | undefined): Request[] {
  const headers = { ...POST_HEADERS, authorization: bearer(token), ...(sessionId ? { 'mcp-session-id': sessionId } : {}) };
  const post = (body: string): Request => ({ method: 'POST', path: '/mcp', headers, body });
  // Later requests of a cold session carry the id its initialize returned (autocannon keeps
  // `context` for one pass over the list).
  const inSession = (request: Request): Request => ({
    ...request,
    setupRequest: (req, context) => ({ ...req, headers: { ...req.headers, 'mcp-session-id': (context as SessionContext).sessionId ?? 'none' } }),
  });
  const initialize: Request = {
    ...post(initializeBody()),
    onResponse: (_status, _body, context, responseHeaders) => {
      (context as SessionContext).sessionId = sessionFrom(responseHeaders);
    },
  };
  const end = inSession({ method: 'DELETE', path: '/mcp', headers: { authorization: bearer(token), 'mcp-protocol-version': PROTOCOL_VERSION } });

  switch (profile) {
    case 'call':
      return [post(toolCallBody(TRIVIAL_TOOL))];
    case 'modern-call':
      return [{ method: 'POST', path: '/mcp', headers: { ...modernCallHeaders(TRIVIAL_TOOL), authorization: bearer(token) }, body: modernToolCallBody(TRIVIAL_TOOL) }];
    case 'upstream-call':
      return [post(toolCallBody(UPSTREAM_TOOL))];
    case 'upstream-direct':
      return [{ method: 'GET', path: UPSTREAM_DIRECT_PATH, headers: { authorization: bearer(token), accept: 'application/json' } }];
    case 'cold-stateless':
      return [post(initializeBody()), post(INITIALIZED_BODY), post(TOOLS_LIST_BODY), post(toolCallBody(TRIVIAL_TOOL))];
    case 'cold-stateful':
      return [initialize, inSession(post(INITIALIZED_BODY)), inSession(post(TOOLS_LIST_BODY)), inSession(post(toolCallBody(TRIVIAL_TOOL))), end];
    case 'soak-churn':
      return [
        initialize,
        inSession(post(INITIALIZED_BODY)),
        inSession(post(TOOLS_LIST_BODY)),
        inSession(post(toolCallBody(TRIVIAL_TOOL))),
        inSession(post(toolCallBody(UPSTREAM_TOOL))),
        end,
      ];
  }
}

/** Counts 2xx answers whose body is not a success; non-2xx answers are counted apart. */
function checked(requests: Request[], verify: (body: string) => boolean, onMismatch: () => void): Request[] {
  return requests.map((request) => {
    const inner = request.onResponse;
    return {
      ...request,
      onResponse: (status: number, body: string, context: object, headers: Request['headers']) => {
        if (typeof inner === 'function') inner(status, body, context, headers);
        if (status >= 200 && status < 300 && !verify(body)) onMismatch();
      },
    };
  });
}

function verifierFor(profile: CannonProfile): (body: string) => boolean {
  switch (profile) {
    case 'call':
      return isToolSuccess;
    case 'modern-call':
      return (body) => isToolSuccess(body) && body.includes('"resultType":"complete"');
    case 'upstream-call':
      return (body) => isToolSuccess(body) && body.includes('"companies"');
    case 'upstream-direct':
      return (body) => body.startsWith('{') && body.includes('"data"');
    default:
      return (body) => isResultOrEmpty(body) && !body.includes('"isError":true');
  }
}

export async function runCannon(job: CannonJob, sessions: readonly StreamableSession[] = []): Promise<LoadResult> {
  if (job.sessions && sessions.length < job.connections) {
    throw new Error(`${job.connections} connections need as many open sessions; ${sessions.length} are open`);
  }
  const perPass = requestsFor(job.profile, 'x', undefined).length;
  let nextClient = 0;
  const recorder = new LatencyRecorder();
  const statusCodes: Record<string, number> = {};
  let responses = 0;
  let non2xx = 0;
  let mismatches = 0;
  const verify = verifierFor(job.profile);
  const onMismatch = (): void => {
    mismatches++;
  };

  const started = performance.now();
  let lastResponse = started;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: job.url,
        connections: job.connections,
        duration: job.durationS,
        timeout: 10,
        // autocannon stops at the first sample tick after `duration`; 100 ms keeps runs close to it.
        sampleInt: 100,
        requests: requestsFor(job.profile, job.tokens[0]!, undefined),
        setupClient: (client) => {
          const index = nextClient++;
          const session = job.sessions ? sessions[index % sessions.length] : undefined;
          const token = session?.token ?? job.tokens[index % job.tokens.length]!;
          client.setRequests(checked(requestsFor(job.profile, token, session?.id), verify, onMismatch));
        },
      },
      (error, res) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(res)),
    );
    instance.on('response', (_client, status, _bytes, ms) => {
      responses++;
      lastResponse = performance.now();
      statusCodes[status] = (statusCodes[status] ?? 0) + 1;
      if (status >= 200 && status < 300) recorder.add(ms);
      else non2xx++;
    });
  });
  // Up to the last answer: the aggregation autocannon does afterwards is not load.
  const durationS = (lastResponse - started) / 1000;

  return {
    requests: responses,
    operations: Math.floor(responses / perPass),
    durationS,
    latencyMs: recorder.summary(),
    non2xx,
    errors: result.errors,
    mismatches,
    statusCodes,
    ...(job.keepSamples ? { samplesMs: recorder.samples() } : {}),
  };
}
