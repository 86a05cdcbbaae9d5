import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { indexFileFor } from '../src/context/retrieval/index-store.js';
import { createRetriever } from '../src/context/retrieval/retriever.js';
import { TEMP_MARKER } from '../src/fs/confined.js';
import { cleanUpInterruptedWrites } from '../src/fs/interrupted-writes.js';

const dist = path.resolve(import.meta.dirname, '../dist/src');
const temp = (prefix: string) => realpathSync(mkdtempSync(path.join(tmpdir(), prefix)));

let stateHome: string;
let savedStateHome: string | undefined;
beforeEach(() => {
  savedStateHome = process.env.XDG_STATE_HOME;
  stateHome = temp('agent-state-');
  process.env.XDG_STATE_HOME = stateHome;
});
afterEach(() => {
  if (savedStateHome === undefined) delete process.env.XDG_STATE_HOME;
  else process.env.XDG_STATE_HOME = savedStateHome;
});

const journal = () => path.join(stateHome, 'agent', 'pending-writes');
const temporaries = (dir: string) => readdirSync(dir).filter((name) => name.includes(TEMP_MARKER));

/**
 * Runs `code` (an ES module body; `dist` is the built src/) in a child that writes a 200 MB file over and over,
 * and SIGKILLs it while a temporary file of `dir` exists. Tried again in the rare case the kill landed between
 * two writes, so that a temporary file is certainly left.
 */
async function killMidWrite(code: string, dir: string): Promise<string[]> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const child = spawn(process.execPath, ['--input-type=module', '-e', code, pathToFileURL(dist).href], {
      env: { ...process.env, XDG_STATE_HOME: stateHome },
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    while (existsSync(dir) ? temporaries(dir).length === 0 : true) {
      if (child.exitCode !== null) throw new Error('the writer exited on its own');
      await new Promise((resolve) => setImmediate(resolve));
    }
    child.kill('SIGKILL');
    await exited;
    const left = temporaries(dir);
    if (left.length > 0) return left;
  }
  throw new Error('no temporary file survived the kill');
}

describe('clean-up of writes interrupted by SIGKILL', () => {
  it('removes the temporary file a killed write left in the workspace, and its journal record', async () => {
    const root = temp('agent-repo-');
    writeFileSync(path.join(root, 'big.txt'), 'old\n');
    const left = await killMidWrite(
      `const dist = process.argv[1];
       const { writeConfined } = await import(dist + '/fs/confined.js');
       const content = Buffer.alloc(200 * 1024 * 1024, 97);
       for (;;) await writeConfined(${JSON.stringify(root)}, ${JSON.stringify(path.join(root, 'big.txt'))}, content);`,
      root,
    );
    expect(left).toHaveLength(1);
    expect(readdirSync(journal())).toHaveLength(1);

    await cleanUpInterruptedWrites();
    expect(readdirSync(root).sort()).toEqual(['big.txt']);
    expect(readdirSync(journal())).toEqual([]);
  });

  it('removes the temporary file of a cache save killed half-way', async () => {
    const cacheDir = temp('agent-cache-');
    const file = indexFileFor('/some/repo', cacheDir);
    await killMidWrite(
      `const dist = process.argv[1];
       const { saveJson } = await import(dist + '/context/retrieval/index-store.js');
       const value = { padding: 'x'.repeat(64 * 1024 * 1024) };
       for (;;) await saveJson(${JSON.stringify(file)}, value);`,
      path.dirname(file),
    );
    await cleanUpInterruptedWrites();
    expect(temporaries(path.dirname(file))).toEqual([]);
  });

  it('leaves alone the writes of live processes, anything a record points at that is not a temporary file, and what a temporary symlink points at', async () => {
    const root = temp('agent-repo-');
    const outside = temp('agent-host-');
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    writeFileSync(path.join(outside, `.host${TEMP_MARKER}abc`), 'HOST\n');
    const files = {
      live: path.join(root, `.live.txt${TEMP_MARKER}aaaaaaaaaaaa`),
      plain: path.join(root, 'notes.txt'),
      link: path.join(root, `.link${TEMP_MARKER}bbbbbbbbbbbb`),
      viaDir: path.join(root, 'linked-dir', `.host${TEMP_MARKER}abc`),
    };
    writeFileSync(files.live, 'partial');
    writeFileSync(files.plain, 'keep');
    symlinkSync(path.join(outside, `.host${TEMP_MARKER}abc`), files.link);
    symlinkSync(outside, path.join(root, 'linked-dir'));
    mkdirSync(journal(), { recursive: true });
    const records: [string, number, string][] = [
      ['live', process.pid, files.live],
      ['plain', dead, files.plain],
      ['link', dead, files.link],
      ['via-dir', dead, files.viaDir],
      ['outside', dead, path.join(outside, `.host${TEMP_MARKER}abc`)],
    ];
    for (const [name, pid, target] of records)
      writeFileSync(path.join(journal(), `${name}.json`), JSON.stringify({ pid, root, path: target }));

    await cleanUpInterruptedWrites();
    // A temporary symlink (a checkpoint restore makes them) goes as a link: what it points at stays.
    expect(readdirSync(root).sort()).toEqual([path.basename(files.live), 'linked-dir', 'notes.txt'].sort());
    expect(readdirSync(outside)).toEqual([`.host${TEMP_MARKER}abc`]);
    // Only the live writer's record stays, for a later start to look at again.
    expect(readdirSync(journal())).toEqual(['live.json']);
  });

  it("removes temporary files of earlier versions' cache saves whose writer is dead", async () => {
    const cacheDir = temp('agent-cache-');
    const root = temp('agent-repo-');
    writeFileSync(path.join(root, 'a.ts'), 'export const a = 1;\n');
    const file = indexFileFor(root, cacheDir);
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(`${file}.${dead}.tmp`, '{"half":');
    writeFileSync(`${file}.${process.pid}.tmp`, '{"being written":');
    const retriever = createRetriever({ root, cacheDir });
    await retriever.ready();
    await retriever.dispose();
    expect(readdirSync(path.dirname(file)).sort()).toEqual(
      [path.basename(file), `${path.basename(file)}.${process.pid}.tmp`].sort(),
    );
  });
});
