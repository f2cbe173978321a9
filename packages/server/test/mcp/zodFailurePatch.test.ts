/**
 * `patches/zod@4.6.7.patch`: a failing `safeParse` result shares one accessor pair instead of a
 * getter literal per result. With stock zod 4.6.7's literal, the result, its closures and the
 * parsed input survive young-generation GC (measured; the last test). The 2026-07-28
 * classifier (`classifyInboundRequest`) makes two failing parses per request, so on that path
 * each request's body outlived every scavenge until the next full GC.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as z from 'zod/v4';

const here = fileURLToPath(import.meta.url);

const failing = () => z.object({ jsonrpc: z.literal('2.0'), result: z.record(z.string(), z.unknown()) }).strict();

describe('zod failing safeParse results (patched)', () => {
  it('share one accessor pair, in the ESM and the CommonJS build', () => {
    const schema = failing();
    const first = schema.safeParse({ jsonrpc: '2.0', id: 1, method: 'tools/call' });
    const second = schema.safeParse({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
    const getterOf = (result: object) => Object.getOwnPropertyDescriptor(result, 'error')?.get;
    expect(getterOf(first)).toBeDefined();
    expect(getterOf(first)).toBe(getterOf(second));

    const cjs = createRequire(here)('zod/v4') as typeof z;
    const cjsSchema = cjs.string();
    expect(getterOf(cjsSchema.safeParse(1))).toBe(getterOf(cjsSchema.safeParse(2)));
  });

  it('keep zod\'s semantics: own enumerable lazy `error`, replaceable, issues released once built', () => {
    const result = z.string().safeParse(5);
    expect(result.success).toBe(false);
    expect(Object.keys(result)).toEqual(['success', 'error']);
    const state = Object.getOwnPropertySymbols(result).map((key) => (result as unknown as Record<symbol, { issues?: unknown }>)[key]);
    expect(state).toHaveLength(1);
    expect(state[0]!.issues).toBeDefined();

    const error = result.error!;
    expect(error).toBeInstanceOf(z.ZodError);
    expect(error.issues[0]).toMatchObject({ code: 'invalid_type', expected: 'string' });
    expect(result.error).toBe(error);
    expect(state[0]!.issues).toBeUndefined();
    expect({ ...result }.error).toBe(error);
    expect(JSON.parse(JSON.stringify(result))).toMatchObject({ success: false, error: { name: 'ZodError' } });

    const replaced = z.string().safeParse(6);
    const other = new z.ZodError([]);
    (replaced as { error: z.ZodError }).error = other;
    expect(replaced.error).toBe(other);
  });

  it('die young: a failing parse\'s garbage does not survive scavenges', () => {
    // Survival is a property of the heap, not of timing: the child counts what its scavenges
    // copied against what it allocated. Stock zod 4.6.7 reads about 35 % here, the patch about 0.
    const script = `
      const z = require('zod/v4');
      const schema = z.object({ jsonrpc: z.literal('2.0'), result: z.record(z.string(), z.unknown()) }).strict();
      let failures = 0;
      for (let i = 0; i < 150000; i++) {
        const body = { jsonrpc: '2.0', id: i, method: 'tools/call', params: { name: 'x', arguments: { n: i }, _meta: { k: 'v' } } };
        if (!schema.safeParse(body).success) failures++;
      }
      if (failures !== 150000) throw new Error('expected every parse to fail');
    `;
    const child = spawnSync(process.execPath, ['--trace-gc-nvp', '-e', script], { cwd: path.dirname(here), encoding: 'utf8', timeout: 60_000 });
    expect(child.status).toBe(0);
    const sum = (field: string) => [...child.stdout.matchAll(new RegExp(`\\b${field}=(\\d+)`, 'g'))].reduce((total, m) => total + Number(m[1]), 0);
    const allocated = sum('allocated');
    const survived = sum('new_space_survived');
    expect(allocated).toBeGreaterThan(10_000_000);
    expect(survived / allocated).toBeLessThan(0.05);
  });
});
