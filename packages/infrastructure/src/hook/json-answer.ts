/**
 * An OAuth server's JSON answer, read for the release hook (the gateway's token endpoint) and
 * the operator commands (NeonPanel's discovery and registration): the object, or an error that
 * names what answered, its status and its RFC 6749 `error` code, never the URL or the body,
 * which may carry tokens or internal detail.
 */
export async function jsonAnswer(response: Response, what: string, fail: (message: string) => Error): Promise<Record<string, unknown>> {
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  const record = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
  if (!response.ok) {
    const code = typeof record?.['error'] === 'string' && /^[\w.-]{1,64}$/.test(record['error']) ? ` (${record['error']})` : '';
    throw fail(`${what} answered ${String(response.status)}${code}`);
  }
  if (!record) throw fail(`${what} did not answer a JSON object`);
  return record;
}
