import type { AuthInfo } from '../auth/types.js';
import { principalOf } from '../auth/types.js';
import type { NeonPanelClient, TraceParent } from '../neonpanel/types.js';
import type { ToolContext } from './types.js';
import type { ToolServices } from './services.js';

const noop = async () => {};

/** The context of one tool call; transports that cannot carry progress or logs leave them out. */
export function createToolContext(input: {
  auth: AuthInfo;
  requestId: string;
  signal: AbortSignal;
  neonpanel: NeonPanelClient;
  services: ToolServices;
  /** The trace context the tool span starts under (telemetry on): `_meta`'s, else the HTTP request's. */
  trace?: TraceParent | undefined;
  progress?: ToolContext['progress'];
  log?: ToolContext['log'];
}): ToolContext {
  const { auth, requestId, signal, neonpanel } = input;
  return {
    auth,
    subject: principalOf(auth).subject,
    requestId,
    signal,
    trace: input.trace,
    neonpanel() {
      return neonpanel.forCaller({ auth, requestId, signal, trace: this.trace, subject: this.subject, admit: this.upstreamAdmission });
    },
    services: input.services,
    progress: input.progress ?? noop,
    log: input.log ?? noop,
  };
}
