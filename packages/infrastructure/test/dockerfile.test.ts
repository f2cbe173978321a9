/**
 * The repository Dockerfile and .dockerignore, parsed (dockerfile-ast), not built: there is
 * no Docker engine in CI. The smoke test runs what the image would run.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DockerIgnoreStrategy } from 'aws-cdk-lib';
import { CONTAINER_PORT } from '../lib/config.js';
import { CONTAINER_HEALTH_PROBE, CONTAINER_USER } from '../lib/constructs/gateway-service.js';
import { repositoryRoot } from '../lib/paths.js';
import { cmdScript, filteredScripts, finalStage, packedFiles, parseDockerfile, type DockerStage } from './support/dockerfile.js';

const root = repositoryRoot();
const serverDir = path.join(root, 'packages/server');
const stages = parseDockerfile();
const runtime = finalStage(stages);
const rootPackage = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  packageManager: string;
  pnpm?: { patchedDependencies?: Record<string, string> };
};
/** The patch files pnpm applies at install (`pnpm.patchedDependencies`). */
const patchFiles = Object.values(rootPackage.pnpm?.patchedDependencies ?? {});

/** Follows `FROM <stage>` back to the external image. */
function baseImage(stage: DockerStage): string {
  const parent = stages.find((s) => s.name === stage.image);
  return parent && parent !== stage ? baseImage(parent) : stage.image;
}

function runs(stage: DockerStage): string[] {
  return stage.instructions.filter((i) => i.getKeyword() === 'RUN').map((i) => i.getArgumentsContent() ?? '');
}

describe('Dockerfile', () => {
  it('is multi-stage, and the shipped stage is not the build stage', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const build = stages.find((s) => runs(s).some((r) => /\bbuild\b/.test(r)));
    expect(build).toBeDefined();
    expect(build).not.toBe(runtime);
    expect(runs(runtime)).toEqual([]);
  });

  it('starts from a Node.js 22 or 24 LTS image pinned to an exact version', () => {
    const external = [...new Set(stages.map(baseImage))];
    expect(external.length).toBeGreaterThan(0);
    for (const image of external) {
      expect(image).toMatch(/^node:(22|24)\.\d+\.\d+(-[a-z0-9-]+)?(@sha256:[a-f0-9]{64})?$/);
    }
    expect(baseImage(runtime)).toMatch(/slim|alpine/);
  });

  it('ships only the production deploy of the server package', () => {
    const build = stages.find((s) => s.name === 'build')!;
    const deploy = runs(build).find((r) => r.includes(' deploy '));
    expect(deploy).toMatch(/pnpm --filter @neonpanel-mcp\/server deploy --prod --legacy \/out$/);
    expect(runtime.copies).toEqual([{ from: 'build', sources: ['/out'], destination: './' }]);
  });

  it('copies the OpenAPI contract the server build generates its types from', () => {
    const build = stages.find((s) => s.name === 'build')!;
    const copied = build.copies.filter((c) => c.from === undefined).flatMap((c) => c.sources);
    const spec = 'packages/server/openapi/neonpanel.openapi.json';
    expect(existsSync(path.join(root, spec))).toBe(true);
    expect(copied.some((source) => spec.startsWith(source.replace(/\/?$/, '/')) || source === spec)).toBe(true);
    const serverBuild = JSON.parse(readFileSync(path.join(serverDir, 'package.json'), 'utf8')).scripts.build as string;
    expect(serverBuild).toContain('generate');
  });

  it('copies every patched dependency\'s patch before the frozen install that applies it', () => {
    expect(patchFiles.length).toBeGreaterThan(0);
    const build = stages.find((s) => s.name === 'build')!;
    const installAt = build.instructions.findIndex((i) => i.getKeyword() === 'RUN' && /pnpm install --frozen-lockfile/.test(i.getArgumentsContent() ?? ''));
    expect(installAt).toBeGreaterThan(0);
    const copiedBeforeInstall = build.instructions
      .slice(0, installAt)
      .filter((i) => i.getKeyword() === 'COPY' && !/--from/.test(i.getArgumentsContent() ?? ''))
      .flatMap((i) => (i.getArgumentsContent() ?? '').split(/\s+/).slice(0, -1));
    for (const patch of patchFiles) {
      expect(existsSync(path.join(root, patch))).toBe(true);
      const covered = copiedBeforeInstall.some((source) => source === patch || patch.startsWith(source.replace(/\/?$/, '/')));
      expect([patch, covered]).toEqual([patch, true]);
    }
  });

  it('installs pnpm at the workspace\'s pinned version', () => {
    const pinned = rootPackage.packageManager.replace(/^pnpm@/, '');
    expect(runs(stages.find((s) => s.name === 'build')!).join('\n')).toContain(`npm install --global pnpm@${pinned}`);
  });

  it('runs as a non-root user, the one the task definition names', () => {
    expect(runtime.user).toBeDefined();
    const user = runtime.user!.split(':')[0];
    expect(user).not.toMatch(/^(root|0)$/);
    // The official image's `node` user is uid 1000, which the stack sets as the container user.
    expect(['node', CONTAINER_USER.split(':')[0]]).toContain(user);
  });

  it('has an exec-form CMD', () => {
    expect(runtime.cmd).toEqual({ exec: true, args: expect.any(Array) });
    expect(runtime.cmd!.args[0]).toBe('node');
  });

  it('names in CMD a script the server build actually emits', () => {
    const script = cmdScript(runtime.cmd!.args);
    expect(script).toBeDefined();
    const dist = path.join(serverDir, 'dist');
    if (!existsSync(dist)) {
      throw new Error(`packages/server/dist is missing: build the server first (pnpm --filter @neonpanel-mcp/server build); this test checks CMD against its real output.`);
    }
    expect(existsSync(path.join(serverDir, script!))).toBe(true);
    // …and the one the package itself declares as its entry point.
    const serverPackage = JSON.parse(readFileSync(path.join(serverDir, 'package.json'), 'utf8')) as { main: string; scripts: { start: string } };
    expect(serverPackage.main).toBe(script);
    expect(serverPackage.scripts.start).toBe(`node ${script}`);
  });

  it('exposes the stack\'s container port', () => {
    expect(runtime.expose).toEqual([CONTAINER_PORT]);
    expect(runtime.env['PORT']).toBe(String(CONTAINER_PORT));
  });

  it('checks health against /healthz with node (no curl in slim images)', () => {
    expect(runtime.healthcheck?.slice(0, 2)).toEqual(['node', '-e']);
    expect(runtime.healthcheck?.[2]).toContain('/healthz');
    // ECS ignores the image's HEALTHCHECK; the task definition repeats the same probe.
    expect(runtime.healthcheck?.[2]).toBe(CONTAINER_HEALTH_PROBE);
  });
});

