/** TRUST_PROXY as Express and proxy-addr read it. */
import proxyaddr from 'proxy-addr';

/** What Express and proxy-addr accept: caught at start-up, so a typo stops it with one line naming the variable. */
export function trustProxyReadable(raw: string): boolean {
  if (/^(?:true|false|\d+)?$/.test(raw)) return true;
  try {
    proxyaddr.compile(raw.split(',').map((entry) => entry.trim()));
    return true;
  } catch {
    return false;
  }
}

export function parseTrustProxy(raw: string): boolean | number | string {
  if (raw === 'true') return true;
  if (raw === 'false' || raw === '') return false;
  if (/^\d+$/.test(raw)) return Number(raw);
  return raw; // express accepts 'loopback', CIDR lists and so on
}
