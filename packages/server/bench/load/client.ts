/** The bench's side of the load worker: one process, typed calls. */
import { Child } from '../processes/children.js';
import { benchFile } from '../paths.js';
import type { CannonJob, LoadResult, OpenSessionsJob, OpenSessionsResult, SoakJob, SoakResult } from './jobs.js';

export interface LoadWorkerOptions {
  /** CPU to pin the load generator to, or undefined. */
  cpu: number | undefined;
  /** Sockets this worker may need to hold at once (idle-session scenario). */
  fileLimit?: number;
  verbose: boolean;
}

/** Slack on top of a job's own duration before its call counts as hung. */
const SLACK_MS = 60_000;

export class LoadWorker {
  private constructor(private readonly child: Child) {}

  static start(options: LoadWorkerOptions): LoadWorker {
    return new LoadWorker(new Child({
      name: 'load',
      script: benchFile('load/worker.js'),
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' },
      cpu: options.cpu,
      fileLimit: options.fileLimit,
      verbose: options.verbose,
    }));
  }

  cannon(job: CannonJob): Promise<LoadResult> {
    return this.child.call('cannon', job, job.durationS * 1000 + SLACK_MS);
  }

  openSessions(job: OpenSessionsJob): Promise<OpenSessionsResult> {
    return this.child.call('openSessions', job, 10 * 60_000);
  }

  closeSessions(): Promise<{ closed: number; failed: number; firstError?: string }> {
    return this.child.call('closeSessions', undefined, 5 * 60_000);
  }

  legacyCalls(durationS: number): Promise<LoadResult> {
    return this.child.call('legacyCalls', { durationS }, durationS * 1000 + SLACK_MS);
  }

  soak(job: SoakJob): Promise<SoakResult> {
    return this.child.call('soak', job, job.durationS * 1000 + 2 * SLACK_MS);
  }

  stop(): Promise<void> {
    return this.child.stop();
  }
}
