/**
 * The broker's pages between the MCP client and NeonPanel:
 *
 *   GET  /oauth/interaction/:uid           consent page (or, for a remembered consent, straight on)
 *   POST /oauth/interaction/:uid/consent   Approve / Deny, with the CSRF token
 *   GET  /oauth/neonpanel/callback         NeonPanel's redirect back (the registered URI);
 *                                          forwards to the interaction's own path, where the
 *                                          interaction cookie is sent
 *   GET  /oauth/interaction/:uid/callback  exchanges NeonPanel's code, verifies its ID token,
 *                                          makes the grant and completes the client's authorization
 *
 * The `state` sent to NeonPanel is created only after consent, lives 10 minutes, is bound
 * to the interaction (whose cookie is this browser's) and is taken once.
 */
import { createHash, randomBytes } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type Provider from 'oidc-provider';
import type { errors as OidcErrors, Interaction } from 'oidc-provider';
import type { BrokerStore } from '../../store/brokerStore.js';
import { describeScope, OIDC_SCOPES } from '../scopeDescriptions.js';
import { brokerKeys } from './keys.js';
import { consentCookieHeader, consentCookieName, csrfToken, csrfValid, newCookieValue, readCookie } from './consentCookie.js';
import { formErrorStatus, renderConsentPage, renderMessagePage, sendPage } from './pages.js';
import { INTERACTION_PATH } from './providerConfiguration.js';
import { NEONPANEL_CALLBACK_PATH, UpstreamGrantRejectedError, UpstreamLoginError, type NeonPanelLogin } from './neonpanelLogin.js';
import type { TokenVault } from './tokenVault.js';
import type { GrantRevoker } from './grants.js';

export const STATE_TTL_MS = 10 * 60_000;

export interface ConsentRoutesOptions {
  provider: Provider;
  errors: typeof OidcErrors;
  store: BrokerStore;
  vault: TokenVault;
  grants: GrantRevoker;
  login: NeonPanelLogin;
  toolScopes: readonly string[];
  defaultResource: string;
  /** True on https: cookies are `__Host-` and Secure. */
  secure: boolean;
  /** Keys the CSRF token (derived from the vault key, so every task agrees). */
  csrfSecret: Buffer;
  grantTtlMs: number;
  onError: (error: unknown) => void;
}

const EXPIRED = 'This sign-in request has expired or was started in another browser. Start again from your application.';
const asList = (value: unknown): string[] => (typeof value === 'string' ? value.split(' ').filter(Boolean) : []);

function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

