/**
 * The gate's bounded retry: it waits out an unreachable URL, never retries a real verdict.
 */
import { describeGate, gatePassed, runGate } from '../../src/ops/gate.js';
import { failing, passing, recordingOutput, scriptedGate, unreachable, URL } from './support.js';

function countingSleep(): { sleep: (ms: number) => Promise<void>; waits: number[] } {
  const waits: number[] = [];
  return { waits, sleep: (ms) => { waits.push(ms); return Promise.resolve(); } };
}

describe('runGate', () => {
  it('passes on a clean first run without waiting', async () => {
    const gate = scriptedGate(passing());
    const { sleep, waits } = countingSleep();
    const outcome = await runGate(gate, URL, recordingOutput(), { attempts: 5, delayMs: 1000, sleep });
    expect(outcome).toEqual(expect.objectContaining({ passed: true, attempts: 1 }));
    expect(gate.urls).toEqual([URL]);
    expect(waits).toEqual([]);
  });

  it('retries while the URL does not answer, then takes the first real verdict', async () => {
    const gate = scriptedGate(unreachable(), unreachable(), passing());
    const { sleep, waits } = countingSleep();
    const output = recordingOutput();
    const outcome = await runGate(gate, URL, output, { attempts: 5, delayMs: 15_000, sleep });
    expect(outcome.passed).toBe(true);
    expect(outcome.attempts).toBe(3);
    expect(waits).toEqual([15_000, 15_000]);
    expect(output.lines.filter((l) => l.includes('does not answer yet'))).toHaveLength(2);
  });

  it('does not retry a failing verdict: a real failure is never retried away', async () => {
    const gate = scriptedGate(failing(), passing());
    const outcome = await runGate(gate, URL, recordingOutput(), { attempts: 5, delayMs: 0, sleep: () => Promise.resolve() });
    expect(outcome.passed).toBe(false);
    expect(gate.urls).toHaveLength(1);
  });

  it('gives up after the bound when the URL never answers', async () => {
    const gate = scriptedGate(unreachable());
    const { sleep, waits } = countingSleep();
    const outcome = await runGate(gate, URL, recordingOutput(), { attempts: 4, delayMs: 10, sleep });
    expect(outcome).toEqual(expect.objectContaining({ passed: false, attempts: 4 }));
    expect(gate.urls).toHaveLength(4);
    expect(waits).toHaveLength(3);
    expect(describeGate(outcome)).toEqual(['unreachable after 4 attempt(s): the URL never answered']);
  });

  it('treats a runner that throws as no answer, and says so', async () => {
    const gate = scriptedGate(new Error('getaddrinfo ENOTFOUND mcp.neonpanel.com'), passing());
    const output = recordingOutput();
    const outcome = await runGate(gate, URL, output, { attempts: 3, delayMs: 0, sleep: () => Promise.resolve() });
    expect(outcome.passed).toBe(true);
    expect(output.errors.join('\n')).toContain('ENOTFOUND');
  });
});

describe('gatePassed and describeGate', () => {
  it('needs at least one case to have run', () => {
    expect(gatePassed({ passed: 0, failed: 0, unreachable: false, results: [] })).toBe(false);
    expect(gatePassed(passing(1))).toBe(true);
    expect(gatePassed(failing())).toBe(false);
  });

  it('lists each failed case with what was expected and what came back', () => {
    const lines = describeGate({ report: failing(), attempts: 1, passed: false });
    expect(lines[0]).toBe('FAILED: 25 passed, 1 failed');
    expect(lines).toContain('  ✗ [no-auth] GET /sse/: expected 401 with WWW-Authenticate; got 200 text/event-stream');
    expect(lines).toHaveLength(2);
  });
});
