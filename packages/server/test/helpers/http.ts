/**
 * A small HTTP client over node:http for tests that need control fetch does not give:
 * repeated headers (the flat `rawHeaders` array form), raw byte-level header values, and
 * the status and headers of every answer without following or normalising anything.
 */
import http from 'node:http';

export interface TestResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The body parsed as JSON; throws if it is not JSON. */
  json<T = Record<string, unknown>>(): T;
}

export interface TestRequestOptions {
  method?: string;
  /**
   * An object, or the flat `[name, value, name, value, …]` array that sends every pair as its
   * own header line (the only way to send two Authorization headers). The array form must
   * carry its own Host header; `request` adds one when it is missing.
   */
  headers?: http.OutgoingHttpHeaders | string[];
  body?: string | Buffer;
  /** `false` for a fresh connection that no pool can hand back (Node 20's global agent keeps sockets alive). */
  agent?: http.Agent | false;
  /** Rejects when no answer arrives in time. Default 10 000 ms. */
  timeoutMs?: number;
}

export function request(url: string, options: TestRequestOptions = {}): Promise<TestResponse> {
  const target = new URL(url);
  let headers = options.headers ?? {};
  if (Array.isArray(headers)) {
    const hasHost = headers.some((h, i) => i % 2 === 0 && h.toLowerCase() === 'host');
    if (!hasHost) headers = ['Host', target.host, ...headers];
  }
  return new Promise<TestResponse>((resolve, reject) => {
    const req = http.request(
      {
        method: options.method ?? 'GET',
        host: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        headers,
        ...(options.agent !== undefined ? { agent: options.agent } : {}),
        timeout: options.timeoutMs ?? 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body,
            json: <T>() => JSON.parse(body) as T,
          });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} in time`)));
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Calls a tool through the REST façade with the given Authorization value (omitted when undefined). */
export function callTool(
  base: string,
  authorization: string | undefined,
  name = 'neonpanel_whoami',
  args: Record<string, unknown> = {},
  extra: Omit<TestRequestOptions, 'method' | 'body'> = {},
): Promise<TestResponse> {
  const headers: http.OutgoingHttpHeaders = { 'content-type': 'application/json', ...(extra.headers as http.OutgoingHttpHeaders | undefined) };
  if (authorization !== undefined) headers['authorization'] = authorization;
  return request(`${base}/mcp/tools/call`, {
    ...extra,
    method: 'POST',
    headers,
    body: JSON.stringify({ name, arguments: args }),
  });
}
