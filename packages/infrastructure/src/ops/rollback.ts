/**
 * Rollback by task-definition revision: point the service at an earlier ACTIVE revision of
 * its family, wait until it is stable, and check it with the gate.
 *
 * This happens outside CloudFormation, so the stack then drifts; RUNBOOK.md says how to reconcile.
 */
import type { ECSClient } from '@aws-sdk/client-ecs';
import {
  describeService,
  label,
  listActiveRevisions,
  parseRevision,
  pointServiceAt,
  revisionStatus,
  waitForStable,
  type Revision,
  type ServiceRef,
} from './ecs-service.js';
import { describeGate, runGate, type GateOutcome } from './gate.js';
import { DEFAULT_WAIT, OpsError, type Gate, type GateRetrySettings, type Output, type WaitSettings } from './types.js';

export interface RollbackPlan {
  current: Revision;
  target: Revision;
}

/**
 * Chooses the target: revision `to` when given, otherwise the newest ACTIVE revision older
 * than the one the service runs. Refuses when the service is missing, when there is no
 * earlier revision, or when the requested one is INACTIVE or does not exist.
 */
export async function planRollback(ecs: ECSClient, ref: ServiceRef, family: string, to?: number): Promise<RollbackPlan> {
  const service = await describeService(ecs, ref);
  const current = parseRevision(service.taskDefinition!);
  if (current.family !== family) {
    throw new OpsError(`Service ${ref.service} runs ${label(current)}, not a revision of ${family}; refusing to mix families.`);
  }
  const active = await listActiveRevisions(ecs, family);

  if (to !== undefined) {
    if (!Number.isInteger(to) || to < 1) throw new OpsError(`--to must be a revision number (a positive integer), got ${String(to)}.`);
    if (to === current.revision) throw new OpsError(`Service ${ref.service} already runs ${label(current)}; nothing to roll back.`);
    const target = active.find((r) => r.revision === to);
    if (target) return { current, target };
    const status = await revisionStatus(ecs, family, to);
    if (status === undefined) throw new OpsError(`Revision ${family}:${String(to)} does not exist.`);
    throw new OpsError(`Revision ${family}:${String(to)} is ${status}: ECS cannot start tasks from a deregistered revision. ACTIVE revisions: ${active.map((r) => r.revision).join(', ') || 'none'}.`);
  }

  const target = active.find((r) => r.revision < current.revision);
  if (!target) {
    throw new OpsError(`There is no ACTIVE revision of ${family} before ${String(current.revision)}; nothing to roll back to.`);
  }
  return { current, target };
}

export interface ExecuteRollbackOptions {
  ecs: ECSClient;
  ref: ServiceRef;
  plan: RollbackPlan;
  gate: Gate;
  url: string;
  output: Output;
  wait?: WaitSettings;
  gateRetry?: GateRetrySettings;
}

export interface RollbackOutcome {
  plan: RollbackPlan;
  gate: GateOutcome;
}

/** Updates the service, waits for it to be stable on the target, and runs the gate. */
export async function executeRollback(options: ExecuteRollbackOptions): Promise<RollbackOutcome> {
  const { ecs, ref, plan, output } = options;
  output.info(`rollback: ${ref.service} ${label(plan.current)} → ${label(plan.target)}`);
  await pointServiceAt(ecs, ref, plan.target.arn);
  output.info('rollback: waiting for the service to be stable');
  await waitForStable(ecs, ref, options.wait ?? DEFAULT_WAIT);
  // The circuit breaker may itself have undone our update; stable on the wrong revision is no rollback.
  const after = parseRevision((await describeService(ecs, ref)).taskDefinition!);
  if (after.revision !== plan.target.revision || after.family !== plan.target.family) {
    throw new OpsError(`Service ${ref.service} settled on ${label(after)}, not ${label(plan.target)}; ECS rejected the rollback (see \`pnpm run status\`).`);
  }
  output.info('rollback: stable; running the gate');
  const gate = await runGate(options.gate, options.url, output, options.gateRetry);
  return { plan, gate };
}

export interface RollbackCommandOptions extends Omit<ExecuteRollbackOptions, 'plan'> {
  family: string;
  to?: number;
}

/** `pnpm run rollback [--to N]`: returns the exit code after printing a report. */
export async function rollbackCommand(options: RollbackCommandOptions): Promise<number> {
  const { output } = options;
  const plan = await planRollback(options.ecs, options.ref, options.family, options.to);
  const outcome = await executeRollback({ ...options, plan });
  output.info('');
  output.info(`Rolled back ${options.ref.service} from ${label(plan.current)} to ${label(plan.target)}.`);
  for (const line of describeGate(outcome.gate)) output.info(`Gate: ${line}`);
  output.info(DRIFT_NOTE);
  return outcome.gate.passed ? 0 : 1;
}

export const DRIFT_NOTE =
  'Note: this rollback happened outside CloudFormation, so the stack now drifts (its template names a newer revision). See RUNBOOK.md, "Reconcile after a rollback".';
