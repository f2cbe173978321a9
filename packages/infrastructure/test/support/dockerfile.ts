/**
 * The repository Dockerfile, parsed with dockerfile-ast into the facts the tests check.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import { repositoryRoot } from '../../lib/paths.js';

export interface DockerStage {
  image: string;
  name: string | undefined;
  instructions: Instruction[];
  /** Last USER of the stage, undefined when none (root). */
  user: string | undefined;
  /** CMD in exec form; `exec` false when shell form. */
  cmd: { exec: boolean; args: string[] } | undefined;
  expose: number[];
  env: Record<string, string>;
  workdir: string | undefined;
  /** HEALTHCHECK's CMD in exec form, undefined when none. */
  healthcheck: string[] | undefined;
  /** COPY instructions: `from` is the --from stage, undefined for the build context. */
  copies: { from: string | undefined; sources: string[]; destination: string }[];
}

export const DOCKERFILE_PATH = path.join(repositoryRoot(), 'Dockerfile');

export function parseDockerfile(content: string = readFileSync(DOCKERFILE_PATH, 'utf8')): DockerStage[] {
  const dockerfile = DockerfileParser.parse(content);
  const stages: DockerStage[] = [];
  let current: DockerStage | undefined;
  for (const instruction of dockerfile.getInstructions()) {
    const keyword = instruction.getKeyword();
    const args = instruction.getArguments().map((a) => a.getValue());
    if (keyword === 'FROM') {
      const asIndex = args.findIndex((a) => a.toUpperCase() === 'AS');
      current = {
        image: args[0] ?? '',
        name: asIndex >= 0 ? args[asIndex + 1] : undefined,
        instructions: [],
        user: undefined,
        cmd: undefined,
        expose: [],
        env: {},
        workdir: undefined,
        healthcheck: undefined,
        copies: [],
      };
      stages.push(current);
      continue;
    }
    if (!current) continue;
    current.instructions.push(instruction);
    switch (keyword) {
      case 'USER':
        current.user = args.join(' ');
        break;
      case 'CMD': {
        const json = (instruction as unknown as { getJSONStrings(): { getJSONValue(): string }[] }).getJSONStrings();
        current.cmd = json.length > 0 ? { exec: true, args: json.map((s) => s.getJSONValue()) } : { exec: false, args };
        break;
      }
      case 'EXPOSE':
        current.expose.push(...args.map((a) => Number.parseInt(a, 10)));
        break;
      case 'ENV':
        for (const property of (instruction as unknown as { getProperties(): { getName(): string; getValue(): string | null }[] }).getProperties()) {
          current.env[property.getName()] = property.getValue() ?? '';
        }
        break;
      case 'COPY': {
        const flags = (instruction as unknown as { getFlags(): { getName(): string; getValue(): string | null }[] }).getFlags();
        const from = flags.find((f) => f.getName() === 'from')?.getValue() ?? undefined;
        current.copies.push({ from, sources: args.slice(0, -1), destination: args.at(-1) ?? '' });
        break;
      }
      case 'WORKDIR':
        current.workdir = args[0];
        break;
      case 'HEALTHCHECK': {
        const match = /\bCMD\s+(\[[\s\S]*\])\s*$/.exec(instruction.getArgumentsContent() ?? '');
        current.healthcheck = match?.[1] ? (JSON.parse(match[1]) as string[]) : undefined;
        break;
      }
      default:
        break;
    }
  }
  return stages;
}

/** The stage the image ships: the last one. */
export function finalStage(stages: DockerStage[] = parseDockerfile()): DockerStage {
  const last = stages.at(-1);
  if (!last) throw new Error('The Dockerfile has no FROM');
  return last;
}

/** The script node runs: the first CMD argument after `node` that is not an option. */
export function cmdScript(cmd: string[]): string | undefined {
  if (cmd[0] !== 'node') return undefined;
  return cmd.slice(1).find((a) => !a.startsWith('-'));
}

/**
 * The files `pnpm deploy` copies from a workspace package into its target (the image's /out):
 * the package's packed file list (`files` in package.json, plus package.json itself), which
 * `pnpm pack --dry-run` prints without writing anything. The deploy adds only node_modules.
 */
export function packedFiles(packageDir: string): string[] {
  const pack = spawnSync('pnpm', ['pack', '--dry-run', '--json'], { cwd: packageDir, encoding: 'utf8', timeout: 60_000 });
  if (pack.status !== 0) throw new Error(`pnpm pack --dry-run failed in ${packageDir} (${String(pack.status)}): ${pack.stderr}`);
  const listed = JSON.parse(pack.stdout) as { files: { path: string }[] };
  return listed.files.map((f) => f.path);
}

/** The `pnpm --filter <package> <script>` runs of a stage, as [package, script] pairs. */
export function filteredScripts(stage: DockerStage): [string, string][] {
  return stage.instructions
    .filter((i) => i.getKeyword() === 'RUN')
    .map((i) => /^pnpm --filter (\S+) (?!deploy\b)([\w:-]+)$/.exec((i.getArgumentsContent() ?? '').trim()))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => [m[1]!, m[2]!]);
}
