/** Resolving a user's companies is shared: one fetch in flight per user, whoever asks meanwhile. */
import { expect, it } from '@jest/globals';
import { companiesOf } from '../../src/tools/common.js';
import { createToolServices } from '../../src/tools/services.js';
import type { ToolContext } from '../../src/tools/types.js';

it('sends one company-list request for ten concurrent callers of the same user, and one per other user', async () => {
  const services = createToolServices({ neonpanelBaseUrl: 'https://np.test', companyCacheTtlMs: 60_000 });
  const requests: string[] = [];
  const contextOf = (subject: string): ToolContext => ({
    subject,
    services,
    neonpanel: () => ({
      GET: async () => {
        requests.push(subject);
        await new Promise((r) => setTimeout(r, 20));
        return { data: { data: [{ uuid: `u-${subject}`, name: `Co ${subject}` }], last_page: 1 } };
      },
    }),
  }) as unknown as ToolContext;
  const answers = await Promise.all([
    ...Array.from({ length: 10 }, () => companiesOf(contextOf('alice'))),
    companiesOf(contextOf('bob')),
  ]);
  expect(requests.sort()).toEqual(['alice', 'bob']);
  expect(answers[0]).toEqual([{ uuid: 'u-alice', name: 'Co alice' }]);
  expect(answers[10]).toEqual([{ uuid: 'u-bob', name: 'Co bob' }]);
  expect(services.companiesInFlight.size).toBe(0);
});

it('a caller still waiting fetches again when the caller whose fetch it shared cancels', async () => {
  const services = createToolServices({ neonpanelBaseUrl: 'https://np.test', companyCacheTtlMs: 60_000 });
  let requests = 0;
  const contextWith = (signal: AbortSignal): ToolContext => ({
    subject: 'alice',
    services,
    signal,
    neonpanel: () => ({
      GET: async () => {
        requests++;
        await new Promise((r) => setTimeout(r, 20));
        if (signal.aborted) throw signal.reason;
        return { data: { data: [{ uuid: 'u-alice', name: 'Co alice' }], last_page: 1 } };
      },
    }),
  }) as unknown as ToolContext;
  const first = new AbortController();
  const cancelled = companiesOf(contextWith(first.signal));
  const waiting = companiesOf(contextWith(new AbortController().signal));
  first.abort(new Error('client cancelled'));
  await expect(cancelled).rejects.toThrow('client cancelled');
  await expect(waiting).resolves.toEqual([{ uuid: 'u-alice', name: 'Co alice' }]);
  expect(requests).toBe(2);
  expect(services.companiesInFlight.size).toBe(0);
});
