/**
 * `pnpm run deploy` on a blue/green stack: `cdk deploy` starts the ECS deployment; this follows
 * it (status and lifecycle stage as they change: green scaling up, test traffic, the release
 * hook, production traffic, bake, clean-up) and then says exactly what happened: deployed, or
 * rolled back by ECS and why, with the release hook's failed cases read from its log group.
 *
 * ECS does the gating and the rollback itself; this tool only watches and reports.
 */
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { ECSClient, ServiceDeployment } from '@aws-sdk/client-ecs';
import { describeService, label, parseRevision, type ServiceRef } from './ecs-service.js';
import { describeVerdict, hookVerdicts } from './hook-verdict.js';
import {
  describeDeployment, isRollback, isTerminal, listDeployments, PRODUCTION_STAGES, revisionTaskDefinitions,
} from './service-deployments.js';
import type { StackOutputs } from './stack-outputs.js';
import { DEFAULT_FOLLOW, type CdkRunner, type FollowSettings, type Output } from './types.js';
import type { VerdictRecord } from '../hook/verdict.js';

export interface BlueGreenDeployOptions {
  stackName: string;
  cdkArgs: string[];
  runCdk: CdkRunner;
  ecs: ECSClient;
  /** Reads the release hook's verdicts; without it the report cannot name failed cases. */
  logs?: CloudWatchLogsClient;
  /** The stack's outputs before this deploy. */
  outputs: StackOutputs;
  output: Output;
  follow?: FollowSettings;
}

interface Followed {
  arn: string | undefined;
  deployment: ServiceDeployment | undefined;
  stages: string[];
  timedOut: boolean;
  error: string | undefined;
}

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const message = (error: unknown) => (error as Error)?.message ?? String(error);

/** Polls until ECS's new deployment is terminal, cdk finished without starting one, or the bound runs out. */
async function follow(options: BlueGreenDeployOptions, ref: ServiceRef, known: Set<string>, cdkFinished: () => boolean): Promise<Followed> {
  const settings = options.follow ?? DEFAULT_FOLLOW;
  const sleep = settings.sleep ?? sleepFor;
  const polls = Math.max(1, Math.ceil(settings.maxWaitSeconds / settings.pollSeconds));
  const followed: Followed = { arn: undefined, deployment: undefined, stages: [], timedOut: false, error: undefined };
  let last = '';
  try {
    for (let poll = 1; ; poll++) {
      // Read before looking, so a deployment ECS created just before cdk exited is still found.
      const cdkDone = cdkFinished();
      if (!followed.arn) {
        followed.arn = (await listDeployments(options.ecs, ref)).find((d) => !known.has(d.arn))?.arn;
        if (followed.arn) options.output.info(`deploy: ECS started service deployment ${followed.arn}`);
      }
      if (followed.arn) {
        const deployment = await describeDeployment(options.ecs, followed.arn);
        followed.deployment = deployment;
        const stage = deployment?.lifecycleStage;
        if (stage && followed.stages.at(-1) !== stage) followed.stages.push(stage);
        const now = `${deployment?.status ?? 'UNKNOWN'}${stage ? ` at ${stage}` : ''}`;
        if (now !== last) options.output.info(`deploy: ${now}`);
        last = now;
        if (isTerminal(deployment)) return followed;
      } else if (cdkDone) {
        return followed;
      }
      if (poll >= polls) {
        followed.timedOut = true;
        return followed;
      }
      await sleep(settings.pollSeconds * 1000);
    }
  } catch (error) {
    followed.error = message(error);
    return followed;
  }
}

/** `family:revision` for each service revision, or the ARN itself when it cannot be resolved. */
async function revisionLabels(ecs: ECSClient, deployment: ServiceDeployment, notes: string[]): Promise<{ target: string; sources: string[] }> {
  const target = deployment.targetServiceRevision?.arn ?? 'unknown';
  const sources = (deployment.sourceServiceRevisions ?? []).map((r) => r.arn ?? 'unknown');
  let byArn = new Map<string, string>();
  try {
    byArn = await revisionTaskDefinitions(ecs, [target, ...sources]);
  } catch (error) {
    notes.push(`(task definitions not resolved: ${message(error)})`);
  }
  const name = (arn: string) => {
    const td = byArn.get(arn);
    if (!td) return arn;
    try {
      return label(parseRevision(td));
    } catch {
      return td;
    }
  };
  return { target: name(target), sources: sources.map(name) };
}

function rollbackCause(deployment: ServiceDeployment, hookFailure: VerdictRecord | undefined): string {
  if (hookFailure) return 'the release hook failed';
  if (deployment.deploymentCircuitBreaker?.status === 'TRIGGERED') return 'the circuit breaker tripped (green tasks did not start or stay healthy)';
  const alarms = deployment.alarms?.triggeredAlarmNames ?? [];
  if (deployment.alarms?.status === 'TRIGGERED' || alarms.length > 0) return `a deployment alarm fired${alarms.length ? ` (${alarms.join(', ')})` : ''}`;
  return deployment.rollback?.reason ?? deployment.statusReason ?? 'no reason given';
}

