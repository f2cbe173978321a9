/**
 * The broker's deployment facts (issue 25), free of constructs so the stack and the operator
 * commands (src/ops/broker-*.ts) share them: where NeonPanel sends a user back after sign-in,
 * and the one Secrets Manager secret holding the broker's four secret settings.
 */

/** The callback path the server's broker serves (packages/server/src/auth/broker). */
export const NEONPANEL_CALLBACK_PATH = '/oauth/neonpanel/callback';

/** The URL to register at NeonPanel as the gateway's redirect URI: exactly this. */
export function neonpanelCallbackUrl(domainName: string): string {
  return `https://${domainName}${NEONPANEL_CALLBACK_PATH}`;
}

/**
 * The broker secret's JSON keys, each injected by ECS as the variable of the same name:
 * the confidential NeonPanel client, the vault key(s) `<kid>:<base64url 32 bytes>[,…]`, and the
 * private signing JWKS.
 */
export const BROKER_SECRET_KEYS = ['NEONPANEL_CLIENT_ID', 'NEONPANEL_CLIENT_SECRET', 'BROKER_VAULT_KEY', 'BROKER_SIGNING_KEYS'] as const;
export type BrokerSecretKey = (typeof BROKER_SECRET_KEYS)[number];

/**
 * The secret lives outside the stack, under a name derived from it: it must be filled (NeonPanel
 * registration, generated keys) before the first task starts, and survive the stack's destroy.
 */
export function defaultBrokerSecretName(stackName: string): string {
  return `neonpanel-mcp/${stackName}/broker`;
}
