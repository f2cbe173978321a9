/**
 * The sign-in and consent steps (oidc-provider "interactions") as express routes.
 *
 *   GET  /interaction/:uid          the page the current prompt needs (login or consent)
 *   POST /interaction/:uid/login    username + password of a demo user
 *   POST /interaction/:uid/confirm  decision=approve | deny
 *   POST /interaction/:uid/abort    the user cancels at sign-in
 *
 * Consent narrows the request to the user's own scopes: a scope the user may not grant is
 * recorded as rejected, so it is left out of the token and not asked for again.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type Provider from 'oidc-provider';
import type { errors as OidcErrors, InteractionResults } from 'oidc-provider';
import type { DemoUser } from '../demoUsers.js';
import { renderConsentPage, renderLoginPage, renderMessagePage } from './pages.js';
import { formErrorStatus, PAGE_HEADERS } from '../../auth/broker/pages.js';

export interface InteractionRoutesOptions {
  provider: Provider;
  users: readonly DemoUser[];
  /** The MCP scopes; anything else requested (openid, offline_access) is not user-restricted. */
  mcpScopes: readonly string[];
  SessionNotFound: typeof OidcErrors.SessionNotFound;
  onError: (error: unknown) => void;
}

/** Answered when the interaction cookie is gone: expired, another browser, or cookies off. */
const EXPIRED = 'This sign-in request has expired or was started in another browser. Start again from your application.';
const BAD_CREDENTIALS = 'Unknown username or wrong password.';

function sendPage(res: Response, status: number, html: string): void {
  // The broker's headers: no script, no framing of the consent button.
  res.status(status).set(PAGE_HEADERS).send(html);
}

/** Compares without leaking, through timing, how much of a password matched. */
function samePassword(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

function stringField(body: unknown, name: string): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const value = (body as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

function asStringArray(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function asScopeMap(value: unknown): Record<string, string[]> {
  if (typeof value !== 'object' || value === null) return {};
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asStringArray(v)]));
}

