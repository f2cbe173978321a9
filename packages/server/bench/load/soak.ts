/**
 * Mixed traffic for the soak: long-lived sessions calling a tool, whole sessions opened and
 * ended (with an upstream call), legacy SSE sessions coming and going, and GET /mcp streams
 * opened and dropped. Everything the client opens it also closes, so whatever the server
 * still holds at the end is the server's own.
 */
import type http from 'node:http';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SoakJob, SoakResult } from './jobs.js';
import { runCannon } from './cannon.js';
import { closeStreamable, inBatches, legacyRequest, openLegacy, openStreamable } from './sessions.js';
import { toolCallBody, TRIVIAL_TOOL } from './mcp.js';

const CALLS_PER_SSE_SESSION = 5;
const STREAM_HOLD_MS = 200;

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export async function runSoak(job: SoakJob, agent: http.Agent): Promise<SoakResult> {
  const token = (i: number): string => job.tokens[i % job.tokens.length]!;
  const steadySessions = await inBatches(job.steadyConnections, job.steadyConnections, (i) => openStreamable(job.url, token(i), agent, false));
  if (steadySessions.failed > 0) throw new Error(`soak: could not open its sessions: ${steadySessions.firstError}`);
  const deadline = performance.now() + job.durationS * 1000;

  const sse = { sessions: 0, calls: 0, failures: 0, firstError: undefined as string | undefined };
  const sseLoop = async (lane: number): Promise<void> => {
    while (performance.now() < deadline) {
      try {
        const session = await openLegacy(job.url, token(lane), agent);
        sse.sessions++;
        try {
          for (let i = 0; i < CALLS_PER_SSE_SESSION && performance.now() < deadline; i++) {
            const answer = await legacyRequest(job.url, session, agent, (id) => toolCallBody(TRIVIAL_TOOL, id));
            if (!answer.result) throw new Error(`tools/call over SSE failed: ${JSON.stringify(answer.error).slice(0, 200)}`);
            sse.calls++;
          }
        } finally {
          session.stream.close();
        }
      } catch (error) {
        sse.failures++;
        sse.firstError ??= describe(error);
        await sleep(100);
      }
    }
  };

  const streams = { opened: 0, failures: 0, firstError: undefined as string | undefined };
  const streamLoop = async (lane: number): Promise<void> => {
    while (performance.now() < deadline) {
      try {
        const session = await openStreamable(job.url, token(lane), agent, true);
        streams.opened++;
        await sleep(STREAM_HOLD_MS);
        await closeStreamable(job.url, session, agent);
      } catch (error) {
        streams.failures++;
        streams.firstError ??= describe(error);
        await sleep(100);
      }
    }
  };

  const durationS = job.durationS;
  const [steady, churn] = await Promise.all([
    runCannon({ url: job.url, profile: 'call', connections: job.steadyConnections, durationS, tokens: job.tokens, sessions: true }, steadySessions.ok),
    runCannon({ url: job.url, profile: 'soak-churn', connections: job.churnConnections, durationS, tokens: job.tokens }),
    ...Array.from({ length: job.sseLoops }, (_, i) => sseLoop(i)),
    ...Array.from({ length: job.streamLoops }, (_, i) => streamLoop(i)),
  ]);
  await inBatches(steadySessions.ok.length, 8, (i) => closeStreamable(job.url, steadySessions.ok[i]!, agent));
  return { steady: steady!, churn: churn!, sse, streams };
}
