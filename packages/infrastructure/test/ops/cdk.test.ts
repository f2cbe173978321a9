/**
 * The cdk runner: a child process with the given arguments, in the package directory, whose
 * exit code comes back. A stand-in script plays the CLI.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cdkRunner } from '../../src/ops/cdk.js';
import { OpsError } from '../../src/ops/types.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'cdk-runner-'));
  writeFileSync(path.join(dir, 'fake-cdk.cjs'), [
    "const fs = require('node:fs');",
    "fs.writeFileSync('seen.json', JSON.stringify({ args: process.argv.slice(2), cwd: process.cwd() }));",
    'process.exit(Number(process.argv[3] ?? 0));',
  ].join('\n'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('cdkRunner', () => {
  it('runs the CLI with the arguments, in the directory, and returns its exit code', async () => {
    const run = cdkRunner({ cwd: dir, cdkBin: path.join(dir, 'fake-cdk.cjs') });
    expect(await run(['deploy', '3'])).toBe(3);
    expect(JSON.parse(readFileSync(path.join(dir, 'seen.json'), 'utf8'))).toEqual({ args: ['deploy', '3'], cwd: dir });
    expect(await run(['deploy', '0'])).toBe(0);
  });

  it('finds the aws-cdk CLI this package pins', () => {
    expect(() => cdkRunner({ cwd: dir })).not.toThrow();
  });

  it('fails clearly when the CLI cannot start', async () => {
    const run = cdkRunner({ cwd: dir, cdkBin: 'x', node: path.join(dir, 'no-such-node') });
    await expect(run(['deploy'])).rejects.toThrow(OpsError);
  });
});
