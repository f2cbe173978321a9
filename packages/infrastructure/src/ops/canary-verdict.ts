/**
 * The canary's last verdict, read back from its log group (one JSON line per run,
 * src/canary/verdict.ts), so `status` can show it next to the release hook's.
 */
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { CANARY_VERDICT_EVENT, type CanaryVerdictRecord } from '../canary/verdict.js';
import { logRecords } from './log-records.js';

/** The newest verdict logged since `since`, or undefined when the canary has not run in that time. */
export async function lastCanaryVerdict(logs: CloudWatchLogsClient, logGroupName: string, since: Date): Promise<CanaryVerdictRecord | undefined> {
  const found = await logRecords<CanaryVerdictRecord>(logs, logGroupName, since, CANARY_VERDICT_EVENT, `"${CANARY_VERDICT_EVENT}"`);
  return found.reduce<{ timestamp: number; record: CanaryVerdictRecord } | undefined>((newest, f) => (!newest || f.timestamp >= newest.timestamp ? f : newest), undefined)?.record;
}

/** How a person reads it: status, time and reason, then one line per failed case. */
export function describeCanaryVerdict(verdict: CanaryVerdictRecord): string[] {
  const latency = verdict.latencyP50Ms === undefined ? '' : `; p50 ${String(verdict.latencyP50Ms)} ms`;
  return [
    `${verdict.status} at ${verdict.at}: ${verdict.reason} (${String(verdict.passed)} passed, ${String(verdict.failed)} failed${latency})`,
    ...verdict.failedCases.map((c) => `  ✗ ${c}`),
  ];
}
