/** Which browser origins and Host headers the MCP endpoints accept by default (ALLOWED_ORIGINS, ALLOWED_HOSTS). */

/** Origins of the MCP clients people actually use; the operator can replace the list. */
const DEFAULT_CLIENT_ORIGINS = [
  'https://chatgpt.com',
  'https://chat.openai.com',
  'https://claude.ai',
  'https://claude.com',
];
const DEV_ORIGINS = ['http://localhost:*', 'http://127.0.0.1:*', 'http://[::1]:*'];

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** This server's own origin, the known MCP clients', and outside production any loopback port. */
export function defaultAllowedOrigins(publicBaseUrl: string, production: boolean): string[] {
  return [new URL(publicBaseUrl).origin, ...DEFAULT_CLIENT_ORIGINS, ...(production ? [] : DEV_ORIGINS)];
}

/**
 * Bound to loopback: only loopback names and the public host, with and without the port
 * (DNS rebinding). Bound elsewhere: any host (empty list), the load balancer decides.
 */
export function defaultAllowedHosts(host: string, port: number, publicBaseUrl: string): string[] {
  if (!LOOPBACK_HOSTS.has(host)) return [];
  return ['localhost', '127.0.0.1', '[::1]', new URL(publicBaseUrl).hostname].flatMap((h) => [h, `${h}:${port}`]);
}
