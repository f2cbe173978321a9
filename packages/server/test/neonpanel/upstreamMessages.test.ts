/**
 * The plain request and response carriers openapi-fetch works with (upstreamMessages.ts): what
 * they hold, NeonPanel's GET-body rule, and the WHATWG behaviour our callers rely on.
 */
import { UpstreamRequest, UpstreamResponse } from '../../src/neonpanel/upstreamMessages.js';

describe('UpstreamRequest', () => {
  it('moves a GET JSON body into the query string and drops the body headers', () => {
    const request = new UpstreamRequest('http://api.test/x?a=1', {
      method: 'get', body: JSON.stringify({ asin: 'B0X', id: 5, tags: ['p', 'q'], where: { a: 1 }, skip: null }),
      headers: { 'Content-Type': 'application/json', 'X-Other': 'y' },
    });
    const url = new URL(request.url);
    expect(request.method).toBe('GET');
    expect(url.searchParams.getAll('a')).toEqual(['1']);
    expect(url.searchParams.get('asin')).toBe('B0X');
    expect(url.searchParams.get('id')).toBe('5');
    expect(url.searchParams.getAll('tags')).toEqual(['p', 'q']);
    expect(url.searchParams.get('where')).toBe('{"a":1}');
    expect(url.searchParams.has('skip')).toBe(false);
    expect(request.headers.get('content-type')).toBeNull();
    expect(request.headers.get('x-other')).toBe('y');
    expect(request.body).toBeUndefined();
  });

  it('leaves other methods, and GET bodies that are not JSON objects, alone', () => {
    const post = new UpstreamRequest('http://api.test/x', { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' } });
    expect(post.url).toBe('http://api.test/x');
    expect(post.body).toBe('{"a":1}');
    expect(post.headers.get('content-type')).toBe('application/json');
    for (const body of ['[1,2]', 'not json', '"text"']) {
      const get = new UpstreamRequest('http://api.test/x', { method: 'GET', body });
      expect(get.url).toBe('http://api.test/x');
      expect(get.body).toBe(body);
    }
  });

  it('keeps the Headers openapi-fetch built, the signal, and byte bodies', () => {
    const headers = new Headers({ 'x-a': '1' });
    const signal = new AbortController().signal;
    const request = new UpstreamRequest(new URL('http://api.test/y'), { method: 'PUT', headers, signal, body: new Uint8Array([1, 2]).buffer });
    expect(request.headers).toBe(headers);
    expect(request.signal).toBe(signal);
    expect(request.url).toBe('http://api.test/y');
    expect(request.body).toEqual(new Uint8Array([1, 2]));
  });

  it('refuses bodies NeonPanel\'s contract never sends, rather than dropping them', () => {
    expect(() => new UpstreamRequest('http://api.test/z', { method: 'POST', body: new FormData() })).toThrow(TypeError);
  });
});

describe('UpstreamResponse', () => {
  const bytes = (text: string) => new TextEncoder().encode(text);

  it('reads a JSON body once, as fetch does', async () => {
    const response = new UpstreamResponse(200, new Headers({ 'content-type': 'application/json' }), bytes('{"ok":"ü"}'));
    expect(response.ok).toBe(true);
    expect(response.bodyUsed).toBe(false);
    const copy = response.clone();
    expect(await response.json()).toEqual({ ok: 'ü' });
    expect(response.bodyUsed).toBe(true);
    await expect(response.text()).rejects.toThrow(TypeError);
    expect(() => response.clone()).toThrow(TypeError);
    expect(await copy.text()).toBe('{"ok":"ü"}');
  });

  it('reads a payload that is a view into a larger buffer without its neighbours', async () => {
    const whole = bytes('xx{"a":1}yy');
    const view = whole.subarray(2, 9);
    expect(await new UpstreamResponse(200, new Headers(), view).text()).toBe('{"a":1}');
    expect(new Uint8Array(await new UpstreamResponse(200, new Headers(), view).arrayBuffer())).toEqual(bytes('{"a":1}'));
    const blob = await new UpstreamResponse(200, new Headers({ 'content-type': 'application/json' }), view).blob();
    expect(blob.type).toBe('application/json');
    expect(await blob.text()).toBe('{"a":1}');
  });

  it('gives a stream only when asked, and none for a bodiless answer', async () => {
    const streamed = new UpstreamResponse(200, new Headers(), bytes('abc')).body;
    expect(await new Response(streamed).text()).toBe('abc');
    const empty = new UpstreamResponse(204, new Headers(), undefined);
    expect(empty.body).toBeNull();
    expect(await empty.text()).toBe('');
  });

  it('is not ok outside 2xx', () => {
    expect(new UpstreamResponse(299, new Headers(), undefined).ok).toBe(true);
    expect(new UpstreamResponse(300, new Headers(), undefined).ok).toBe(false);
    expect(new UpstreamResponse(199, new Headers(), undefined).ok).toBe(false);
  });
});
