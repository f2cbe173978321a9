/**
 * UPSTREAM_AUTH=token-exchange: the client trades the caller's token at a (fake) RFC 8693
 * endpoint, sends only the exchanged token to the sandbox, and caches exchanges.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSandbox, type Sandbox } from '../../src/dev/sandbox/index.js';
import { createNeonPanelClient, type NeonPanelHttpClient } from '../../src/neonpanel/client.js';
import { NeonPanelError } from '../../src/neonpanel/errors.js';
import { ACCESS_TOKEN_TYPE, TOKEN_EXCHANGE_GRANT } from '../../src/neonpanel/tokenExchange.js';
import { ALICE, BOB, NOW, TOKENS, callContext, captureLogger, testConfig } from './fixtures.js';

interface ExchangeCall {
  authorization: string | undefined;
  form: URLSearchParams;
}

/** What the fake authorization server answers, per subject token. */
type Behaviour = (subjectToken: string) => { status: number; body: unknown; delayMs?: number };

const CLIENT_ID = 'mcp-gateway';
const CLIENT_SECRET = 'gateway secret/with:odd+chars';
const EXCHANGED = { [TOKENS.alice]: 'np-exchanged-alice', [TOKENS.bob]: 'np-exchanged-bob' } as Record<string, string>;

let exchangeServer: Server;
let exchangeUrl: string;
let calls: ExchangeCall[] = [];
let behaviour: Behaviour;
let sandbox: Sandbox;
let acceptExchanged = true;

const readBody = (req: IncomingMessage) => new Promise<string>((resolve) => {
  let text = '';
  req.on('data', (c: Buffer) => { text += c.toString(); });
  req.on('end', () => resolve(text));
});

const issue: Behaviour = (subjectToken) => {
  const token = EXCHANGED[subjectToken];
  if (!token) return { status: 400, body: { error: 'invalid_grant', error_description: 'subject token is not active' } };
  return { status: 200, body: { access_token: token, issued_token_type: ACCESS_TOKEN_TYPE, token_type: 'Bearer', expires_in: 300 } };
};