export async function blueGreenDeployCommand(options: BlueGreenDeployOptions): Promise<number> {
  const { output, stackName, outputs } = options;
  const report: string[] = [`Deploy report for ${stackName} (blue/green)`];
  const finish = (code: number, ...lines: string[]): number => {
    report.push(...lines);
    output.info('');
    for (const line of report) (code === 0 ? output.info : output.error)(line);
    return code;
  };
  const ref: ServiceRef = { cluster: outputs.clusterName, service: outputs.serviceName };

  let known: Set<string>;
  try {
    const before = parseRevision((await describeService(options.ecs, ref)).taskDefinition!);
    known = new Set((await listDeployments(options.ecs, ref)).map((d) => d.arn));
    report.push(`Before: ${label(before)} serves production`);
  } catch (error) {
    return finish(1, `Not deployed: could not read the service and its deployments, so the deployment could not be followed (${message(error)}).`, 'Result: NOT DEPLOYED');
  }

  const started = new Date();
  let cdkCode: number | undefined;
  let cdkError: string | undefined;
  output.info(`deploy: cdk deploy ${stackName}`);
  const cdk = options.runCdk(['deploy', stackName, ...options.cdkArgs])
    .catch((error: unknown) => {
      cdkError = message(error);
      return 1;
    })
    .then((code) => (cdkCode = code));

  const followed = await follow(options, ref, known, () => cdkCode !== undefined);
  if (followed.timedOut) {
    const d = followed.deployment;
    return finish(1,
      followed.arn ? `Service deployment: ${followed.arn}` : 'Service deployment: none seen',
      `Stages seen: ${followed.stages.join(' → ') || 'none'}`,
      `Result: TIMED OUT: after ${String((options.follow ?? DEFAULT_FOLLOW).maxWaitSeconds)} s the deployment is ${d ? `${d.status ?? 'UNKNOWN'}${d.lifecycleStage ? ` at ${d.lifecycleStage}` : ''}` : 'not started'}. ECS carries on (and still rolls back on its own); ${cdkCode === undefined ? 'cdk deploy is still running. ' : ''}Check \`pnpm run status\`.`);
  }
  const code = await cdk;
  const cdkLine = code === 0 ? 'cdk deploy: succeeded' : `cdk deploy: failed (exit ${String(code)})${cdkError ? `: ${cdkError}` : ''}`;

  if (followed.error) {
    return finish(1, cdkLine, `Following the deployment failed: ${followed.error}`, 'Result: UNKNOWN: the outcome could not be read. Check `pnpm run status`.');
  }
  const deployment = followed.deployment;
  if (!followed.arn || !deployment) {
    return code === 0
      ? finish(0, cdkLine, 'ECS started no service deployment: the task definition and the service settings did not change; production is as before.', 'Result: NOTHING TO RELEASE')
      : finish(1, cdkLine, 'ECS started no service deployment: the stack update failed before the service changed (see the CloudFormation events).', 'Result: NOT DEPLOYED');
  }

  const notes: string[] = [];
  const revisions = await revisionLabels(options.ecs, deployment, notes);
  report.push(cdkLine, `Service deployment: ${followed.arn}`, `Revisions: ${revisions.sources.join(', ') || 'none'} → ${revisions.target}`, ...notes);
  report.push(`Stages seen: ${followed.stages.join(' → ') || 'none'}`);

  let verdicts: VerdictRecord[] = [];
  if (outputs.releaseHookLogGroup && options.logs) {
    try {
      // A minute of slack for clock skew between this machine and CloudWatch.
      verdicts = await hookVerdicts(options.logs, outputs.releaseHookLogGroup, followed.arn, new Date(started.getTime() - 60_000));
    } catch (error) {
      report.push(`Release hook: verdict not read: ${message(error)}`);
    }
  }
  const final = verdicts.filter((v) => v.hookStatus !== 'IN_PROGRESS').at(-1);
  if (final) report.push(...describeVerdict(final).map((l, i) => (i === 0 ? `Release hook: ${l}` : l)));
  else if (verdicts.length === 0 && outputs.releaseHookLogGroup && options.logs) report.push(`Release hook: no verdict in ${outputs.releaseHookLogGroup} for this deployment`);
  const hookFailure = final?.hookStatus === 'FAILED' ? final : undefined;

  if (deployment.status === 'SUCCESSFUL') {
    report.push(`Production traffic: shifted to ${revisions.target}; the bake time passed; ${revisions.sources.join(', ') || 'the old revision'} scaled in.`);
    return code === 0
      ? finish(0, `Result: DEPLOYED ${revisions.target}`)
      : finish(1, `Result: DEPLOYED ${revisions.target}, but cdk deploy failed afterwards: check the stack's events.`);
  }
  if (isRollback(deployment)) {
    const reached = !hookFailure && followed.stages.some((s) => (PRODUCTION_STAGES as readonly string[]).includes(s));
    report.push(`Rollback: by ECS: ${rollbackCause(deployment, hookFailure)}.`);
    report.push(reached
      ? `Production traffic: had reached ${revisions.target} (stage ${followed.stages.filter((s) => (PRODUCTION_STAGES as readonly string[]).includes(s)).at(-1)!}) before it was moved back.`
      : `Production traffic: never reached ${revisions.target}; it stayed on ${revisions.sources.join(', ') || 'the old revision'}.`);
    if (deployment.status === 'ROLLBACK_FAILED') {
      return finish(1, `Result: ROLLBACK FAILED (${deployment.statusReason ?? 'no reason given'}). Run \`pnpm run status\`, then \`pnpm run rollback\`.`);
    }
    return finish(1, `Result: ROLLED BACK to ${revisions.sources.join(', ') || 'the previous revision'}`);
  }
  if (deployment.status === 'STOPPED') {
    return finish(1, `Result: STOPPED (${deployment.statusReason ?? 'no reason given'}); ${followed.stages.some((s) => (PRODUCTION_STAGES as readonly string[]).includes(s)) ? 'it had reached production traffic: check `pnpm run status`' : `production stays on ${revisions.sources.join(', ') || 'the old revision'}`}.`);
  }
  return finish(1, `Result: UNKNOWN: the deployment ended as ${deployment.status ?? 'UNKNOWN'}.`);
}
