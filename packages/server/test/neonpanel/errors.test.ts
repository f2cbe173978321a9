import fc from 'fast-check';
import {
  NEONPANEL_MESSAGES, errorForStatus, parseRetryAfter, plainSentence, sanitiseFieldErrors,
} from '../../src/neonpanel/errors.js';
import { backoffDelayMs, nextDelayMs, sleep, type RetryPolicy } from '../../src/neonpanel/retry.js';

describe('errorForStatus', () => {
  it.each([
    [401, 'unauthorized', NEONPANEL_MESSAGES.unauthorized],
    [403, 'forbidden', 'no access to this company'],
    [404, 'not_found', 'not found'],
    [429, 'unavailable', 'NeonPanel is unavailable, try again'],
    [500, 'unavailable', 'NeonPanel is unavailable, try again'],
    [503, 'unavailable', 'NeonPanel is unavailable, try again'],
    [302, 'unavailable', 'NeonPanel is unavailable, try again'],
    [409, 'bad_request', NEONPANEL_MESSAGES.badRequest],
  ])('%i → %s', (status, kind, message) => {
    const error = errorForStatus(status, { message: 'Details at https://my.neonpanel.com/internal/trace/1' });
    expect(error.kind).toBe(kind);
    expect(error.toolMessage).toBe(message);
    expect(error.message).not.toContain('https://');
  });

  it('keeps retryAfterSeconds on unavailable answers', () => {
    expect(errorForStatus(429, undefined, 12).retryAfterSeconds).toBe(12);
  });

  it('422 lists sanitised field errors', () => {
    const error = errorForStatus(422, {
      message: 'The given data was invalid.',
      errors: { 'data.date': ['The data.date field is required.'], 'bad field name!': ['x'], 'data.link': ['See https://evil.example/x'] },
    });
    expect(error.fieldErrors).toEqual({ 'data.date': ['The data.date field is required.'], 'data.link': ['is invalid'] });
    expect(error.toolMessage).toBe('NeonPanel rejected the request: data.date: The data.date field is required.; data.link: is invalid');
  });

  it('400 on the Entry Locked Date names the rule a model can act on, plus the short upstream sentence', () => {
    const error = errorForStatus(400, { message: 'The document date is before the Entry Locked Date.' });
    expect(error.kind).toBe('entry_locked');
    expect(error.toolMessage).toBe(`${NEONPANEL_MESSAGES.entryLocked}. NeonPanel said: The document date is before the Entry Locked Date.`);
    expect(error.toolMessage).toMatch(/dated before the company's Entry Locked Date cannot be created, changed or deleted/);
    expect(errorForStatus(400, { message: 'Entry locked date: <b>2025-01-01</b>' }).toolMessage).toBe(`${NEONPANEL_MESSAGES.entryLocked}.`);
  });

  it('400 keeps a short plain sentence and drops anything else', () => {
    expect(errorForStatus(400, { message: 'The file is broken.' }).toolMessage)
      .toBe('NeonPanel rejected the request: The file is broken.');
    for (const message of ['<html>oops</html>', '{"raw":"json"}', 'x'.repeat(300), 'line one\nline two', 'see /var/www/app/Http.php', 'at Foo (bar.js:1:2)']) {
      expect(errorForStatus(400, { message }).toolMessage).toBe(NEONPANEL_MESSAGES.badRequest);
    }
  });

  it('never echoes a URL or markup from any body, for any status', () => {
    fc.assert(fc.property(
      fc.integer({ min: 300, max: 599 }),
      fc.webUrl(),
      fc.string(),
      (status, url, noise) => {
        const error = errorForStatus(status, { message: `${noise} ${url}`, errors: { field: [`${url}`, `<b>${noise}</b>`] } });
        const shown = `${error.message} ${error.toolMessage} ${JSON.stringify(error.fieldErrors ?? {})}`;
        return !shown.includes(url) && !shown.includes('<b>');
      },
    ));
  });
});

describe('plainSentence and sanitiseFieldErrors', () => {
  it('accepts ordinary sentences', () => {
    expect(plainSentence('The selected data.lines.0.sku is invalid.')).toBe('The selected data.lines.0.sku is invalid.');
    expect(plainSentence(42)).toBeUndefined();
  });

  it('bounds the number of fields and messages', () => {
    const many = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`f${i}`, Array.from({ length: 10 }, () => 'bad value')]));
    const out = sanitiseFieldErrors(many);
    expect(Object.keys(out)).toHaveLength(20);
    expect(out['f0']).toHaveLength(5);
    expect(sanitiseFieldErrors(['not', 'an', 'object'])).toEqual({});
  });
});

describe('Retry-After and backoff', () => {
  const policy: RetryPolicy = { retries: 3, baseDelayMs: 100, maxDelayMs: 1_000, maxRetryAfterMs: 5_000, random: () => 0.999 };

  it('parses delta-seconds and HTTP dates', () => {
    expect(parseRetryAfter('7')).toBe(7);
    expect(parseRetryAfter(new Date(Date.UTC(2030, 0, 1, 0, 0, 10)).toUTCString(), Date.UTC(2030, 0, 1))).toBe(10);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });

  it('grows exponentially up to the cap, with full jitter', () => {
    expect([1, 2, 3, 4, 5].map((a) => backoffDelayMs(policy, a))).toEqual([99, 199, 399, 799, 999]);
    expect(backoffDelayMs({ ...policy, random: () => 0 }, 4)).toBe(0);
    fc.assert(fc.property(fc.integer({ min: 1, max: 30 }), fc.double({ min: 0, max: 0.9999, noNaN: true }), (attempt, r) => {
      const d = backoffDelayMs({ ...policy, random: () => r }, attempt);
      return d >= 0 && d < policy.maxDelayMs;
    }));
  });

  it('waits at least Retry-After, and stops when it exceeds the cap', () => {
    expect(nextDelayMs(policy, 1, 2)).toBe(2_000);
    expect(nextDelayMs(policy, 1, 6)).toBeUndefined();
    expect(nextDelayMs(policy, 1, undefined)).toBe(99);
  });

  it('sleep rejects as soon as a signal aborts', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const pending = sleep(10_000, undefined, controller.signal);
    setTimeout(() => controller.abort(new Error('stop')), 20);
    await expect(pending).rejects.toThrow('stop');
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
