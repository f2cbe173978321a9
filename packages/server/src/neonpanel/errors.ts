/**
 * How a failed NeonPanel call reaches a tool: one error type whose `toolMessage` a model can
 * act on. Nothing here ever holds the upstream URL, the raw body or a token, so the error can
 * be logged or shown as it is.
 */

export type NeonPanelErrorKind =
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'validation'
  | 'bad_request'
  | 'entry_locked'
  | 'unavailable';

/** Fixed texts, exported so tools and tests refer to one wording. */
export const NEONPANEL_MESSAGES = {
  unauthorized: 'NeonPanel rejected the access token. Sign in again to re-link your NeonPanel account.',
  forbidden: 'no access to this company',
  notFound: 'not found',
  unavailable: 'NeonPanel is unavailable, try again',
  badRequest: 'NeonPanel rejected the request as malformed',
  validation: 'NeonPanel rejected the request',
  entryLocked:
    "NeonPanel refused it under the Entry Locked Date rule: a document dated before the company's Entry Locked Date cannot be created, changed or deleted. Use a date on or after that date, or ask the company's accountant to move the Entry Locked Date",
} as const;

/** NeonPanel's wording for its Entry Locked Date refusal (a 400), as far as the contract tells. */
const ENTRY_LOCKED = /entry[\s_-]*lock|locked[\s_-]*date/i;

/**
 * Where a failure came from; never shown to a model. Only `http` means NeonPanel answered;
 * `timeout` and `network` mean a request may or may not have reached it; `token_exchange`
 * and `no_token` mean nothing was sent to NeonPanel at all.
 */
export type NeonPanelFailure = 'http' | 'timeout' | 'network' | 'token_exchange' | 'no_token';

export interface NeonPanelErrorInit {
  kind: NeonPanelErrorKind;
  toolMessage: string;
  failure: NeonPanelFailure;
  /** NeonPanel's HTTP status, when it answered (failure `http`). */
  status?: number;
  /** 422 only: field → messages, already sanitised. */
  fieldErrors?: Record<string, string[]>;
  /** From `Retry-After`, when the upstream sent one. */
  retryAfterSeconds?: number;
}

export class NeonPanelError extends Error {
  readonly kind: NeonPanelErrorKind;
  /** Safe to show a model: no URL, no body, no token. */
  readonly toolMessage: string;
  readonly failure: NeonPanelFailure;
  readonly status: number | undefined;
  readonly fieldErrors: Record<string, string[]> | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(init: NeonPanelErrorInit) {
    super(init.status === undefined ? init.toolMessage : `${init.toolMessage} (upstream status ${init.status})`);
    this.name = 'NeonPanelError';
    this.kind = init.kind;
    this.toolMessage = init.toolMessage;
    this.failure = init.failure;
    this.status = init.status;
    this.fieldErrors = init.fieldErrors;
    this.retryAfterSeconds = init.retryAfterSeconds;
  }
}

const MAX_MESSAGE_LENGTH = 200;
const MAX_FIELDS = 20;
const MAX_MESSAGES_PER_FIELD = 5;

/**
 * A short, single-line, plain sentence: something a model can act on ("The document date is
 * before the Entry Locked Date."). Anything that looks like a URL, markup, JSON or a stack
 * trace is dropped, because upstream bodies must never reach the model.
 */
export function plainSentence(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (text === '' || text.length > MAX_MESSAGE_LENGTH) return undefined;
  if (/[\r\n\t<>{}[\]`\\]/.test(text)) return undefined;
  if (/:\/\/|www\.|\bat\s+\S+\s+\(|\/[\w.-]+\/[\w.-]+/i.test(text)) return undefined;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(text)) return undefined;
  return text;
}

/** Laravel's `errors` object, reduced to fields and messages that are safe to show. */
export function sanitiseFieldErrors(errors: unknown): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (typeof errors !== 'object' || errors === null || Array.isArray(errors)) return out;
  for (const [field, messages] of Object.entries(errors).slice(0, MAX_FIELDS)) {
    if (!/^[\w.\-[\]*]{1,100}$/.test(field)) continue;
    const list = (Array.isArray(messages) ? messages : [messages])
      .map(plainSentence)
      .filter((m): m is string => m !== undefined)
      .slice(0, MAX_MESSAGES_PER_FIELD);
    out[field] = list.length > 0 ? list : ['is invalid'];
  }
  return out;
}

/** Parses `Retry-After` (delta-seconds or HTTP-date) into whole seconds from `now`. */
export function parseRetryAfter(header: string | null, now: number = Date.now()): number | undefined {
  if (header === null) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

function unavailable(failure: NeonPanelFailure, status?: number, retryAfterSeconds?: number): NeonPanelError {
  return new NeonPanelError({
    kind: 'unavailable',
    toolMessage: NEONPANEL_MESSAGES.unavailable,
    failure,
    ...(status === undefined ? {} : { status }),
    ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
  });
}

export function timeoutError(): NeonPanelError {
  return unavailable('timeout');
}

export function networkError(): NeonPanelError {
  return unavailable('network');
}

/**
 * Maps a non-2xx answer to an error. `body` is the parsed JSON body when there was one; only
 * `message` (400) and `errors` (422) are ever read from it, and both are sanitised.
 */
export function errorForStatus(status: number, body: unknown, retryAfterSeconds?: number): NeonPanelError {
  const record = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  if (status === 401) {
    return new NeonPanelError({ kind: 'unauthorized', toolMessage: NEONPANEL_MESSAGES.unauthorized, failure: 'http', status });
  }
  if (status === 403) {
    return new NeonPanelError({ kind: 'forbidden', toolMessage: NEONPANEL_MESSAGES.forbidden, failure: 'http', status });
  }
  if (status === 404 || status === 410) {
    return new NeonPanelError({ kind: 'not_found', toolMessage: NEONPANEL_MESSAGES.notFound, failure: 'http', status });
  }
  if (status === 422) {
    const fieldErrors = sanitiseFieldErrors(record['errors']);
    const details = Object.entries(fieldErrors).map(([field, messages]) => `${field}: ${messages.join(' ')}`);
    const summary = details.length > 0 ? `${NEONPANEL_MESSAGES.validation}: ${details.join('; ')}` : `${NEONPANEL_MESSAGES.validation}.`;
    return new NeonPanelError({ kind: 'validation', toolMessage: summary, failure: 'http', status, fieldErrors });
  }
  // 3xx cannot be acted on by a model either: the API is not answering as documented.
  if (status === 429 || status >= 500 || status < 400) return unavailable('http', status, retryAfterSeconds);
  // 400 (Entry Locked Date and malformed input) and every other 4xx.
  const message = plainSentence(record['message']);
  if (status === 400 && ENTRY_LOCKED.test(String(record['message'] ?? ''))) {
    return new NeonPanelError({
      kind: 'entry_locked',
      toolMessage: message ? `${NEONPANEL_MESSAGES.entryLocked}. NeonPanel said: ${message}` : `${NEONPANEL_MESSAGES.entryLocked}.`,
      failure: 'http',
      status,
    });
  }
  return new NeonPanelError({
    kind: 'bad_request',
    toolMessage: message ? `${NEONPANEL_MESSAGES.validation}: ${message}` : NEONPANEL_MESSAGES.badRequest,
    failure: 'http',
    status,
  });
}
