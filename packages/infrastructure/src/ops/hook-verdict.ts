/**
 * The release hook's verdicts, read back from its log group: the hook writes one JSON line per
 * invocation (src/hook/verdict.ts), naming the service deployment and each failed case. That
 * is how `deploy` and `status` can say which cases failed, not only that ECS rolled back.
 */
import { FilterLogEventsCommand, type CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { VERDICT_EVENT, type VerdictRecord } from '../hook/verdict.js';
import { awsError } from './types.js';

/** The verdict record inside a log message (Lambda prefixes text-format lines with time and request id). */
export function parseVerdict(message: string | undefined): VerdictRecord | undefined {
  const start = message?.indexOf(`{"event":"${VERDICT_EVENT}"`) ?? -1;
  if (!message || start < 0) return undefined;
  try {
    return JSON.parse(message.slice(start).trim()) as VerdictRecord;
  } catch {
    return undefined;
  }
}

/** Every verdict the hook logged for this service deployment, oldest first. */
export async function hookVerdicts(logs: CloudWatchLogsClient, logGroupName: string, deploymentArn: string, since: Date): Promise<VerdictRecord[]> {
  const verdicts: VerdictRecord[] = [];
  let nextToken: string | undefined;
  try {
    do {
      const page = await logs.send(new FilterLogEventsCommand({
        logGroupName,
        startTime: since.getTime(),
        filterPattern: `"${VERDICT_EVENT}" "${deploymentArn}"`,
        ...(nextToken ? { nextToken } : {}),
      }));
      for (const event of page.events ?? []) {
        const verdict = parseVerdict(event.message);
        if (verdict?.serviceDeploymentArn === deploymentArn) verdicts.push(verdict);
      }
      nextToken = page.nextToken;
    } while (nextToken);
  } catch (error) {
    throw awsError(`FilterLogEvents(${logGroupName})`, error);
  }
  return verdicts;
}

/** How a person reads a verdict: the status and reason, then one line per failed case. */
export function describeVerdict(verdict: VerdictRecord): string[] {
  const label = verdict.hookStatus === 'SUCCEEDED' ? 'PASSED' : verdict.hookStatus === 'FAILED' ? 'FAILED' : 'RETRYING';
  return [
    `${label}: ${verdict.reason} (${String(verdict.passed)} passed, ${String(verdict.failed)} failed, attempt ${String(verdict.attempt)})`,
    ...verdict.failedCases.map((c) => `  ✗ ${c}`),
  ];
}
