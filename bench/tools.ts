import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { HostSandbox } from '../src/sandbox/host.js';
import { Visibility } from '../src/fs/visibility/policy.js';
import { listTool } from '../tools/list.js';
import { readTool } from '../tools/read.js';
import { gitGrep, nodeWalk, ripgrep, type SearchBackend } from '../tools/search-backends.js';
import type { ToolContext } from '../tools/tool.js';
import { Workspace } from '../tools/workspace.js';
import { median, timeRuns, type BenchFigure, type BenchSection } from './report.js';

const RUNS = 15;
const DIRECTORIES = 40;
const FILES_PER_DIRECTORY = 50;
const LINES_PER_FILE = 200;
const RARE = 'uniqueMarkerIdentifier';

/** Latency of the read-only tools on a mid-sized repository, and of starting a host command. */
export async function run(): Promise<BenchSection> {
  const root = syntheticRepo();
  try {
    const sandbox = new HostSandbox(root);
    const ctx: ToolContext = {
      workspace: new Workspace(root),
      sandbox,
      signal: new AbortController().signal,
      onOutput: () => {},
      requestPermission: async () => false,
    };
    const searchWith = (backend: SearchBackend, query: string) => () =>
      backend({
        visibility: new Visibility(ctx.workspace.root),
        target: '.',
        targetIsFile: false,
        query,
        regex: false,
        limit: 100,
        signal: ctx.signal,
      });
    const figures: BenchFigure[] = [
      await figure('search one rare identifier, ripgrep', searchWith(ripgrep, RARE), 150),
      await figure('search one rare identifier, git grep', searchWith(gitGrep, RARE), 300),
      await figure('search one rare identifier, pure Node walk', searchWith(nodeWalk, RARE), 1500),
      await figure('search 22,000 matches, ripgrep', searchWith(ripgrep, 'needle_17'), 500),
      await figure('list, whole repository', () => listTool.run({}, ctx), 200),
      await figure('read, 2,000-line page', () => readTool.run({ path: 'dir00/file00.ts' }, ctx), 20),
    ];
    const floor = median(await timeRuns(RUNS, () => promisify(execFile)('bash', ['-c', 'true'])));
    const exec = median(await timeRuns(RUNS, () => sandbox.exec('true', { timeoutMs: 10_000 })));
    figures.push(
      { name: 'bare `bash -c true` spawn, median (floor)', value: floor, unit: 'ms' },
      {
        name: 'host sandbox `true` over the floor',
        value: exec - floor,
        unit: 'ms',
        target: '< 10 ms',
        pass: exec - floor < 10,
      },
    );
    return {
      title: 'Tools (search, list, read, host exec)',
      figures,
      notes: [
        `Repository: ${DIRECTORIES * FILES_PER_DIRECTORY} files of ${LINES_PER_FILE} lines (${DIRECTORIES * FILES_PER_DIRECTORY * LINES_PER_FILE} lines), plus an ignored build directory of the same size.`,
      ],
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

async function figure(name: string, action: () => Promise<unknown>, targetMs: number): Promise<BenchFigure> {
  const value = median(await timeRuns(RUNS, action));
  return { name: `${name}, median`, value, unit: 'ms', target: `< ${targetMs} ms`, pass: value < targetMs };
}

/** A committed git repository whose ignored `build/` mirrors the sources, so ignoring it matters. */
function syntheticRepo(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'agent-bench-tools-'));
  const body = Array.from(
    { length: LINES_PER_FILE },
    (_, i) => `export const needle_${i} = ${i}; // filler text`,
  ).join('\n');
  for (const top of ['', 'build/']) {
    for (let d = 0; d < DIRECTORIES; d++) {
      const dir = path.join(root, `${top}dir${String(d).padStart(2, '0')}`);
      mkdirSync(dir, { recursive: true });
      for (let f = 0; f < FILES_PER_DIRECTORY; f++)
        writeFileSync(path.join(dir, `file${String(f).padStart(2, '0')}.ts`), body);
    }
  }
  writeFileSync(path.join(root, '.gitignore'), 'build/\n');
  writeFileSync(path.join(root, 'dir20', 'rare.ts'), `export const ${RARE} = 1;\n`);
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, stdio: 'pipe' });
  git('init', '-q');
  git('add', '-A');
  git('-c', 'user.name=Bench', '-c', 'user.email=bench@example.com', 'commit', '-qm', 'bench');
  return root;
}
