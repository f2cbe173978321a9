/**
 * The consent page's CSRF cookie. On https it is a `__Host-` cookie (Secure, Path=/, no
 * Domain: only this exact origin can set or read it), HttpOnly and SameSite=Lax. On plain
 * http (local development only) browsers refuse Secure and `__Host-` cookies, so the name
 * drops the prefix and the flag.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export function consentCookieName(secure: boolean): string {
  return secure ? '__Host-neonpanel-mcp-consent' : 'neonpanel-mcp-consent';
}

export function consentCookieHeader(secure: boolean, value: string, maxAgeSeconds: number): string {
  return [
    `${consentCookieName(secure)}=${value}`,
    'Path=/',
    `Max-Age=${maxAgeSeconds}`,
    'HttpOnly',
    'SameSite=Lax',
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}

export function readCookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export const newCookieValue = (): string => randomBytes(32).toString('base64url');

/** The form's token: the cookie's value bound to one interaction, so neither works alone or elsewhere. */
export function csrfToken(secret: Buffer, cookieValue: string, uid: string): string {
  return createHmac('sha256', secret).update(`${uid}\n${cookieValue}`).digest('base64url');
}

export function csrfValid(secret: Buffer, cookieValue: string | undefined, uid: string, submitted: unknown): boolean {
  if (!cookieValue || typeof submitted !== 'string') return false;
  const expected = Buffer.from(csrfToken(secret, cookieValue, uid));
  const given = Buffer.from(submitted);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
