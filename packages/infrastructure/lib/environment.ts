/**
 * The container's environment, as the server reads it (packages/server/src/config.ts).
 * One function so the stack and the smoke test give the process the same variables.
 */
import { BROKER_SECRET_KEYS } from './broker.js';
import { COLLECTOR_OTLP_HTTP_PORT, CONTAINER_PORT, type GatewayConfig } from './config.js';

/** Secrets are not here: they reach the container through ECS `secrets` (see `containerSecretNames`). */
export function containerEnvironment(config: GatewayConfig): Record<string, string> {
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    PORT: String(CONTAINER_PORT),
    PUBLIC_BASE_URL: `https://${config.domainName}`,
    NEONPANEL_API_BASE: config.neonpanelApiBase,
    OAUTH_ISSUER: config.oauthIssuer,
    OAUTH_PROFILE: config.oauthProfile,
    AUTH_MODE: config.authMode,
    // One proxy hop: the ALB. Express then takes the client address and scheme from X-Forwarded-*.
    TRUST_PROXY: '1',
    SHUTDOWN_DRAIN_MS: String(config.drainSeconds * 1000),
    // The server keeps idle sockets open longer than the ALB does, so the ALB always closes first.
    ALB_IDLE_TIMEOUT_SECONDS: String(config.albIdleTimeoutSeconds),
    LOG_LEVEL: config.logLevel,
    MCP_SESSION_MODE: config.sessionMode,
  };
  if (config.oauthJwksUri) env['OAUTH_JWKS_URI'] = config.oauthJwksUri;
  if (config.oauthAudience.length > 0) env['OAUTH_AUDIENCE'] = config.oauthAudience.join(',');
  if (config.oauthScopes.length > 0) env['OAUTH_SCOPES'] = config.oauthScopes.join(' ');
  if (config.oauthIntrospectionUrl) env['OAUTH_INTROSPECTION_URL'] = config.oauthIntrospectionUrl;
  if (config.oauthClientId) env['OAUTH_CLIENT_ID'] = config.oauthClientId;
  // Only when they differ from the server's own defaults, so a default stack's environment is unchanged.
  if (config.toolsets.join(',') !== 'default') env['MCP_TOOLSETS'] = config.toolsets.join(',');
  if (config.readOnly) env['MCP_READ_ONLY'] = 'true';
  // The ADOT collector sidecar listens on the task's loopback (awsvpc: containers share it).
  if (config.telemetry) {
    env['TELEMETRY'] = 'otlp';
    env['OTLP_ENDPOINT'] = `http://127.0.0.1:${String(COLLECTOR_OTLP_HTTP_PORT)}`;
  }
  return { ...config.extraEnvironment, ...env };
}

/** Variables ECS injects from Secrets Manager, by name (the shared store's password aside). */
export function containerSecretNames(config: GatewayConfig): string[] {
  return [
    ...(config.oauthClientSecretArn ? ['OAUTH_CLIENT_SECRET'] : []),
    ...(config.authMode === 'broker' ? BROKER_SECRET_KEYS : []),
  ];
}
