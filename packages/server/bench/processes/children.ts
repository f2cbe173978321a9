/**
 * Child processes of the bench: spawning (optionally pinned to a CPU, optionally with a
 * raised open-file limit), RPC calls over IPC, captured output, and a guarantee that every
 * child dies with the bench — on normal exit, on an error, and on Ctrl-C.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { RpcReply } from './rpc.js';
import { openFileLimit } from './limits.js';

export interface SpawnOptions {
  /** Shown in errors and verbose output. */
  name: string;
  /** A JavaScript file run by this Node binary. */
  script: string;
  args?: string[];
  /** Node flags (`--expose-gc`, `--import …`). */
  execArgv?: string[];
  /** The whole environment of the child (not merged with ours). */
  env: NodeJS.ProcessEnv;
  /** Pins the child to this CPU with taskset. Default: not pinned. */
  cpu?: number | undefined;
  /** Raises the child's soft open-file limit to this (bounded by the hard limit). Default: inherited. */
  fileLimit?: number | undefined;
  /** Copies the child's output to our stderr. Default false (kept for error reports only). */
  verbose?: boolean;
}

const TAIL_LINES = 60;
const live = new Set<ChildProcess>();

export class Child {
  readonly name: string;
  private readonly proc: ChildProcess;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void; timer: NodeJS.Timeout }>();
  private nextId = 0;
  private readonly lines: string[] = [];
  private exitInfo: string | undefined;
  readonly exited: Promise<void>;

  constructor(options: SpawnOptions) {
    this.name = options.name;
    const nodeArgs = [...(options.execArgv ?? []), options.script, ...(options.args ?? [])];
    let command = process.execPath;
    let args = nodeArgs;
    const limit = openFileLimit();
    if (options.fileLimit !== undefined && limit && limit.soft < options.fileLimit && limit.soft < limit.hard) {
      // Node cannot call setrlimit, so a shell raises the soft limit and then becomes the child.
      const target = Math.min(options.fileLimit, limit.hard);
      args = ['-c', `ulimit -n ${Number.isFinite(target) ? target : 'unlimited'} && exec "$0" "$@"`, command, ...args];
      command = '/bin/sh';
    }
    if (options.cpu !== undefined) {
      args = ['-c', String(options.cpu), command, ...args];
      command = 'taskset';
    }
    this.proc = spawn(command, args, { env: options.env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    live.add(this.proc);
    const capture = (chunk: Buffer): void => {
      const text = chunk.toString('utf8');
      if (options.verbose) process.stderr.write(text.replace(/^(?=.)/gm, `[${this.name}] `));
      this.lines.push(...text.split('\n').filter(Boolean));
      if (this.lines.length > TAIL_LINES) this.lines.splice(0, this.lines.length - TAIL_LINES);
    };
    this.proc.stdout?.on('data', capture);
    this.proc.stderr?.on('data', capture);
    this.proc.on('message', (message: RpcReply) => {
      const call = this.pending.get(message?.rpc);
      if (!call) return;
      this.pending.delete(message.rpc);
      clearTimeout(call.timer);
      if (message.ok) call.resolve(message.result);
      else call.reject(new Error(`${this.name}: ${message.error ?? 'failed'}`));
    });
    this.exited = new Promise((resolve) => {
      this.proc.once('exit', (code, signal) => {
        live.delete(this.proc);
        this.exitInfo = signal ? `killed by ${signal}` : `exited with code ${code}`;
        for (const [id, call] of this.pending) {
          clearTimeout(call.timer);
          call.reject(new Error(`${this.name} ${this.exitInfo} during a call\n${this.tail()}`));
          this.pending.delete(id);
        }
        resolve();
      });
    });
    this.proc.once('error', (error) => {
      this.lines.push(`spawn failed: ${error.message}`);
    });
  }

  get pid(): number {
    if (this.proc.pid === undefined) throw new Error(`${this.name} did not start\n${this.tail()}`);
    return this.proc.pid;
  }

  get alive(): boolean {
    return this.exitInfo === undefined;
  }

  /** Why the child ended, if it did. */
  get exitReason(): string | undefined {
    return this.exitInfo;
  }

  /** The last lines the child printed, for error reports. */
  tail(): string {
    return this.lines.length ? this.lines.map((l) => `  | ${l}`).join('\n') : '  | (no output)';
  }

  call<T>(method: string, params?: unknown, timeoutMs = 30_000): Promise<T> {
    if (!this.alive || !this.proc.connected) return Promise.reject(new Error(`${this.name} is not running (${this.exitInfo ?? 'disconnected'})\n${this.tail()}`));
    const rpc = ++this.nextId;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(rpc);
        reject(new Error(`${this.name}: ${method} did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(rpc, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.proc.send({ rpc, method, params });
    });
  }

  /** Asks the child to exit (so `--cpu-prof` can write its profile), then kills it after `graceMs`. */
  async stop(graceMs = 5_000): Promise<void> {
    if (!this.alive) return;
    if (this.proc.connected) this.proc.send({ rpc: 0, method: 'exit' });
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

/** Kills every child still running. Synchronous, so it is safe in an `exit` handler. */
export function killAllChildren(): void {
  for (const proc of live) proc.kill('SIGKILL');
  live.clear();
}

let installed = false;

/** Children die with us: normal exit, uncaught errors, Ctrl-C and SIGTERM. */
export function installChildReaper(): void {
  if (installed) return;
  installed = true;
  process.once('exit', killAllChildren);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\nbench: ${signal}, stopping ${live.size} child process(es)\n`);
      killAllChildren();
      process.exit(130);
    });
  }
}
