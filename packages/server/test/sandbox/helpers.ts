/** Plain-fetch helpers for talking to the sandbox without the client under test. */
import type { Sandbox } from '../../src/dev/sandbox/index.js';
import { DEMO_COMPANIES, DEMO_USERS } from '../../src/dev/demoUsers.js';

export const ALICE = DEMO_USERS[0]!;
export const BOB = DEMO_USERS[1]!;
export const ACME = DEMO_COMPANIES[0]!.uuid;
export const BOREALIS = DEMO_COMPANIES[1]!.uuid;
export const COBALT = DEMO_COMPANIES[2]!.uuid;
export const TOKENS = { alice: 'sandbox-alice-token', bob: 'sandbox-bob-token', stranger: 'sandbox-stranger-token' } as const;
export const SANDBOX_TOKENS: Record<string, string> = {
  [TOKENS.alice]: ALICE.subject,
  [TOKENS.bob]: BOB.subject,
  [TOKENS.stranger]: 'user-nobody-0000',
};
export const NOW = new Date('2025-06-15T10:00:00.000Z');

export interface Answer<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export async function call<T = any>(
  sandbox: Sandbox,
  path: string,
  init: { method?: string; token?: string | null; body?: unknown; rawBody?: string; headers?: Record<string, string>; signal?: AbortSignal } = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = { accept: 'application/json', ...init.headers };
  if (init.token !== null) headers['authorization'] = `Bearer ${init.token ?? TOKENS.alice}`;
  let body: string | undefined = init.rawBody;
  if (init.body !== undefined) {
    body = JSON.stringify(init.body);
    headers['content-type'] = 'application/json';
  }
  const response = await fetch(`${sandbox.url}${path}`, {
    method: init.method ?? 'GET', headers, ...(body === undefined ? {} : { body }), ...(init.signal ? { signal: init.signal } : {}),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: response.status, headers: response.headers, body: parsed as T };
}

/** Every page of a paginated list, following last_page. */
export async function allPages<T>(sandbox: Sandbox, path: string, perPage: number, token?: string): Promise<{ pages: number; items: T[] }> {
  const items: T[] = [];
  let page = 1;
  let last = 1;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const answer = await call<{ data: T[]; last_page: number; current_page: number }>(
      sandbox, `${path}${separator}page=${page}&per_page=${perPage}`, token === undefined ? {} : { token },
    );
    if (answer.status !== 200) throw new Error(`page ${page}: ${answer.status}`);
    items.push(...answer.body.data);
    last = answer.body.last_page;
    page += 1;
  } while (page <= last);
  return { pages: last, items };
}

export const sum = (values: number[]) => Math.round(values.reduce((a, b) => a + b, 0) * 100) / 100;
