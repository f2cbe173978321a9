/**
 * The canary's two metrics, in the gateway's namespace: how many cases failed in the last run,
 * and the median time of its requests. The alarm and the dashboard (lib/constructs/canary.ts)
 * read them by these names.
 */
import { PutMetricDataCommand, StandardUnit, type CloudWatchClient, type MetricDatum } from '@aws-sdk/client-cloudwatch';
import type { CanaryVerdictRecord } from './verdict.js';

export const CANARY_METRICS = {
  casesFailed: 'CanaryCasesFailed',
  latency: 'CanaryLatency',
} as const;

/** What one run publishes: always the failed count; the latency only when some case was timed. */
export function canaryMetricData(verdict: CanaryVerdictRecord): MetricDatum[] {
  const timestamp = new Date(verdict.at);
  const data: MetricDatum[] = [{ MetricName: CANARY_METRICS.casesFailed, Value: verdict.casesFailed, Unit: StandardUnit.Count, Timestamp: timestamp }];
  if (verdict.latencyP50Ms !== undefined) {
    data.push({ MetricName: CANARY_METRICS.latency, Value: verdict.latencyP50Ms, Unit: StandardUnit.Milliseconds, Timestamp: timestamp });
  }
  return data;
}

export async function publishCanaryMetrics(client: CloudWatchClient, namespace: string, verdict: CanaryVerdictRecord): Promise<void> {
  await client.send(new PutMetricDataCommand({ Namespace: namespace, MetricData: canaryMetricData(verdict) }));
}