export function consentRoutes(options: ConsentRoutesOptions): Router {
  const { provider, store, login } = options;
  const tools = new Set(options.toolScopes);
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '8kb' });
  const cookieName = consentCookieName(options.secure);

  const finish = (req: Request, res: Response, error: string, description: string) =>
    provider.interactionFinished(req, res, { error, error_description: description }, { mergeWithLastSubmission: false });

  /** The consent a NeonPanel user gave this client for this redirect URI, remembered. */
  const consentKey = (subject: string, details: Interaction) =>
    brokerKeys.consent(subject, String(details.params['client_id']), String(details.params['redirect_uri']));

  async function toNeonPanel(res: Response, details: Interaction): Promise<void> {
    const state = randomBytes(32).toString('base64url');
    const verifier = randomBytes(32).toString('base64url');
    const nonce = randomBytes(16).toString('base64url');
    await store.write(brokerKeys.upstreamState(state), { uid: details.uid, verifier, nonce }, STATE_TTL_MS);
    res.redirect(303, await login.authorizationUrl({ state, nonce, codeChallenge: s256(verifier) }));
  }

  router.get(`${INTERACTION_PATH}/:uid`, async (req, res, next) => {
    try {
      const details = await provider.interactionDetails(req, res);
      const accountId = details.session?.accountId;
      if (accountId && (await store.read(consentKey(accountId, details)))) {
        await toNeonPanel(res, details);
        return;
      }
      const clientId = String(details.params['client_id']);
      const client = await provider.Client.find(clientId);
      const cookieValue = readCookie(req, cookieName) ?? newCookieValue();
      res.appendHeader('set-cookie', consentCookieHeader(options.secure, cookieValue, STATE_TTL_MS / 1000));
      const requested = asList(details.params['scope']).filter((s) => tools.has(s));
      sendPage(res, 200, renderConsentPage({
        action: `${INTERACTION_PATH}/${encodeURIComponent(details.uid)}/consent`,
        csrf: csrfToken(options.csrfSecret, cookieValue, details.uid),
        clientName: client?.clientName ?? clientId,
        clientId,
        clientIdIsUrl: clientId.startsWith('https://'),
        redirectHost: new URL(String(details.params['redirect_uri'])).host,
        scopes: requested.map((scope) => ({ scope, description: describeScope(scope) })),
      }));
    } catch (error) {
      next(error);
    }
  });

  router.post(`${INTERACTION_PATH}/:uid/consent`, form, async (req, res, next) => {
    try {
      const details = await provider.interactionDetails(req, res);
      const body = (req.body ?? {}) as Record<string, unknown>;
      if (!csrfValid(options.csrfSecret, readCookie(req, cookieName), details.uid, body['csrf'])) {
        sendPage(res, 403, renderMessagePage('Request refused', 'This form was not submitted from the consent page. Start again from your application.'));
        return;
      }
      if (body['decision'] === 'deny') {
        await finish(req, res, 'access_denied', 'The user denied the request.');
        return;
      }
      if (body['decision'] !== 'approve') {
        sendPage(res, 400, renderMessagePage('Sign-in error', 'Choose Continue or Deny.'));
        return;
      }
      await toNeonPanel(res, details);
    } catch (error) {
      next(error);
    }
  });

  router.get(NEONPANEL_CALLBACK_PATH, async (req, res, next) => {
    try {
      const state = typeof req.query['state'] === 'string' ? req.query['state'] : '';
      const pending = state ? await store.read(brokerKeys.upstreamState(state)) : undefined;
      if (!pending?.['uid']) {
        sendPage(res, 400, renderMessagePage('Sign-in refused', 'This NeonPanel answer does not belong to a sign-in in progress. Start again from your application.'));
        return;
      }
      const query = new URL(req.originalUrl, 'http://callback').search;
      res.redirect(303, `${INTERACTION_PATH}/${encodeURIComponent(pending['uid'])}/callback${query}`);
    } catch (error) {
      next(error);
    }
  });

  router.get(`${INTERACTION_PATH}/:uid/callback`, async (req, res, next) => {
    try {
      const state = typeof req.query['state'] === 'string' ? req.query['state'] : '';
      const pending = state ? await store.take(brokerKeys.upstreamState(state)) : undefined;
      const details = await provider.interactionDetails(req, res);
      if (!pending || pending['uid'] !== details.uid || req.params['uid'] !== details.uid) {
        sendPage(res, 400, renderMessagePage('Sign-in refused', 'This NeonPanel answer does not belong to this sign-in. Start again from your application.'));
        return;
      }
      const upstreamError = req.query['error'];
      if (upstreamError !== undefined) {
        if (upstreamError === 'access_denied') await finish(req, res, 'access_denied', 'The sign-in at NeonPanel was denied.');
        else await finish(req, res, 'server_error', 'The sign-in at NeonPanel failed.');
        return;
      }
      const code = typeof req.query['code'] === 'string' ? req.query['code'] : '';
      if (!code) {
        sendPage(res, 400, renderMessagePage('Sign-in refused', 'NeonPanel sent no authorization code.'));
        return;
      }
      const { tokens, idToken } = await login.redeemCode(code, pending['verifier']!);
      const subject = await login.verifyIdToken(idToken, pending['nonce']!);

      const clientId = String(details.params['client_id']);
      const grant = new provider.Grant({ accountId: subject, clientId });
      const requested = asList(details.params['scope']);
      const toolScopes = requested.filter((s) => tools.has(s));
      for (const scope of requested) {
        if ((OIDC_SCOPES as readonly string[]).includes(scope)) grant.addOIDCScope(scope);
        // Tool scopes are granted per resource below; as OpenID scopes (configured so RFC 7591
        // clients may register them) they are marked as decided, or consent would come back.
        else grant.rejectOIDCScope(scope);
      }
      const resources = [details.params['resource'] ?? options.defaultResource].flat().map(String);
      for (const resource of resources) if (toolScopes.length) grant.addResourceScope(resource, toolScopes.join(' '));
      const grantId = await grant.save();
      await options.vault.save(grantId, { tokens, subject, clientId }, options.grantTtlMs);
      await options.grants.index(subject, grantId, options.grantTtlMs);
      await store.write(consentKey(subject, details), { at: String(Date.now()) }, options.grantTtlMs);
      await provider.interactionFinished(req, res, { login: { accountId: subject }, consent: { grantId } }, { mergeWithLastSubmission: false });
    } catch (error) {
      next(error);
    }
  });

  router.use(async (error: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (error instanceof options.errors.SessionNotFound) {
      sendPage(res, 400, renderMessagePage('Sign-in expired', EXPIRED));
      return;
    }
    if (error instanceof UpstreamGrantRejectedError) {
      await finish(req, res, 'access_denied', 'NeonPanel did not accept the sign-in.').catch(() => sendPage(res, 400, renderMessagePage('Sign-in refused', EXPIRED)));
      return;
    }
    if (error instanceof UpstreamLoginError) {
      sendPage(res, 502, renderMessagePage('Sign-in failed', error.message));
      return;
    }
    const status = formErrorStatus(error);
    if (status !== undefined) {
      sendPage(res, status, renderMessagePage('Sign-in error', 'The form could not be read.'));
      return;
    }
    options.onError(error);
    sendPage(res, 500, renderMessagePage('Sign-in error', 'Something went wrong. Start again from your application.'));
  });

  return router;
}