export function interactionRoutes(options: InteractionRoutesOptions): Router {
  const { provider, users, SessionNotFound } = options;
  const mcpScopes = new Set(options.mcpScopes);
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '8kb' });
  const demoUsers = users.map(({ login, password, name }) => ({ login, password, name }));

  async function clientName(clientId: unknown): Promise<string> {
    const client = typeof clientId === 'string' ? await provider.Client.find(clientId) : undefined;
    return client?.clientName ?? (typeof clientId === 'string' ? clientId : 'An application');
  }

  /** What the consent page shows and the approval grants, from oidc-provider's prompt details. */
  function consentPlan(details: Record<string, unknown>, user: DemoUser) {
    const missingOidc = asStringArray(details['missingOIDCScope']);
    const missingByResource = asScopeMap(details['missingResourceScopes']);
    const requested = new Set([...missingOidc, ...Object.values(missingByResource).flat()]);
    const allowed = (scope: string) => !mcpScopes.has(scope) || user.scopes.includes(scope);
    return {
      missingOidc,
      missingByResource,
      granted: [...requested].filter(allowed),
      unavailable: [...requested].filter((s) => !allowed(s)),
      allowed,
    };
  }

  const loginPage = (uid: string, name: string, extra: { login?: string; error?: string } = {}) =>
    renderLoginPage({
      action: `/interaction/${encodeURIComponent(uid)}/login`,
      abortAction: `/interaction/${encodeURIComponent(uid)}/abort`,
      clientName: name,
      demoUsers,
      ...extra,
    });

  router.get('/interaction/:uid', async (req, res, next) => {
    try {
      const { uid, prompt, params, session } = await provider.interactionDetails(req, res);
      const name = await clientName(params['client_id']);
      if (prompt.name === 'login') {
        sendPage(res, 200, loginPage(uid, name));
        return;
      }
      const user = users.find((u) => u.subject === session?.accountId);
      if (prompt.name === 'consent' && user) {
        const plan = consentPlan(prompt.details, user);
        const resources = Object.keys(plan.missingByResource);
        sendPage(res, 200, renderConsentPage({
          action: `/interaction/${encodeURIComponent(uid)}/confirm`,
          clientName: name,
          userName: user.name,
          login: user.login,
          resources: resources.length ? resources : asStringArray([params['resource']].flat()),
          granted: plan.granted,
          unavailable: plan.unavailable,
        }));
        return;
      }
      sendPage(res, 400, renderMessagePage('Sign-in error', 'This sign-in step is not supported.'));
    } catch (error) {
      next(error);
    }
  });

  router.post('/interaction/:uid/login', form, async (req, res, next) => {
    try {
      const { uid, prompt, params } = await provider.interactionDetails(req, res);
      if (prompt.name !== 'login') {
        sendPage(res, 400, renderMessagePage('Sign-in error', 'This sign-in request is not waiting for a sign-in.'));
        return;
      }
      const login = (stringField(req.body, 'login') ?? '').trim();
      const password = stringField(req.body, 'password') ?? '';
      const user = users.find((u) => u.login === login);
      // Compare even for an unknown user, so the answer takes as long either way.
      const passwordOk = samePassword(password, user?.password ?? '\u0000no-such-user');
      if (!user || !passwordOk) {
        sendPage(res, 401, loginPage(uid, await clientName(params['client_id']), { login, error: BAD_CREDENTIALS }));
        return;
      }
      await provider.interactionFinished(req, res, { login: { accountId: user.subject } }, { mergeWithLastSubmission: false });
    } catch (error) {
      next(error);
    }
  });

  router.post('/interaction/:uid/confirm', form, async (req, res, next) => {
    try {
      const interaction = await provider.interactionDetails(req, res);
      const { prompt, params, session } = interaction;
      const user = users.find((u) => u.subject === session?.accountId);
      if (prompt.name !== 'consent' || !user) {
        sendPage(res, 400, renderMessagePage('Sign-in error', 'This sign-in request is not waiting for consent.'));
        return;
      }
      const decision = stringField(req.body, 'decision');
      if (decision !== 'approve' && decision !== 'deny') {
        sendPage(res, 400, renderMessagePage('Sign-in error', 'Choose Approve or Deny.'));
        return;
      }
      if (decision === 'deny') {
        await finishWithError(req, res, 'access_denied', 'The user denied the request.');
        return;
      }

      const plan = consentPlan(prompt.details, user);
      const grant = interaction.grantId
        ? await provider.Grant.find(interaction.grantId)
        : new provider.Grant({ accountId: user.subject, clientId: String(params['client_id']) });
      if (!grant) throw new SessionNotFound('grant not found');

      for (const scope of plan.missingOidc) {
        // MCP scopes are granted per resource below; as OpenID scopes they are only
        // marked as seen, so the consent prompt does not come back for them.
        if (mcpScopes.has(scope)) grant.rejectOIDCScope(scope);
        else grant.addOIDCScope(scope);
      }
      for (const [resource, scopes] of Object.entries(plan.missingByResource)) {
        const granted = scopes.filter(plan.allowed);
        const rejected = scopes.filter((s) => !plan.allowed(s));
        if (granted.length) grant.addResourceScope(resource, granted.join(' '));
        if (rejected.length) grant.rejectResourceScope(resource, rejected.join(' '));
      }
      const requestedMcp = [...plan.granted, ...plan.unavailable].some((s) => mcpScopes.has(s));
      const grantedMcp = Object.keys(plan.missingByResource)
        .some((resource) => grant.getResourceScope(resource).split(' ').some((s) => mcpScopes.has(s)));
      if (requestedMcp && !grantedMcp) {
        await finishWithError(req, res, 'access_denied', `None of the requested scopes is available to ${user.login}.`);
        return;
      }

      const grantId = await grant.save();
      const result: InteractionResults = { consent: interaction.grantId ? {} : { grantId } };
      await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: true });
    } catch (error) {
      next(error);
    }
  });

  router.post('/interaction/:uid/abort', async (req, res, next) => {
    try {
      await finishWithError(req, res, 'access_denied', 'The user cancelled the sign-in.');
    } catch (error) {
      next(error);
    }
  });

  function finishWithError(req: Request, res: Response, error: string, description: string): Promise<void> {
    return provider.interactionFinished(req, res, { error, error_description: description }, { mergeWithLastSubmission: false });
  }

  router.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (error instanceof SessionNotFound) {
      sendPage(res, 400, renderMessagePage('Sign-in expired', EXPIRED));
      return;
    }
    const status = formErrorStatus(error);
    if (status !== undefined) {
      sendPage(res, status, renderMessagePage('Sign-in error', 'The form could not be read.'));
      return;
    }
    options.onError(error);
    sendPage(res, 500, renderMessagePage('Sign-in error', 'Something went wrong on the development authorization server.'));
  });

  return router;
}
