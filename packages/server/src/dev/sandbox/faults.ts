/**
 * Fault injection: latency, error statuses and requests that never get an answer, for the
 * next N requests or for requests matching a path pattern.
 */

export interface Fault {
  /** Requests whose path contains this string, or matches this pattern. Default: every request. */
  path?: string | RegExp;
  /** Only this HTTP method. Default: any. */
  method?: string;
  /** Applies to this many matching requests, then expires. Default: until cleared. */
  count?: number;
  /** Delay before answering (or before the injected status). */
  latencyMs?: number;
  /** Answer with this status instead of serving the request. */
  status?: 429 | 500 | 502 | 503 | 504;
  /** Sent as `Retry-After`. Default 1 for 429; none otherwise. */
  retryAfterSeconds?: number;
  /** Never answer; the socket is held until the client gives up or the sandbox closes. */
  timeout?: boolean;
}

interface ActiveFault extends Fault {
  remaining: number;
}

export class FaultPlan {
  private faults: ActiveFault[] = [];

  set(faults: Fault | Fault[]): void {
    this.faults = (Array.isArray(faults) ? faults : [faults]).map((f) => ({ ...f, remaining: f.count ?? Infinity }));
  }

  clear(): void {
    this.faults = [];
  }

  /** The first live fault matching the request, counted as used. */
  take(method: string, path: string): Fault | undefined {
    const fault = this.faults.find((f) =>
      f.remaining > 0
      && (f.method === undefined || f.method.toUpperCase() === method.toUpperCase())
      && (f.path === undefined || (typeof f.path === 'string' ? path.includes(f.path) : f.path.test(path))));
    if (!fault) return undefined;
    fault.remaining -= 1;
    return fault;
  }
}

/** What a failing gateway or framework would send; bodies deliberately include the URL. */
export function faultResponse(status: NonNullable<Fault['status']>, url: string, retryAfterSeconds: number | undefined): {
  headers: Record<string, string>;
  body: string;
} {
  const headers: Record<string, string> = {};
  const retryAfter = retryAfterSeconds ?? (status === 429 ? 1 : undefined);
  if (retryAfter !== undefined) headers['retry-after'] = String(retryAfter);
  if (status === 429) {
    return { headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ message: 'Too Many Attempts.' }) };
  }
  if (status === 500) {
    return { headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ message: `Server Error at ${url}` }) };
  }
  const title = status === 502 ? 'Bad Gateway' : status === 503 ? 'Service Unavailable' : 'Gateway Timeout';
  return {
    headers: { ...headers, 'content-type': 'text/html' },
    body: `<html><head><title>${status} ${title}</title></head><body><h1>${status} ${title}</h1><p>upstream: ${url}</p></body></html>`,
  };
}