describe('what the image contains (the build replayed: no Docker engine here)', () => {
  const build = () => stages.find((s) => s.name === 'build')!;
  /** Workspace package name → its folder. */
  const packageDirs = new Map(readdirSync(path.join(root, 'packages')).flatMap((dir) => {
    const manifest = path.join(root, 'packages', dir, 'package.json');
    return existsSync(manifest) ? [[(JSON.parse(readFileSync(manifest, 'utf8')) as { name: string }).name, path.join(root, 'packages', dir)] as const] : [];
  }));
  /** The image's /app: what `pnpm deploy … /out` copies of the deployed package (plus node_modules), which the runtime stage copies whole. */
  function imageFiles(): string[] {
    const deploy = /pnpm --filter (\S+) deploy .* (\S+)$/.exec(runs(build()).find((r) => r.includes(' deploy ')) ?? '');
    expect(deploy).not.toBeNull();
    const [, pkg, target] = deploy!;
    expect(runtime.copies).toEqual([{ from: 'build', sources: [target], destination: './' }]);
    const dir = packageDirs.get(pkg!);
    expect(dir).toBeDefined();
    return packedFiles(dir!);
  }
  const demoSecrets = (): string[] => {
    const source = readFileSync(path.join(serverDir, 'src/dev/demoUsers.ts'), 'utf8');
    return [...source.matchAll(/(?:password|subject): '([^']+)'/g)].map((m) => m[1]!);
  };

  it("builds the server's production script only, whose tsconfig leaves src/dev out", () => {
    expect(filteredScripts(build())).toEqual([['@neonpanel-mcp/server', 'build']]);
    const script = (JSON.parse(readFileSync(path.join(serverDir, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts['build']!;
    const project = /tsc -p (\S+)/.exec(script)?.[1];
    expect(project).toBeDefined();
    const tsconfig = JSON.parse(readFileSync(path.join(serverDir, project!), 'utf8')) as { exclude?: string[]; compilerOptions: { outDir: string } };
    expect(tsconfig.compilerOptions.outDir).toBe('dist');
    expect(tsconfig.exclude).toContain('src/dev');
  });

  it('holds the entry point, and no development server, sandbox or demo users', () => {
    if (!existsSync(path.join(serverDir, 'dist'))) throw new Error('packages/server/dist is missing: build the server first (pnpm --filter @neonpanel-mcp/server build).');
    const files = imageFiles();
    expect(files).toContain(cmdScript(runtime.cmd!.args));
    expect(files).toContain('package.json');
    const development = files.filter((f) => /^(dist\/dev|dist-dev|src|test|bench)\//.test(f) || /demoUsers|sandbox|authServer/i.test(f));
    expect(development).toEqual([]);
  });

  it('has no demo user password or subject in any file it holds', () => {
    const secrets = demoSecrets();
    expect(secrets.length).toBeGreaterThanOrEqual(4);
    const leaks = imageFiles().filter((f) => {
      const text = readFileSync(path.join(serverDir, f), 'utf8');
      return secrets.some((s) => text.includes(s));
    });
    expect(leaks).toEqual([]);
  });
});

describe('.dockerignore', () => {
  const patterns = readFileSync(path.join(root, '.dockerignore'), 'utf8').split('\n');
  const ignore = new DockerIgnoreStrategy(root, patterns);
  const ignored = (relative: string) => ignore.ignores(path.join(root, relative));

  it.each([
    'node_modules/express/index.js',
    'packages/server/node_modules/zod/package.json',
    'packages/infrastructure/cdk.out/manifest.json',
    'cdk.out/manifest.json',
    '.git/HEAD',
    'packages/server/dist/main.js',
    'packages/server/dist-dev/dev/start.js',
    '.env',
  ])('keeps %s out of the build context', (file) => {
    expect(ignored(file)).toBe(true);
  });

  it('keeps in every file the Dockerfile copies from the context', () => {
    const sources = stages.flatMap((s) => s.copies).filter((c) => c.from === undefined).flatMap((c) => c.sources);
    const files = [
      ...sources.filter((s) => !s.endsWith('/')),
      'packages/server/openapi/neonpanel.openapi.json',
      'packages/server/src/main.ts',
      'packages/server/tsconfig.build.json',
      ...patchFiles,
    ];
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      expect(existsSync(path.join(root, file))).toBe(true);
      expect([file, ignored(file)]).toEqual([file, false]);
    }
  });
});
