/**
 * Runs the AWS CDK CLI of this package as a child process, sharing the terminal so approval
 * prompts and progress reach the operator.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { OpsError, type CdkRunner } from './types.js';

export interface CdkRunnerOptions {
  /** Directory holding cdk.json. */
  cwd: string;
  /** The CLI's entry script. @default aws-cdk/bin/cdk, resolved from this package */
  cdkBin?: string;
  /** @default process.execPath */
  node?: string;
}

export function cdkRunner(options: CdkRunnerOptions): CdkRunner {
  // Resolved rather than looked up on PATH, so the pinned CLI runs whatever the shell has.
  const cdkBin = options.cdkBin ?? createRequire(import.meta.url).resolve('aws-cdk/bin/cdk');
  const node = options.node ?? process.execPath;
  return (args) => new Promise<number>((resolve, reject) => {
    const child = spawn(node, [cdkBin, ...args], { cwd: options.cwd, stdio: 'inherit' });
    child.once('error', (error) => reject(new OpsError(`Could not start the cdk CLI: ${error.message}`)));
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}
