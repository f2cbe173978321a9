/**
 * A small MCP Apps host for render tests: a page in Debian's Chromium that embeds a view in
 * a sandboxed iframe (`sandbox="allow-scripts"`, under the spec's default CSP) and speaks
 * `ui/*` to it through the ext-apps `AppBridge` (the SDK's host side), relaying the view's
 * `tools/call` to the real server through a test MCP client. Every network request the page
 * or the view tries is recorded and refused, and so is every CSP refusal Chromium reports.
 */
import { build } from 'esbuild';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Frame, Page } from 'playwright-core';

/** The spec's restrictive default (MCP Apps 2026-01-26, "Host Behavior"). */
export const SPEC_DEFAULT_CSP = "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; media-src 'self' data:; connect-src 'none';";

export const THEMES = {
  light: { theme: 'light', variables: { '--color-background-primary': 'rgb(250, 250, 247)', '--color-text-primary': 'rgb(20, 22, 28)' } },
  dark: { theme: 'dark', variables: { '--color-background-primary': 'rgb(16, 17, 21)', '--color-text-primary': 'rgb(236, 238, 242)' } },
} as const;
export type ThemeName = keyof typeof THEMES;

// The host side, bundled for the page: the SDK's AppBridge and its postMessage transport.
const HOST_SCRIPT = `
import { AppBridge, PostMessageTransport } from '@modelcontextprotocol/ext-apps/app-bridge';
window.startHost = async ({ html, theme, variables, width, appTools }) => {
  const calls = [];
  const sizes = [];
  const iframe = document.createElement('iframe');
  iframe.setAttribute('sandbox', 'allow-scripts');
  iframe.style.cssText = 'display:block;border:0;width:' + width + 'px;height:40px';
  iframe.srcdoc = html;
  document.body.append(iframe);
  const bridge = new AppBridge(null, { name: 'neonpanel-harness', version: '1.0.0' }, { serverTools: {} },
    { hostContext: { theme, styles: { variables }, locale: 'en-US', platform: 'web', displayMode: 'inline' } });
  let initialized;
  const ready = new Promise((resolve) => { initialized = resolve; });
  bridge.oninitialized = () => initialized();
  bridge.onsizechange = ({ width, height }) => {
    sizes.push({ width, height });
    if (height) iframe.style.height = height + 'px';
  };
  bridge.oncalltool = async (params) => {
    calls.push(params);
    // A host keeps a view to the tools whose visibility includes "app".
    if (!appTools.includes(params.name)) throw new Error(params.name + ' is not callable from a view');
    return window.hostCallTool(params);
  };
  await bridge.connect(new PostMessageTransport(iframe.contentWindow, iframe.contentWindow));
  window.host = { bridge, calls, sizes, ready };
};
`;

// The page's window, inside page.evaluate callbacks (they run in the browser, not in Node).
declare const window: any;


let hostBundle: Promise<string> | undefined;
function hostPage(): Promise<string> {
  hostBundle ??= build({
    stdin: { contents: HOST_SCRIPT, resolveDir: dirname(fileURLToPath(import.meta.url)), loader: 'js' },
    bundle: true, format: 'iife', platform: 'browser', write: false, logLevel: 'silent',
  }).then((r) => `<!doctype html><html><head><meta charset="utf-8"></head><body style="margin:0;background:#888">` +
    `<script>${r.outputFiles[0]!.text.replace(/<\/script/gi, '<\\/script')}</script></body></html>`);
  return hostBundle;
}

export interface HostedView {
  page: Page;
  /** The view's own frame. */
  view: Frame;
  /** Requests the page or the view tried (all refused), and CSP refusals Chromium logged. */
  network: string[];
  toolInput(args: Record<string, unknown>): Promise<void>;
  toolResult(result: Record<string, unknown>): Promise<void>;
  hostContext(context: Record<string, unknown>): Promise<void>;
  /** The `tools/call`s the view sent through the bridge. */
  calls(): Promise<Array<{ name: string; arguments: Record<string, unknown> }>>;
  sizes(): Promise<Array<{ width?: number; height?: number }>>;
  close(): Promise<void>;
}

export interface HostOptions {
  html: string;
  theme: ThemeName;
  width?: number;
  /** Tools the view may call (visibility includes "app"). */
  appTools: readonly string[];
  callTool(params: { name: string; arguments?: Record<string, unknown> }): Promise<unknown>;
}

export async function hostView(browser: Browser, options: HostOptions): Promise<HostedView> {
  const context = await browser.newContext({ viewport: { width: (options.width ?? 640) + 40, height: 900 } });
  const network: string[] = [];
  await context.route('**/*', async (route) => {
    network.push(route.request().url());
    await route.abort();
  });
  const page = await context.newPage();
  page.on('console', (message) => {
    if (/Refused to|Content Security Policy/i.test(message.text())) network.push(`csp: ${message.text()}`);
  });
  await page.exposeFunction('hostCallTool', options.callTool);
  await page.setContent(await hostPage());
  const html = options.html.replace('<head>', `<head><meta http-equiv="Content-Security-Policy" content="${SPEC_DEFAULT_CSP}">`);
  const { theme, variables } = THEMES[options.theme];
  await page.evaluate((args) => (window as unknown as { startHost(a: unknown): Promise<void> }).startHost(args),
    { html, theme, variables, width: options.width ?? 640, appTools: [...options.appTools] });
  await page.evaluate(() => (window as unknown as { host: { ready: Promise<void> } }).host.ready);
  const view = page.frames().find((f) => f !== page.mainFrame())!;
  await view.waitForSelector('html[data-connected]');
  const host = <T>(fn: string, arg?: unknown) => page.evaluate(([f, a]) => {
    const h = (window as unknown as { host: Record<string, any> }).host;
    return f === 'calls' || f === 'sizes' ? h[f as string] : h['bridge'][f as string](a);
  }, [fn, arg] as const) as Promise<T>;
  return {
    page,
    view,
    network,
    toolInput: (args) => host('sendToolInput', { arguments: args }),
    toolResult: (result) => host('sendToolResult', result),
    hostContext: (ctx) => host('sendHostContextChange', ctx),
    calls: () => host('calls'),
    sizes: () => host('sizes'),
    close: () => context.close(),
  };
}
