#!/usr/bin/env node
/**
 * `cdk` entry point (cdk.json runs the compiled dist/bin/app.js). Settings come from context:
 * see lib/config.ts for every key and its default, and RUNBOOK.md for examples.
 */
import { GatewayConfigError } from '../lib/config.js';
import { createGatewayApp } from '../lib/app.js';

try {
  createGatewayApp().app.synth();
} catch (error) {
  if (error instanceof GatewayConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