beforeAll(async () => {
  exchangeServer = createServer((req, res) => {
    void readBody(req).then((text) => {
      const form = new URLSearchParams(text);
      calls.push({ authorization: req.headers.authorization, form });
      const answer = behaviour(form.get('subject_token') ?? '');
      setTimeout(() => {
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answer.body));
      }, answer.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => exchangeServer.listen(0, '127.0.0.1', resolve));
  exchangeUrl = `http://127.0.0.1:${(exchangeServer.address() as AddressInfo).port}/oauth2/token`;
  // NeonPanel accepts only tokens issued for it: the exchanged ones, never the caller's own.
  sandbox = await startSandbox({
    now: () => NOW,
    verifyToken: async (token) => {
      if (!acceptExchanged) return undefined;
      if (token === EXCHANGED[TOKENS.alice]) return { subject: ALICE.subject };
      if (token === EXCHANGED[TOKENS.bob]) return { subject: BOB.subject };
      return undefined;
    },
  });
});

afterAll(async () => {
  await sandbox.close();
  await new Promise<void>((resolve) => exchangeServer.close(() => resolve()));
});

beforeEach(() => {
  calls = [];
  behaviour = issue;
  acceptExchanged = true;
  sandbox.clearRequests();
});

function exchangeClient(env: Record<string, string> = {}, options = {}): NeonPanelHttpClient {
  const config = testConfig(sandbox.url, {
    UPSTREAM_AUTH: 'token-exchange',
    TOKEN_EXCHANGE_URL: exchangeUrl,
    OAUTH_CLIENT_ID: CLIENT_ID,
    OAUTH_CLIENT_SECRET: CLIENT_SECRET,
    ...env,
  });
  return createNeonPanelClient(config, captureLogger().logger, { retryBaseDelayMs: 5, ...options });
}

async function withClient(run: (client: NeonPanelHttpClient) => Promise<void>, env?: Record<string, string>, options?: object) {
  const client = exchangeClient(env, options);
  try {
    await run(client);
  } finally {
    await client.close();
  }
}

it('exchanges the caller token per RFC 8693 and sends only the exchanged token upstream', async () => {
  await withClient(async (client) => {
    const { data } = await client.forCaller(callContext(TOKENS.alice)).GET('/api/v1/companies', {});
    expect(data?.data?.length).toBe(2);
  });
  expect(calls).toHaveLength(1);
  const [call] = calls;
  expect(call!.form.get('grant_type')).toBe(TOKEN_EXCHANGE_GRANT);
  expect(call!.form.get('subject_token')).toBe(TOKENS.alice);
  expect(call!.form.get('subject_token_type')).toBe('urn:ietf:params:oauth:token-type:access_token');
  expect(call!.form.get('audience')).toBe(sandbox.url);
  expect(call!.form.get('client_secret')).toBeNull();
  // client_secret_basic, with RFC 6749 §2.3.1 form-encoding before base64.
  const decoded = Buffer.from(call!.authorization!.replace(/^Basic /, ''), 'base64').toString();
  expect(decoded).toBe(`${CLIENT_ID}:${encodeURIComponent(CLIENT_SECRET).replace(/%20/g, '+')}`);
  expect(sandbox.requests.map((r) => r.subject)).toEqual([ALICE.subject]);
});

it('uses TOKEN_EXCHANGE_AUDIENCE when set', async () => {
  await withClient(async (client) => {
    await client.forCaller(callContext(TOKENS.alice)).GET('/api/v1/reports', {});
  }, { TOKEN_EXCHANGE_AUDIENCE: 'https://my.neonpanel.com' });
  expect(calls[0]!.form.get('audience')).toBe('https://my.neonpanel.com');
});

it('caches an exchange per subject token until shortly before it expires', async () => {
  await withClient(async (client) => {
    for (let i = 0; i < 3; i += 1) await client.forCaller(callContext(TOKENS.alice)).GET('/api/v1/reports', {});
    await client.forCaller(callContext(TOKENS.bob)).GET('/api/v1/reports', {});
  });
  expect(calls.map((c) => c.form.get('subject_token'))).toEqual([TOKENS.alice, TOKENS.bob]);
  expect(sandbox.requests).toHaveLength(4);
});

it('does not cache a token that expires within the refresh skew', async () => {
  behaviour = (subject) => ({ status: 200, body: { access_token: EXCHANGED[subject], token_type: 'Bearer', expires_in: 10 } });
  await withClient(async (client) => {
    await client.forCaller(callContext(TOKENS.alice)).GET('/api/v1/reports', {});
    await client.forCaller(callContext(TOKENS.alice)).GET('/api/v1/reports', {});
  }, {}, { tokenRefreshSkewMs: 30_000 });
  expect(calls).toHaveLength(2);
});

it('shares one exchange between concurrent calls', async () => {
  behaviour = (subject) => ({ ...issue(subject), delayMs: 100 });
  await withClient(async (client) => {
    await Promise.all(Array.from({ length: 5 }, () => client.forCaller(callContext(TOKENS.alice)).GET('/api/v1/reports', {})));
  });
  expect(calls).toHaveLength(1);
  expect(sandbox.requests).toHaveLength(5);
});

it('a refused subject token (invalid_grant) is unauthorized and never reaches NeonPanel', async () => {
  await withClient(async (client) => {
    const error = await client.forCaller(callContext('unknown-caller-token')).GET('/api/v1/reports', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NeonPanelError);
    expect((error as NeonPanelError).kind).toBe('unauthorized');
    expect((error as NeonPanelError).failure).toBe('token_exchange');
    expect((error as NeonPanelError).status).toBeUndefined();
  });
  expect(sandbox.requests).toHaveLength(0);
});

it.each([
  ['invalid_client (our configuration)', { status: 401, body: { error: 'invalid_client' } }],
  ['a server error', { status: 500, body: { error: 'server_error' } }],
  ['a non-token answer', { status: 200, body: { hello: 'world' } }],
])('%s is unavailable, not a re-link', async (_name, answer) => {
  behaviour = () => answer;
  await withClient(async (client) => {
    const error = await client.forCaller(callContext(TOKENS.alice)).GET('/api/v1/reports', {}).catch((e: unknown) => e) as NeonPanelError;
    expect(error).toBeInstanceOf(NeonPanelError);
    expect(error.kind).toBe('unavailable');
    expect(error.failure).toBe('token_exchange');
    expect(error.toolMessage).not.toContain('127.0.0.1');
  });
  expect(sandbox.requests).toHaveLength(0);
});

it('a 401 from NeonPanel drops the cached exchange, so the next call exchanges again', async () => {
  await withClient(async (client) => {
    await client.forCaller(callContext(TOKENS.alice)).GET('/api/v1/reports', {});
    acceptExchanged = false;
    const error = await client.forCaller(callContext(TOKENS.alice)).GET('/api/v1/reports', {}).catch((e: unknown) => e) as NeonPanelError;
    expect(error.kind).toBe('unauthorized');
    acceptExchanged = true;
    await client.forCaller(callContext(TOKENS.alice)).GET('/api/v1/reports', {});
  });
  expect(calls).toHaveLength(2);
});

it('never logs the caller token or the exchanged token', async () => {
  const logs = captureLogger();
  const config = testConfig(sandbox.url, {
    UPSTREAM_AUTH: 'token-exchange', TOKEN_EXCHANGE_URL: exchangeUrl, OAUTH_CLIENT_ID: CLIENT_ID, OAUTH_CLIENT_SECRET: CLIENT_SECRET,
  });
  const client = createNeonPanelClient(config, logs.logger, { retryBaseDelayMs: 5 });
  try {
    behaviour = () => ({ status: 400, body: { error: 'invalid_grant' } });
    await client.forCaller(callContext(TOKENS.alice)).GET('/api/v1/reports', {}).catch(() => undefined);
    behaviour = issue;
    acceptExchanged = false;
    await client.forCaller(callContext(TOKENS.alice)).GET('/api/v1/reports', {}).catch(() => undefined);
  } finally {
    await client.close();
  }
  expect(logs.lines().length).toBeGreaterThanOrEqual(2);
  expect(logs.raw()).not.toContain(TOKENS.alice);
  expect(logs.raw()).not.toContain(EXCHANGED[TOKENS.alice]!);
  expect(logs.raw()).not.toContain(CLIENT_SECRET);
});
