/**
 * The SDK Protocol's request entry point, `_onrequest`: where its transport hook sends a message
 * once three zod parses have told it the message is a request. Both eras' servers are handed
 * messages already classified as requests (`jsonrpc.ts`, `eras.ts`), so they call the entry
 * directly. The method is private in both SDKs' types; their versions are pinned exactly, and a
 * server refuses to start without it.
 */
export function sdkRequestEntry<Request, Extra>(server: object, sdk: string): (request: Request, extra: Extra) => void {
  const entry = (server as { _onrequest?: unknown })._onrequest;
  if (typeof entry !== 'function') throw new Error(`${sdk} no longer has Protocol._onrequest; see src/mcp/sdkRequestEntry.ts`);
  return entry.bind(server) as (request: Request, extra: Extra) => void;
}
