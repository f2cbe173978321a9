/**
 * The release hook's verdicts, read back from its log group: the hook writes one JSON line per
 * invocation (src/hook/verdict.ts), naming the service deployment and each failed case. That
 * is how `deploy` and `status` can say which cases failed, not only that ECS rolled back.
 */
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { VERDICT_EVENT, type VerdictRecord } from '../hook/verdict.js';
import { logRecords, recordIn } from './log-records.js';

/** The verdict record inside a log message (Lambda prefixes text-format lines with time and request id). */
export const parseVerdict = (message: string | undefined): VerdictRecord | undefined => recordIn<VerdictRecord>(message, VERDICT_EVENT);

/** Every verdict the hook logged for this service deployment, oldest first. */
export async function hookVerdicts(logs: CloudWatchLogsClient, logGroupName: string, deploymentArn: string, since: Date): Promise<VerdictRecord[]> {
  const found = await logRecords<VerdictRecord>(logs, logGroupName, since, VERDICT_EVENT, `"${VERDICT_EVENT}" "${deploymentArn}"`);
  return found.map((f) => f.record).filter((v) => v.serviceDeploymentArn === deploymentArn);
}

/** How a person reads a verdict: the status and reason, then one line per failed case. */
export function describeVerdict(verdict: VerdictRecord): string[] {
  const label = verdict.hookStatus === 'SUCCEEDED' ? 'PASSED' : verdict.hookStatus === 'FAILED' ? 'FAILED' : 'RETRYING';
  return [
    `${label}: ${verdict.reason} (${String(verdict.passed)} passed, ${String(verdict.failed)} failed, attempt ${String(verdict.attempt)})`,
    ...verdict.failedCases.map((c) => `  ✗ ${c}`),
  ];
}
