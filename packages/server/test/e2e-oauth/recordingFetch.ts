/**
 * A `fetch` that notes every request a client makes, so a test can assert the order of the
 * OAuth steps and not just their outcome. It records nothing secret: no headers other than
 * the challenge, no bodies other than a token request's `grant_type`, no query strings.
 */
export interface RecordedExchange {
  method: string;
  /** Origin and path, without the query (which may carry a code or state). */
  url: string;
  status: number;
  /** `WWW-Authenticate` of the answer, when it has one (a challenge carries no secret). */
  challenge?: string;
  /** The `grant_type` of a form POST (token requests). */
  grantType?: string;
}

export interface RecordingFetch {
  fetch: typeof fetch;
  readonly log: RecordedExchange[];
  /** Forgets what was recorded so far. */
  clear(): void;
}

function grantTypeOf(body: unknown): string | undefined {
  if (body instanceof URLSearchParams) return body.get('grant_type') ?? undefined;
  if (typeof body === 'string' && /(^|&)grant_type=/.test(body)) return new URLSearchParams(body).get('grant_type') ?? undefined;
  return undefined;
}

export function recordingFetch(inner: typeof fetch = fetch): RecordingFetch {
  const log: RecordedExchange[] = [];
  const wrapped = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request ? input : undefined;
    const url = new URL(request ? request.url : String(input));
    const method = (init?.method ?? request?.method ?? 'GET').toUpperCase();
    const response = await inner(input, init);
    const entry: RecordedExchange = { method, url: `${url.origin}${url.pathname}`, status: response.status };
    const challenge = response.headers.get('www-authenticate');
    if (challenge) entry.challenge = challenge;
    const grantType = grantTypeOf(init?.body);
    if (grantType) entry.grantType = grantType;
    log.push(entry);
    return response;
  };
  return {
    fetch: wrapped as typeof fetch,
    log,
    clear: () => {
      log.length = 0;
    },
  };
}

export type StepMatcher = Partial<RecordedExchange> & { label: string };

/**
 * Where each step happened in `log`, each found after the previous one; throws naming the
 * first step missing in that order, with the log (which holds no secrets) for context.
 */
export function stepsInOrder(log: readonly RecordedExchange[], steps: readonly StepMatcher[]): number[] {
  const positions: number[] = [];
  let from = 0;
  for (const { label, ...want } of steps) {
    const index = log.findIndex((entry, i) =>
      i >= from && Object.entries(want).every(([key, value]) => entry[key as keyof RecordedExchange] === value));
    if (index === -1) {
      const seen = log.map((e) => `${e.method} ${e.url} → ${e.status}${e.grantType ? ` (${e.grantType})` : ''}`).join('\n  ');
      throw new Error(`Step "${label}" did not happen after step ${positions.length}. Requests seen:\n  ${seen}`);
    }
    positions.push(index);
    from = index + 1;
  }
  return positions;
}
