/**
 * The operator tools import one another in one direction only (issue 27: deploy.ts and
 * deploy-blue-green.ts imported each other). Type-only imports count: a cycle of types is
 * still two rooms that cannot be understood apart.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const OPS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/ops');

/** Module name → the modules of the same folder it imports (`./x.js`). */
function importGraph(dir: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    const source = readFileSync(path.join(dir, file), 'utf8');
    const targets = [...source.matchAll(/^\s*(?:import|export)\b[^;]*?from\s+'\.\/([^']+)\.js'/gms)].map((m) => `${m[1]!}.ts`);
    graph.set(file, targets);
  }
  return graph;
}

function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const visit = (node: string, trail: string[]): void => {
    const at = trail.indexOf(node);
    if (at >= 0) {
      found.push([...trail.slice(at), node]);
      return;
    }
    for (const next of graph.get(node) ?? []) visit(next, [...trail, node]);
  };
  for (const node of graph.keys()) visit(node, []);
  return found;
}

it('src/ops has no import cycle, type-only imports included', () => {
  const graph = importGraph(OPS);
  expect(graph.get('deploy.ts')).toContain('deploy-blue-green.ts');
  expect(cycles(graph)).toEqual([]);
});

it('finds a cycle when there is one (the check itself can fail)', () => {
  expect(cycles(new Map([['a.ts', ['b.ts']], ['b.ts', ['a.ts']]]))).not.toEqual([]);
});
