/**
 * The JSON records the release hook and the canary log (one line each), read back from their
 * log groups: the operator tools report what the Lambda functions decided from these.
 */
import { FilterLogEventsCommand, type CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { awsError } from './types.js';

/**
 * The JSON record of this event inside a log message (Lambda prefixes text-format lines with
 * time and request id); undefined when the message holds none.
 */
export function recordIn<T>(message: string | undefined, event: string): T | undefined {
  const start = message?.indexOf(`{"event":"${event}"`) ?? -1;
  if (!message || start < 0) return undefined;
  try {
    return JSON.parse(message.slice(start).trim()) as T;
  } catch {
    return undefined;
  }
}

/** Every record of `event` in the group since `since` that matches `filterPattern`, with its time, every page read. */
export async function logRecords<T>(
  logs: CloudWatchLogsClient,
  logGroupName: string,
  since: Date,
  event: string,
  filterPattern: string,
): Promise<{ timestamp: number; record: T }[]> {
  const found: { timestamp: number; record: T }[] = [];
  let nextToken: string | undefined;
  try {
    do {
      const page = await logs.send(new FilterLogEventsCommand({
        logGroupName,
        startTime: since.getTime(),
        filterPattern,
        ...(nextToken ? { nextToken } : {}),
      }));
      for (const logEvent of page.events ?? []) {
        const record = recordIn<T>(logEvent.message, event);
        if (record) found.push({ timestamp: logEvent.timestamp ?? 0, record });
      }
      nextToken = page.nextToken;
    } while (nextToken);
  } catch (error) {
    throw awsError(`FilterLogEvents(${logGroupName})`, error);
  }
  return found;
}
