/**
 * The load generator process: takes jobs from the bench over IPC, so that generating load
 * never competes with the bench's own bookkeeping or with the servers' measured process.
 * It keeps the sessions it opens between jobs (open → load → close).
 */
import { serveRpc } from '../processes/rpc.js';
import { pool } from './http.js';
import { runCannon } from './cannon.js';
import { runLegacyCalls } from './legacyLoad.js';
import { runSoak } from './soak.js';
import { closeStreamable, inBatches, openLegacy, openStreamable, type LegacySession, type StreamableSession } from './sessions.js';
import type { CannonJob, OpenSessionsJob, OpenSessionsResult, SoakJob } from './jobs.js';

const agent = pool(256);
let target = '';
let streamable: StreamableSession[] = [];
let legacy: LegacySession[] = [];

async function openSessions(job: OpenSessionsJob): Promise<OpenSessionsResult> {
  target = job.url;
  const token = (i: number): string => job.tokens[i % job.tokens.length]!;
  if (job.transport === 'streamable') {
    const outcome = await inBatches(job.count, job.parallel, (i) => openStreamable(job.url, token(i), agent, job.stream));
    streamable.push(...outcome.ok);
    return { opened: outcome.ok.length, failed: outcome.failed, durationS: outcome.durationS, ...(outcome.firstError ? { firstError: outcome.firstError } : {}) };
  }
  const outcome = await inBatches(job.count, job.parallel, (i) => openLegacy(job.url, token(i), agent));
  legacy.push(...outcome.ok);
  return { opened: outcome.ok.length, failed: outcome.failed, durationS: outcome.durationS, ...(outcome.firstError ? { firstError: outcome.firstError } : {}) };
}

/** Ends every session: legacy ones by closing their stream, Streamable ones with DELETE. */
async function closeSessions(): Promise<{ closed: number; failed: number; firstError?: string }> {
  for (const session of legacy) session.stream.close();
  const closedLegacy = legacy.length;
  legacy = [];
  const sessions = streamable;
  streamable = [];
  const outcome = await inBatches(sessions.length, 64, (i) => closeStreamable(target, sessions[i]!, agent));
  return { closed: closedLegacy + outcome.ok.length, failed: outcome.failed, ...(outcome.firstError ? { firstError: outcome.firstError } : {}) };
}

serveRpc({
  cannon: (job) => runCannon(job as CannonJob, streamable),
  openSessions: (job) => openSessions(job as OpenSessionsJob),
  closeSessions: () => closeSessions(),
  legacyCalls: (job) => runLegacyCalls(target, legacy, agent, (job as { durationS: number }).durationS),
  soak: (job) => runSoak(job as SoakJob, agent),
  exit: () => process.exit(0),
});
