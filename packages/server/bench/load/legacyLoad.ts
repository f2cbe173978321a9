/**
 * Load over legacy HTTP+SSE, which autocannon cannot drive: every open session loops
 * POST /messages (tools/call) → answer on its stream, one call in flight per session.
 * Latency is that round trip.
 */
import type http from 'node:http';
import { performance } from 'node:perf_hooks';
import type { LoadResult } from './jobs.js';
import { LatencyRecorder } from './stats.js';
import { HttpStatusError, legacyRequest, type LegacySession } from './sessions.js';
import { toolCallBody, TRIVIAL_TOOL } from './mcp.js';

export async function runLegacyCalls(url: string, sessions: readonly LegacySession[], agent: http.Agent, durationS: number): Promise<LoadResult> {
  const recorder = new LatencyRecorder();
  const statusCodes: Record<string, number> = {};
  let requests = 0;
  let non2xx = 0;
  let errors = 0;
  let mismatches = 0;
  const started = performance.now();
  const deadline = started + durationS * 1000;

  const loop = async (session: LegacySession): Promise<void> => {
    while (performance.now() < deadline && !session.stream.closed) {
      const t0 = performance.now();
      try {
        const answer = await legacyRequest(url, session, agent, (id) => toolCallBody(TRIVIAL_TOOL, id));
        requests++;
        statusCodes['202'] = (statusCodes['202'] ?? 0) + 1;
        const result = answer.result as { structuredContent?: unknown; isError?: boolean } | undefined;
        if (!result?.structuredContent || result.isError) mismatches++;
        else recorder.add(performance.now() - t0);
      } catch (error) {
        requests++;
        if (error instanceof HttpStatusError) {
          non2xx++;
          statusCodes[error.status] = (statusCodes[error.status] ?? 0) + 1;
        } else {
          errors++;
        }
      }
    }
  };
  await Promise.all(sessions.map(loop));
  return {
    requests,
    operations: requests,
    durationS: (performance.now() - started) / 1000,
    latencyMs: recorder.summary(),
    non2xx,
    errors,
    mismatches,
    statusCodes,
  };
}
