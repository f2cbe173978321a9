/**
 * The broker's HTML: the consent page and the error page. Server-rendered forms, no script,
 * every value escaped. Stable ids, so a test can submit them over HTTP and a browser test
 * can click them: form#consent-form with input[name=csrf] and button#approve / button#deny
 * (name=decision). Sent with a CSP that forbids framing (`frame-ancestors 'none'`).
 */
import type { ServerResponse } from 'node:http';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** The five characters HTML gives meaning to; hand-written because that is all it is. */
export const escapeHtml = (value: unknown): string => String(value).replace(/[&<>"']/g, (c) => ENTITIES[c]!);

const STYLE = `body{font-family:system-ui,sans-serif;margin:0;background:#f4f5f7;color:#1d2330}
main{max-width:30rem;margin:3rem auto;background:#fff;padding:1.5rem 2rem;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.15)}
h1{font-size:1.4rem;margin-top:0}button{margin:1.25rem .5rem 0 0;padding:.6rem 1.2rem;font-size:1rem;border-radius:4px;border:1px solid #1f5eff;background:#1f5eff;color:#fff;cursor:pointer}
button.secondary{background:#fff;color:#1f5eff}code{background:#eef0f4;padding:0 .25rem;border-radius:3px}li{margin:.35rem 0}.note{color:#4a5263;font-size:.9rem}`;

function layout(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)} · NeonPanel MCP</title><style>${STYLE}</style></head>
<body><main>
${body}
</main></body></html>`;
}

export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  // No script, no framing (clickjacking of the Approve button). No form-action: browsers
  // apply it to the redirect chain, which ends at the client's own origin.
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

export function sendPage(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, PAGE_HEADERS);
  res.end(html);
}

export interface ConsentPageInput {
  action: string;
  csrf: string;
  clientName: string;
  /** The host the client's redirect URI sends the answer to. */
  redirectHost: string;
  /** True for a client identified by its metadata document URL (CIMD). */
  clientIdIsUrl: boolean;
  clientId: string;
  scopes: ReadonlyArray<{ scope: string; description: string }>;
}

export function renderConsentPage(input: ConsentPageInput): string {
  const scopes = input.scopes.map((s) => `<li><code>${escapeHtml(s.scope)}</code>: ${escapeHtml(s.description)}</li>`).join('\n');
  const identity = input.clientIdIsUrl ? `<p class="note">Client metadata: <code>${escapeHtml(input.clientId)}</code></p>` : '';
  return layout('Allow access', `<h1>Allow <span id="client-name">${escapeHtml(input.clientName)}</span> to use NeonPanel?</h1>
<p>After you sign in at NeonPanel, you will be sent back to <strong id="redirect-host">${escapeHtml(input.redirectHost)}</strong>.</p>
${identity}
<p>It asks to:</p>
<ul id="requested-scopes">
${scopes}
</ul>
<form id="consent-form" method="post" action="${escapeHtml(input.action)}">
<input type="hidden" name="csrf" value="${escapeHtml(input.csrf)}">
<button type="submit" id="approve" name="decision" value="approve">Continue to NeonPanel</button>
<button type="submit" id="deny" name="decision" value="deny" class="secondary">Deny</button>
</form>`);
}

export function renderMessagePage(title: string, message: string): string {
  return layout(title, `<h1>${escapeHtml(title)}</h1>\n<p id="message">${escapeHtml(message)}</p>`);
}

/** body-parser's errors (oversized or unreadable form) carry their 4xx status: that status, or undefined. */
export function formErrorStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}
