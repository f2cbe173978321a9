/**
 * Request/response over the Node IPC channel between the bench and its children. Both
 * sides are ours, so a tiny envelope is enough: `{ rpc, method, params }` answered by
 * `{ rpc, ok, result | error }`.
 */

export interface RpcRequest {
  rpc: number;
  method: string;
  params?: unknown;
}

export interface RpcReply {
  rpc: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

export type RpcHandlers = Record<string, (params: unknown) => unknown>;

const isRequest = (m: unknown): m is RpcRequest =>
  typeof m === 'object' && m !== null && typeof (m as RpcRequest).rpc === 'number' && typeof (m as RpcRequest).method === 'string';

/**
 * Child side: answers the parent's calls. The child also exits when the parent goes away,
 * so a bench killed with SIGKILL leaves no server behind.
 */
export function serveRpc(handlers: RpcHandlers): void {
  const send = process.send?.bind(process);
  if (!send) return;
  process.on('message', (message: unknown) => {
    if (!isRequest(message)) return;
    const handler = handlers[message.method];
    const reply = (r: Omit<RpcReply, 'rpc'>): void => {
      if (process.connected) send({ rpc: message.rpc, ...r });
    };
    if (!handler) {
      reply({ ok: false, error: `unknown method ${message.method}` });
      return;
    }
    Promise.resolve()
      .then(() => handler(message.params))
      .then((result) => reply({ ok: true, result }), (error: unknown) => reply({ ok: false, error: error instanceof Error ? error.stack ?? error.message : String(error) }));
  });
  process.on('disconnect', () => process.exit(0));
}
