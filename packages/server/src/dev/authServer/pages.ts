/**
 * The HTML of the development sign-in, consent and error pages.
 *
 * Plain server-rendered forms, no script: a test can submit them over HTTP and a browser
 * test can fill them by their stable `id`/`name` attributes:
 *
 * - sign-in:  form#login-form   → input#login[name=login], input#password[name=password], button#sign-in
 * - consent:  form#consent-form → button#approve[name=decision][value=approve], button#deny[value=deny]
 *
 * Every interpolated value goes through `escapeHtml`.
 */
import { escapeHtml } from './html.js';
import { describeScope } from './scopes.js';

const STYLE = `
  body { font-family: system-ui, sans-serif; margin: 0; background: #f4f5f7; color: #1d2330; }
  main { max-width: 28rem; margin: 3rem auto; background: #fff; padding: 1.5rem 2rem; border-radius: 8px;
         box-shadow: 0 1px 3px rgba(0,0,0,.15); }
  h1 { font-size: 1.4rem; margin-top: 0; }
  label { display: block; font-weight: 600; margin: 1rem 0 .25rem; }
  input { width: 100%; box-sizing: border-box; padding: .5rem; font-size: 1rem; border: 1px solid #9aa3b2; border-radius: 4px; }
  button { margin-top: 1.25rem; padding: .6rem 1.2rem; font-size: 1rem; border-radius: 4px; border: 1px solid #1f5eff;
           background: #1f5eff; color: #fff; cursor: pointer; }
  button.secondary { background: #fff; color: #1f5eff; }
  .error { color: #a40000; background: #fdecec; padding: .5rem .75rem; border-radius: 4px; }
  .note { color: #4a5263; font-size: .9rem; }
  code { background: #eef0f4; padding: 0 .25rem; border-radius: 3px; }
  li { margin: .35rem 0; }
`;

function layout(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)} · NeonPanel (development)</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>`;
}

export interface LoginPageInput {
  /** The form posts here. */
  action: string;
  /** Where the Cancel form posts. */
  abortAction: string;
  clientName: string;
  /** Pre-fills the username after a failed attempt. */
  login?: string;
  error?: string;
  /** Shown as a hint: this is a development server with published demo credentials. */
  demoUsers: ReadonlyArray<{ login: string; password: string; name: string }>;
}

export function renderLoginPage(input: LoginPageInput): string {
  const error = input.error ? `<p class="error" role="alert" id="error">${escapeHtml(input.error)}</p>` : '';
  const hint = input.demoUsers
    .map((u) => `<li><code>${escapeHtml(u.login)}</code> / <code>${escapeHtml(u.password)}</code> (${escapeHtml(u.name)})</li>`)
    .join('');
  return layout('Sign in', `<h1>Sign in to NeonPanel</h1>
<p><strong id="client-name">${escapeHtml(input.clientName)}</strong> wants to connect to your NeonPanel account.</p>
${error}
<form id="login-form" method="post" action="${escapeHtml(input.action)}">
<label for="login">Username</label>
<input id="login" name="login" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required autofocus value="${escapeHtml(input.login ?? '')}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit" id="sign-in">Sign in</button>
</form>
<form id="abort-form" method="post" action="${escapeHtml(input.abortAction)}">
<button type="submit" id="cancel" class="secondary">Cancel</button>
</form>
<p class="note">Development authorization server. Demo users:</p>
<ul class="note">${hint}</ul>`);
}

export interface ConsentPageInput {
  action: string;
  clientName: string;
  userName: string;
  login: string;
  /** The resource servers (MCP endpoints) the token will be for. */
  resources: readonly string[];
  /** Scopes that will be granted if the user approves. */
  granted: readonly string[];
  /** Requested scopes this user may not grant; they are left out of the token. */
  unavailable: readonly string[];
}

function scopeList(id: string, scopes: readonly string[]): string {
  const items = scopes
    .map((s) => `<li><code>${escapeHtml(s)}</code>: ${escapeHtml(describeScope(s))}</li>`)
    .join('\n');
  return `<ul id="${id}">\n${items}\n</ul>`;
}

export function renderConsentPage(input: ConsentPageInput): string {
  const resources = input.resources.map((r) => `<code>${escapeHtml(r)}</code>`).join(', ');
  const unavailable = input.unavailable.length
    ? `<p>Requested, but not available to your account (they will not be granted):</p>\n${scopeList('unavailable-scopes', input.unavailable)}`
    : '';
  return layout('Authorize', `<h1>Authorize ${escapeHtml(input.clientName)}</h1>
<p>Signed in as <strong id="user-name">${escapeHtml(input.userName)}</strong> (<code>${escapeHtml(input.login)}</code>).</p>
<p><strong>${escapeHtml(input.clientName)}</strong> asks for access to ${resources || 'this server'}:</p>
${scopeList('requested-scopes', input.granted)}
${unavailable}
<form id="consent-form" method="post" action="${escapeHtml(input.action)}">
<button type="submit" id="approve" name="decision" value="approve">Approve</button>
<button type="submit" id="deny" name="decision" value="deny" class="secondary">Deny</button>
</form>`);
}

export function renderMessagePage(title: string, message: string): string {
  return layout(title, `<h1>${escapeHtml(title)}</h1>\n<p id="message">${escapeHtml(message)}</p>`);
}
