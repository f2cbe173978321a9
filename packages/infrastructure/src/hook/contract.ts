/**
 * The ECS deployment lifecycle hook contract, as documented for Lambda hooks: ECS invokes the
 * function with an event naming the stage and the service deployment, and reads back a
 * `hookStatus` (SUCCEEDED continues, FAILED rolls back, IN_PROGRESS asks to be invoked again
 * after `callBackDelay` seconds, carrying `hookDetails` into the next invocation).
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/lambda-lifecycle-hooks.html
 */

export type HookStatus = 'SUCCEEDED' | 'FAILED' | 'IN_PROGRESS';

/** The stage this hook is registered at: green has all the test traffic, none of production's. */
export const GATE_STAGE = 'POST_TEST_TRAFFIC_SHIFT';

export interface HookEvent {
  executionId: string;
  lifecycleStage: string;
  /** The service deployment's ARN. */
  resourceArn: string;
  executionDetails: {
    serviceArn: string;
    targetServiceRevisionArn: string;
    testTrafficWeights: Record<string, number>;
    productionTrafficWeights: Record<string, number>;
  };
  hookDetails?: Record<string, unknown>;
}

export interface HookResponse {
  hookStatus: HookStatus;
  /** Seconds before ECS invokes the hook again (IN_PROGRESS only). */
  callBackDelay?: number;
  /** Carried into the next invocation (IN_PROGRESS only). */
  hookDetails?: Record<string, unknown>;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The event, or a sentence saying what is wrong with it (an unknown shape must not pass the gate). */
export function parseHookEvent(raw: unknown): HookEvent | string {
  if (!isRecord(raw)) return 'the event is not an object';
  for (const key of ['executionId', 'lifecycleStage', 'resourceArn'] as const) {
    if (typeof raw[key] !== 'string' || raw[key] === '') return `the event has no ${key}`;
  }
  const details = raw['executionDetails'];
  if (!isRecord(details)) return 'the event has no executionDetails';
  for (const key of ['serviceArn', 'targetServiceRevisionArn'] as const) {
    if (typeof details[key] !== 'string') return `executionDetails has no ${key}`;
  }
  const weights = (value: unknown): Record<string, number> => (isRecord(value) ? (value as Record<string, number>) : {});
  return {
    executionId: raw['executionId'] as string,
    lifecycleStage: raw['lifecycleStage'] as string,
    resourceArn: raw['resourceArn'] as string,
    executionDetails: {
      serviceArn: details['serviceArn'] as string,
      targetServiceRevisionArn: details['targetServiceRevisionArn'] as string,
      testTrafficWeights: weights(details['testTrafficWeights']),
      productionTrafficWeights: weights(details['productionTrafficWeights']),
    },
    ...(isRecord(raw['hookDetails']) ? { hookDetails: raw['hookDetails'] } : {}),
  };
}

/** How many times the hook has already run in this deployment (kept in hookDetails). */
export function previousAttempts(event: HookEvent): number {
  const value = event.hookDetails?.['gateAttempts'];
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : 0;
}
