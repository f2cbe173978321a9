/**
 * What every view does the same way: connect to the host, follow its theme, keep the tool's
 * arguments and result, and render into `#app` whenever either changes. A view supplies only
 * its `render`.
 */
import { HostBridge, type HostContext, type Json, type ToolResult } from './bridge.js';
import { followHost } from './theme.js';
import { h, setLocale, textOf } from './dom.js';

export interface ViewState {
  /** The arguments the tool was called with (`tool-input`). */
  input: Json;
  /** The tool's result (`tool-result`), once it came. */
  result: ToolResult | undefined;
  bridge: HostBridge;
  /** Re-renders with the state as it is now. */
  refresh(): void;
}

export function startView(name: string, render: (root: HTMLElement, state: ViewState) => void): void {
  const root = document.getElementById('app')!;
  const state: ViewState = {
    input: {},
    result: undefined,
    bridge: new HostBridge({
      toolInput(args) {
        state.input = args;
      },
      toolResult(result) {
        state.result = result;
        state.refresh();
      },
      hostContext(context: HostContext) {
        followHost(context);
      },
    }),
    refresh() {
      root.replaceChildren();
      if (!state.result) root.append(h('p', { class: 'muted', 'data-state': 'waiting' }, 'Waiting for data…'));
      else if (state.result.isError || !state.result.structuredContent) root.append(h('p', { class: 'error', role: 'alert' }, textOf(state.result) || 'The tool returned no data.'));
      else render(root, state);
    },
  };
  state.refresh();
  state.bridge.connect(name, '1.0.0').then((context) => {
    setLocale(typeof context.locale === 'string' ? context.locale : undefined);
    followHost(context);
    document.documentElement.setAttribute('data-connected', '');
  }, (error: Error) => {
    root.replaceChildren(h('p', { class: 'error', role: 'alert' }, `Could not connect to the host: ${error.message}`));
  });
}

/** Calls an app-only tool through the host and shows its failure in place of a silent no-op. */
export async function callFromView(state: ViewState, name: string, args: Json): Promise<Json | undefined> {
  const result = await state.bridge.callTool(name, args).catch((error: Error) => ({ isError: true, content: [{ type: 'text', text: error.message }] }) as ToolResult);
  if (result.isError || !result.structuredContent) {
    document.getElementById('app')!.append(h('p', { class: 'error', role: 'alert' }, textOf(result) || `${name} returned no data.`));
    return undefined;
  }
  return result.structuredContent;
}
