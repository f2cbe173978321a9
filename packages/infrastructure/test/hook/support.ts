/**
 * For the release-hook tests: lifecycle events as ECS sends them, a recording log, and the
 * e2e package's own servers (the production build, and the ones broken on purpose).
 */
import type { HookEvent } from '../../src/hook/contract.js';
import type { ReleaseHookSettings } from '../../src/hook/handler.js';
import { VERDICT_EVENT, type VerdictRecord } from '../../src/hook/verdict.js';

export { startFakeServer, FAKE_LIMITED_TOKEN, type Flaw, type FakeServer } from '../../../e2e/test/support/fakeServer.js';
export { startRealServer, type RealServer } from '../../../e2e/test/support/realServer.js';

export const DEPLOYMENT_ARN = 'arn:aws:ecs:eu-west-1:111122223333:service-deployment/gateway-cluster/gateway-service/EZe5RNVLH6PPzHXINuP28';
export const GREEN_REVISION_ARN = 'arn:aws:ecs:eu-west-1:111122223333:service-revision/gateway-cluster/gateway-service/9313423515462893900';

export function hookEvent(overrides: Partial<HookEvent> = {}): HookEvent {
  return {
    executionId: '3a0345ba-b029-404b-890d-7da2a4b266aa',
    lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT',
    resourceArn: DEPLOYMENT_ARN,
    executionDetails: {
      serviceArn: 'arn:aws:ecs:eu-west-1:111122223333:service/gateway-cluster/gateway-service',
      targetServiceRevisionArn: GREEN_REVISION_ARN,
      testTrafficWeights: {},
      productionTrafficWeights: {},
    },
    ...overrides,
  };
}

export function settingsFor(url: string, overrides: Partial<ReleaseHookSettings> = {}): ReleaseHookSettings {
  return { url, timeoutMs: 3_000, maxAttempts: 3, retryDelaySeconds: 20, reserveMs: 1_000, ...overrides };
}

export function recordingLog(): { log: (line: string) => void; lines: string[]; text(): string; verdict(): VerdictRecord } {
  const lines: string[] = [];
  return {
    lines,
    log: (line) => lines.push(line),
    text: () => lines.join('\n'),
    verdict: () => {
      const records = lines.map((l) => JSON.parse(l) as { event?: string }).filter((r) => r.event === VERDICT_EVENT);
      expect(records).toHaveLength(1);
      return records[0] as VerdictRecord;
    },
  };
}

/** A Lambda context with this much time left. */
export const contextWith = (remainingMs: number) => ({ getRemainingTimeInMillis: () => remainingMs });
