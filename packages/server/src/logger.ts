/**
 * Structured JSON logs with pino. Credentials are redacted at the logger, so a careless
 * `log.info({ req })` elsewhere still cannot write a token.
 */
import { pino, type Logger } from 'pino';

export type { Logger };

export const REDACT_PATHS = [
  'authorization',
  'token',
  'access_token',
  'refresh_token',
  'client_secret',
  '*.authorization',
  '*.Authorization',
  '*.token',
  '*.access_token',
  '*.refresh_token',
  '*.client_secret',
  'headers.authorization',
  'req.headers.authorization',
  'auth.token',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'neonpanel-mcp' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
