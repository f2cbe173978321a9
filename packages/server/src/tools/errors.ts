/**
 * Failures a tool call can end with that are not a tool result: the transport turns these
 * into HTTP answers (401 so the client re-links the account, 403 so it can step up).
 */
export { InsufficientScopeError } from '../auth/errors.js';

/** NeonPanel refused the caller's token: the user must sign in again. */
export class UpstreamUnauthorizedError extends Error {
  constructor() {
    super('NeonPanel rejected the access token. Sign in again to re-link your NeonPanel account.');
    this.name = 'UpstreamUnauthorizedError';
  }
}

export class UnknownToolError extends Error {
  constructor(readonly toolName: string) {
    super(`Unknown tool: ${toolName}.`);
    this.name = 'UnknownToolError';
  }
}

/** The arguments name something that does not exist or is ambiguous: the model can fix the call. */
export class ToolInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ToolInputError';
  }
}
