/** Shared set-up for the client tests: a sandbox, a config pointing at it and a log capture. */
import type { AuthInfo } from '../../src/auth/types.js';
import { loadConfig, type Config, type Env } from '../../src/config.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { DEMO_COMPANIES, DEMO_USERS } from '../../src/dev/demoUsers.js';
import type { UpstreamCallContext } from '../../src/neonpanel/types.js';

export const ALICE = DEMO_USERS[0]!;
export const BOB = DEMO_USERS[1]!;
export const ACME = DEMO_COMPANIES[0]!.uuid;
export const BOREALIS = DEMO_COMPANIES[1]!.uuid;
export const COBALT = DEMO_COMPANIES[2]!.uuid;

/** Opaque tokens the sandbox accepts in tests. */
export const TOKENS = { alice: 'alice-access-token-0123456789', bob: 'bob-access-token-0123456789' } as const;
export const SANDBOX_TOKENS: Record<string, string> = { [TOKENS.alice]: ALICE.subject, [TOKENS.bob]: BOB.subject };

/** A fixed "today" so dates and sums are reproducible. */
export const NOW = new Date('2025-06-15T10:00:00.000Z');

export function testConfig(apiBase: string, env: Env = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    NEONPANEL_API_BASE: apiBase,
    UPSTREAM_TIMEOUT_MS: '400',
    UPSTREAM_RETRIES: '2',
    ...env,
  });
}

export function authFor(token: string, subject = ALICE.subject): AuthInfo {
  return { token, clientId: 'test-client', scopes: ['read:inventory'], extra: { subject } };
}

let counter = 0;
export function callContext(token: string = TOKENS.alice, extra: Partial<UpstreamCallContext> = {}): UpstreamCallContext {
  counter += 1;
  return { auth: authFor(token), requestId: `req-${counter}-${Date.now()}`, ...extra };
}

export interface CapturedLogger {
  logger: Logger;
  lines(): Array<Record<string, unknown>>;
  raw(): string;
}

/** A real pino logger writing to memory, so tests can read what would be logged. */
export function captureLogger(level = 'debug'): CapturedLogger {
  const chunks: string[] = [];
  const logger = createLogger(level, { write: (chunk: string) => { chunks.push(chunk); } });
  return {
    logger,
    lines: () => chunks.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>),
    raw: () => chunks.join(''),
  };
}
