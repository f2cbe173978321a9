/**
 * Tools about the signed-in account itself. They make no upstream call.
 */
import { z } from 'zod';
import type { ToolDefinition } from './types.js';
import { structuredResult } from './result.js';

const whoamiOutput = z.object({
  subject: z.string().describe('The user this token belongs to (token `sub`).'),
  clientId: z.string().describe('The OAuth client the user signed in with.'),
  scopes: z.array(z.string()).describe('Scopes granted to this token.'),
  expiresAt: z.string().optional().describe('When the access token expires (ISO 8601).'),
});

export const whoami: ToolDefinition<z.ZodObject<{}>, typeof whoamiOutput> = {
  name: 'neonpanel_whoami',
  title: 'Who am I signed in as',
  description:
    'Use when the user asks which NeonPanel account is connected, or when a tool reports missing permissions. ' +
    'Returns the signed-in user id, the client, the granted scopes and when the sign-in expires. Makes no NeonPanel API call.',
  scope: undefined,
  toolset: 'account',
  operations: [],
  input: z.object({}),
  output: whoamiOutput,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(_args, context) {
    const { auth } = context;
    return structuredResult({
      subject: context.subject,
      clientId: auth.clientId,
      scopes: auth.scopes,
      ...(auth.expiresAt !== undefined ? { expiresAt: new Date(auth.expiresAt * 1000).toISOString() } : {}),
    });
  },
};

export const accountTools = [whoami];
