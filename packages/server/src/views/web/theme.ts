/**
 * Following the host's look: the same effect as ext-apps `applyDocumentTheme` (the theme on
 * `<html data-theme>` and `color-scheme`) and `applyHostStyleVariables` (the host's CSS
 * variables on `<html>`), by hand for the reason bridge.ts gives. Host fonts are not applied:
 * they may name web fonts, and a view loads nothing.
 */
import type { HostContext } from './bridge.js';

export function applyDocumentTheme(theme: 'light' | 'dark'): void {
  const root = document.documentElement;
  root.setAttribute('data-theme', theme);
  root.style.colorScheme = theme;
}

export function applyHostStyleVariables(variables: Record<string, string | undefined>): void {
  const root = document.documentElement;
  for (const [name, value] of Object.entries(variables)) {
    if (name.startsWith('--') && value !== undefined) root.style.setProperty(name, value);
  }
}

/** Merges a (partial) host context into the page, as `host-context-changed` asks. */
export function followHost(context: HostContext): void {
  if (context.theme === 'light' || context.theme === 'dark') applyDocumentTheme(context.theme);
  if (context.styles?.variables) applyHostStyleVariables(context.styles.variables);
}
