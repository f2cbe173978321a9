/**
 * Builds the CDK app: config from context, the gateway stack, and cdk-nag's AwsSolutions
 * pack as a validation plugin (its findings fail synth unless acknowledged with a reason).
 */
import { App, Validations, type AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { resolveConfig, type GatewayConfig } from './config.js';
import { configInputFromContext } from './context.js';
import { GatewayStack, type GatewayStackProps } from './gateway-stack.js';

export interface GatewayAppOptions extends AppProps {
  /** Environment for defaults (region, account, hosted zone id fallback). @default process.env */
  env?: Record<string, string | undefined>;
  /** Passed to the stack; tests use it to supply a prebuilt image. */
  stackProps?: Omit<GatewayStackProps, 'config'>;
}

export interface GatewayApp {
  app: App;
  stack: GatewayStack;
  config: GatewayConfig;
}

export function createGatewayApp(options: GatewayAppOptions = {}): GatewayApp {
  const { env = process.env, stackProps, ...appProps } = options;
  const app = new App(appProps);
  const config = resolveConfig(configInputFromContext((key) => app.node.tryGetContext(key), env), env);
  const stack = new GatewayStack(app, config.stackName, { ...stackProps, config });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack, config };
}
