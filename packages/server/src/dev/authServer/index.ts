/** The development authorization server and the client flow that signs in against it. */
export {
  startAuthorizationServer,
  type AuthorizationServerOptions,
  type RunningAuthorizationServer,
} from './authorizationServer.js';
export {
  completeAuthorization,
  obtainToken,
  DevFlowError,
  DEFAULT_REDIRECT_URI,
  type AuthorizationResponse,
  type CompleteAuthorizationOptions,
  type ObtainTokenOptions,
  type ObtainedToken,
} from './flow.js';
export { NEONPANEL_ROUTES, type DevAuthProfile } from './configuration.js';
export { generateSigningKey, type SigningJwk, type SigningAlgorithm } from './keys.js';
