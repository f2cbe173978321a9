/**
 * What an MCP client application keeps between OAuth steps, held in memory: the SDK's
 * `OAuthClientProvider` contract. The SDK decides every step (discovery, registration,
 * authorize, exchange, refresh); this class only stores what it is handed and, when the SDK
 * says "send the user to this URL", passes the URL to `onRedirect`, which plays the user.
 */
import { randomBytes } from 'node:crypto';
import type { OAuthClientProvider, OAuthDiscoveryState } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';

export interface MemoryOAuthProviderOptions {
  /** The client's registered redirect URI. */
  redirectUrl: string;
  /** `client_name` at registration. Default `NeonPanel e2e client`. */
  clientName?: string;
  /**
   * Plays the user at the authorization URL and resolves to the `code` of the redirect back.
   * Its state is checked against the one this provider generated.
   */
  onRedirect: (authorizationUrl: URL) => Promise<{ code?: string; state?: string; iss?: string; error?: string }>;
}

export class MemoryOAuthProvider implements OAuthClientProvider {
  private client: OAuthClientInformationMixed | undefined;
  private stored: OAuthTokens | undefined;
  private verifier: string | undefined;
  private expectedState: string | undefined;
  /** Every authorization URL the SDK sent the user to, oldest first. */
  readonly authorizationUrls: URL[] = [];
  /** The code of the last redirect back, for `transport.finishAuth`. */
  authorizationCode: string | undefined;
  /** The RFC 9207 `iss` of the last redirect back, which the v2 client checks in `finishAuth`. */
  authorizationIssuer: string | undefined;
  /** How many times the SDK saved tokens (code exchange and each refresh). */
  tokenSaves = 0;

  constructor(private readonly options: MemoryOAuthProviderOptions) {}

  get redirectUrl(): string {
    return this.options.redirectUrl;
  }

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: this.options.clientName ?? 'NeonPanel e2e client',
      redirect_uris: [this.options.redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }

  state(): string {
    this.expectedState = randomBytes(16).toString('base64url');
    return this.expectedState;
  }

  clientInformation(): OAuthClientInformationMixed | undefined {
    return this.client;
  }

  saveClientInformation(info: OAuthClientInformationMixed): void {
    this.client = info;
  }

  tokens(): OAuthTokens | undefined {
    return this.stored;
  }

  saveTokens(tokens: OAuthTokens): void {
    // Kept unchanged: the SDK stamps the issuer on them and checks it on the next use.
    this.stored = tokens;
    this.tokenSaves++;
  }

  async redirectToAuthorization(authorizationUrl: URL): Promise<void> {
    this.authorizationUrls.push(authorizationUrl);
    const answer = await this.options.onRedirect(authorizationUrl);
    if (answer.error) throw new Error(`The authorization server answered ${answer.error}.`);
    if (!answer.code) throw new Error('The redirect back to the client carried no code.');
    if (answer.state !== this.expectedState) throw new Error('The redirect back to the client carried the wrong state.');
    this.authorizationCode = answer.code;
    this.authorizationIssuer = answer.iss;
  }

  saveCodeVerifier(codeVerifier: string): void {
    this.verifier = codeVerifier;
  }

  codeVerifier(): string {
    if (this.verifier === undefined) throw new Error('No PKCE code verifier was saved.');
    return this.verifier;
  }

  private discovery: OAuthDiscoveryState | undefined;

  /** The discovery the SDK made before the redirect, checked on the way back. */
  saveDiscoveryState(state: OAuthDiscoveryState): void {
    this.discovery = state;
  }

  discoveryState(): OAuthDiscoveryState | undefined {
    return this.discovery;
  }

  /** Replaces the stored tokens (e.g. to plant one for another resource). */
  setTokens(tokens: OAuthTokens | undefined): void {
    this.stored = tokens;
  }
}
