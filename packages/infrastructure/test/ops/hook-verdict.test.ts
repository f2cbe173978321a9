/**
 * Reading the release hook's verdicts back from CloudWatch Logs, as Lambda writes them.
 */
import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { describeVerdict, hookVerdicts, parseVerdict } from '../../src/ops/hook-verdict.js';
import { failedVerdict, HOOK_LOG_GROUP, lambdaLine, logsWith, NEW_DEPLOYMENT, verdict } from './blue-green-support.js';

it('finds the verdict in a Lambda text-format line, and nothing in other lines', () => {
  expect(parseVerdict(lambdaLine(verdict()))).toEqual(verdict());
  expect(parseVerdict('2026-12-02T15:04:05Z\tid\tINFO\t{"event":"release-gate-case","case":"x"}')).toBeUndefined();
  expect(parseVerdict('START RequestId: abc')).toBeUndefined();
  expect(parseVerdict(undefined)).toBeUndefined();
});

it('returns this deployment\'s verdicts only, across pages', async () => {
  const { logs, logsMock } = logsWith();
  logsMock.on(FilterLogEventsCommand)
    .resolvesOnce({ events: [{ message: lambdaLine(verdict({ serviceDeploymentArn: 'another' })) }], nextToken: 'p2' })
    .resolves({ events: [{ message: lambdaLine(failedVerdict()) }] });
  const found = await hookVerdicts(logs, HOOK_LOG_GROUP, NEW_DEPLOYMENT, new Date(1_000));
  expect(found).toEqual([failedVerdict()]);
  const calls = logsMock.commandCalls(FilterLogEventsCommand).map((c) => c.args[0].input);
  expect(calls[0]).toEqual({ logGroupName: HOOK_LOG_GROUP, startTime: 1_000, filterPattern: `"release-gate-verdict" "${NEW_DEPLOYMENT}"` });
  expect(calls[1]!.nextToken).toBe('p2');
});

it('reads as a status line and one line per failed case', () => {
  expect(describeVerdict(failedVerdict())).toEqual([
    'FAILED: 2 of 42 cases failed (40 passed, 2 failed, attempt 1)',
    '  ✗ [no-auth] GET /sse/: expected 401 with a Bearer challenge; got 200 text/event-stream -- status 200, want 401',
    '  ✗ [legacy-sse] GET /sse/ with Bearer test-token-123: expected 401; got 200 text/event-stream',
  ]);
});
