/**
 * `pnpm run deploy`. On a blue/green stack (its DeploymentStrategy output), ECS gates the
 * release itself with the release hook and rolls back on its own: deploy-blue-green.ts follows
 * and reports. On a rolling stack (or the first deploy): `cdk deploy`, then the e2e gate
 * against the deployed URL. When the gate fails, the service goes back to the task-definition
 * revision it ran before this deploy (or, failing that, the previous ACTIVE one), waits until
 * stable, and the gate runs again. Any failure ends non-zero, after a report that says what
 * happened and what state remains.
 */
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { ECSClient } from '@aws-sdk/client-ecs';
import { blueGreenDeployCommand } from './deploy-blue-green.js';
import { describeService, label, listActiveRevisions, parseRevision, type Revision, type ServiceRef } from './ecs-service.js';
import { describeGate, runGate } from './gate.js';
import { DRIFT_NOTE, executeRollback, planRollback, type RollbackPlan } from './rollback.js';
import { findStackOutputs, isBlueGreen, readStackOutputs, type StackOutputs } from './stack-outputs.js';
import { OpsError, type CdkRunner, type FollowSettings, type Gate, type GateRetrySettings, type Output, type WaitSettings } from './types.js';

export interface DeployOptions {
  stackName: string;
  /** Extra arguments for `cdk deploy`, e.g. `--require-approval never` or `-c hostedZoneId=…`. */
  cdkArgs: string[];
  runCdk: CdkRunner;
  cfn: CloudFormationClient;
  ecs: ECSClient;
  /** Blue/green: reads the release hook's verdicts from its log group. */
  logs?: CloudWatchLogsClient;
  gate: Gate;
  output: Output;
  wait?: WaitSettings;
  gateRetry?: GateRetrySettings;
  follow?: FollowSettings;
}

/** What ran before this deploy, so a failed gate can put exactly that back. */
async function revisionBeforeDeploy(options: DeployOptions, outputs: StackOutputs | undefined): Promise<Revision | undefined> {
  if (!outputs) return undefined;
  const service = await describeService(options.ecs, { cluster: outputs.clusterName, service: outputs.serviceName });
  return parseRevision(service.taskDefinition!);
}

/** The revision to return to: the one that ran before, if still ACTIVE; else the previous ACTIVE one. */
async function chooseRollback(options: DeployOptions, ref: ServiceRef, family: string, before: Revision | undefined): Promise<RollbackPlan | string> {
  const current = parseRevision((await describeService(options.ecs, ref)).taskDefinition!);
  if (!before) return 'this was the first deployment of the stack; there is no earlier revision to return to';
  if (before.arn === current.arn) return `the deploy did not change the task definition (still ${label(current)}), so rolling back the service would not undo it`;
  const active = await listActiveRevisions(options.ecs, family);
  const previous = active.find((r) => r.arn === before.arn);
  if (previous) return { current, target: previous };
  options.output.info(`deploy: ${label(before)} is no longer ACTIVE; falling back to the previous ACTIVE revision`);
  return planRollback(options.ecs, ref, family);
}

export async function deployCommand(options: DeployOptions): Promise<number> {
  const { output, stackName } = options;
  const report: string[] = [`Deploy report for ${stackName}`];
  const finish = (code: number, ...lines: string[]): number => {
    report.push(...lines, `Result: ${code === 0 ? 'DEPLOYED, gate passed' : 'FAILED'}`);
    output.info('');
    for (const line of report) (code === 0 ? output.info : output.error)(line);
    return code;
  };

  let before: Revision | undefined;
  try {
    const existing = await findStackOutputs(options.cfn, stackName);
    if (isBlueGreen(existing)) {
      return await blueGreenDeployCommand({
        stackName, cdkArgs: options.cdkArgs, runCdk: options.runCdk, ecs: options.ecs, outputs: existing!, output,
        ...(options.logs ? { logs: options.logs } : {}),
        ...(options.follow ? { follow: options.follow } : {}),
      });
    }
    before = await revisionBeforeDeploy(options, existing);
  } catch (error) {
    return finish(1, `Not deployed: could not read the stack and its running service, so a failed gate could not be rolled back (${(error as Error).message}).`);
  }
  report.push(`Before: ${before ? label(before) : 'no stack yet (first deployment)'}`);

  output.info(`deploy: cdk deploy ${stackName}`);
  const code = await options.runCdk(['deploy', stackName, ...options.cdkArgs]);
  if (code !== 0) {
    return finish(1, `cdk deploy: failed (exit ${String(code)}). CloudFormation rolls a failed update back by itself (circuit breaker and deployment alarms included); the gate was not run. Check \`pnpm run status\`.`);
  }
  report.push('cdk deploy: succeeded');

  let outputs;
  try {
    outputs = await readStackOutputs(options.cfn, stackName);
  } catch (error) {
    return finish(1, `Gate not run: ${(error as Error).message}`);
  }
  const ref: ServiceRef = { cluster: outputs.clusterName, service: outputs.serviceName };
  report.push(`URL: ${outputs.url}`);

  output.info(`deploy: running the gate against ${outputs.url}`);
  const first = await runGate(options.gate, outputs.url, output, options.gateRetry);
  report.push(...describeGate(first).map((l) => `Gate: ${l}`));
  if (first.passed) return finish(0);

  let plan: RollbackPlan | string;
  try {
    plan = await chooseRollback(options, ref, outputs.taskDefinitionFamily, before);
  } catch (error) {
    return finish(1, `Rollback: not possible: ${(error as Error).message}`);
  }
  if (typeof plan === 'string') return finish(1, `Rollback: not attempted: ${plan}.`);

  try {
    const rollback = await executeRollback({ ...options, ref, plan, url: outputs.url });
    report.push(`Rollback: ${label(plan.current)} → ${label(plan.target)}; service stable`);
    report.push(...describeGate(rollback.gate).map((l) => `Gate after rollback: ${l}`));
    return finish(1, DRIFT_NOTE);
  } catch (error) {
    const message = error instanceof OpsError ? error.message : String(error);
    return finish(1, `Rollback: ${label(plan.current)} → ${label(plan.target)} FAILED: ${message}`, 'The service may still run the failing revision. Run `pnpm run status`, then `pnpm run rollback`.');
  }
}
