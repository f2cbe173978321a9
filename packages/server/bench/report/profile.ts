/**
 * `--profile DIR`: where our server spent its CPU, from the V8 profiles it wrote on exit —
 * self time by function and by package, so a hot spot shows without opening DevTools.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { num, table } from './format.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** `node_modules/.pnpm/express@5…/node_modules/express/…` → `express`; our code → `ours:<file>`; Node's own modules by path. */
function packageOf(url: string): string {
  if (!url) return '(native)';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules !== -1) {
    const rest = url.slice(modules + '/node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.includes('/dist/')) return `ours:${url.slice(url.lastIndexOf('/dist/') + 6)}`;
  // node:internal/deps/undici/undici, node:internal/webstreams/…, node:_http_server: enough to tell them apart.
  if (url.startsWith('node:')) return url.split('/').slice(0, 3).join('/');
  return url.replace(/^file:\/\//, '');
}

export async function summariseProfiles(dir: string, top = 20): Promise<string> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile'));
  const out: string[] = [];
  for (const file of files) {
    const profile = JSON.parse(await readFile(join(dir, file), 'utf8')) as CpuProfile;
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const selfUs = new Map<number, number>();
    let total = 0;
    profile.samples.forEach((id, i) => {
      const dt = profile.timeDeltas[i] ?? 0;
      selfUs.set(id, (selfUs.get(id) ?? 0) + dt);
      total += dt;
    });
    const byFunction = new Map<string, number>();
    const byPackage = new Map<string, number>();
    for (const [id, us] of selfUs) {
      const frame = byId.get(id)?.callFrame;
      if (!frame) continue;
      const where = frame.url ? `${packageOf(frame.url)}:${frame.lineNumber + 1}` : '';
      const fn = `${frame.functionName || '(anonymous)'} ${where}`.trim();
      byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
      const pkg = frame.url ? packageOf(frame.url) : frame.functionName.startsWith('(') ? frame.functionName : '(native)';
      byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
    }
    // Shares of busy time: idle time says nothing about where the work went.
    const idle = byPackage.get('(idle)') ?? 0;
    const busy = total - idle;
    byPackage.delete('(idle)');
    byFunction.delete('(idle)');
    const rows = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, v]) => [k, `${num((v / busy) * 100)} %`]);
    out.push(`Profile ${file}: ${num(total / 1e6)} s sampled, ${num(busy / 1e6)} s busy (shares below are of busy time, start-up included)`);
    out.push(table(['Self time by package or module', 'share'], rows(byPackage)));
    out.push(table(['Self time by function', 'share'], rows(byFunction)));
    out.push('');
  }
  return files.length ? out.join('\n') : `No .cpuprofile files in ${dir}`;
}
