/**
 * Debian's nginx on loopback as the ALB stand-in: round-robin over the tasks, no stickiness,
 * streaming answers unbuffered (SSE), a failed connection tried on the next task (never a
 * request that was already sent: nginx does not resend a POST), and the task that answered
 * named in `X-Upstream`, so the suite can tell which task a 502 came from.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../helpers/redis.js';

export interface Nginx {
  url: string;
  /**
   * Sends new requests only to these tasks (nginx reloads; requests already proxied finish on
   * the old workers), as the ALB does once ECS deregisters a task that it is about to stop.
   */
  route(upstreamPorts: readonly number[]): Promise<void>;
  close(): Promise<void>;
}

/** `publicHost`: the Host the tasks are told they serve (the ALB passes the public name on). */
export async function startNginx(upstreamPorts: readonly number[], publicHost: string): Promise<Nginx> {
  const dir = await mkdtemp(join(tmpdir(), 'mcp-nginx-'));
  const port = await freePort();
  const confOf = (ports: readonly number[]) => `
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream tasks {
${ports.map((p) => `    server 127.0.0.1:${p} max_fails=1 fail_timeout=2s;`).join('\n')}
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://tasks;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host ${publicHost};
      proxy_set_header X-Forwarded-Proto https;
      proxy_buffering off;
      proxy_request_buffering off;
      proxy_read_timeout 120s;
      proxy_next_upstream error timeout;
      proxy_connect_timeout 2s;
      add_header X-Upstream $upstream_addr always;
    }
  }
}
`;
  await writeFile(join(dir, 'nginx.conf'), confOf(upstreamPorts));
  // Debian installs it in /usr/sbin, which a non-root PATH may lack.
  const binary = existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : 'nginx';
  const child: ChildProcess = spawn(binary, ['-e', join(dir, 'error.log'), '-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const pidFile = join(dir, 'nginx.pid');
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited with code ${child.exitCode}: ${stderr}`);
    try {
      const r = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1_000) });
      await r.body?.cancel();
      if (r.status === 200) break;
    } catch {
      // not yet
    }
    if (Date.now() > until) throw new Error(`nginx did not proxy /health within 10 s: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    async route(ports) {
      await writeFile(join(dir, 'nginx.conf'), confOf(ports));
      const before = await readFile(pidFile, 'utf8');
      // SIGHUP: the master rereads the file and starts new workers; the old ones finish what
      // they proxy. Wait until the new config is in force: a request then names only `ports`.
      process.kill(Number(before.trim()), 'SIGHUP');
      const until = Date.now() + 10_000;
      let inForce = 0;
      while (inForce < 10) {
        const r = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1_000) }).catch(() => undefined);
        await r?.body?.cancel();
        const upstream = r?.headers.get('x-upstream') ?? '';
        inForce = ports.some((p) => upstream.endsWith(`:${p}`)) ? inForce + 1 : 0;
        if (Date.now() > until) throw new Error(`nginx did not take the new upstreams within 10 s: ${stderr}`);
      }
    },
    async close() {
      if (child.exitCode === null) {
        const exited = new Promise<void>((r) => child.once('exit', () => r()));
        child.kill('SIGQUIT');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
        await exited;
        clearTimeout(timer);
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
