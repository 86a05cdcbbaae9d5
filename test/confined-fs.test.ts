import { execFileSync, type ChildProcess } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  FileRefused,
  readConfined,
  readConfinedSync,
  readdirConfined,
  writeConfined,
} from '../src/fs/confined.js';
import { startFlipper } from './support/symlink-flipper.js';

let flipper: ChildProcess | undefined;
afterEach(() => {
  flipper?.kill('SIGKILL');
  flipper = undefined;
});

function setup() {
  const root = realpathSync(mkdtempSync(path.join(tmpdir(), 'agent-confined-')));
  const outside = realpathSync(mkdtempSync(path.join(tmpdir(), 'agent-host-')));
  writeFileSync(path.join(outside, 'host.txt'), 'HOST CONTENT\n');
  writeFileSync(path.join(root, 'inside.txt'), 'inside\n');
  mkdirSync(path.join(root, 'realsub'));
  writeFileSync(path.join(root, 'realsub', 'x.txt'), 'inside x\n');
  writeFileSync(path.join(outside, 'x.txt'), 'HOST X\n');
  return { root, outside };
}

describe('confined file access against a process flipping symlinks', () => {
  it('never reads, writes or lists a host file, however the race falls', async () => {
    const { root, outside } = setup();
    symlinkSync(path.join(root, 'inside.txt'), path.join(root, 'flip'));
    symlinkSync(path.join(root, 'realsub'), path.join(root, 'sub'));
    flipper = await startFlipper(root, {
      flip: [path.join(outside, 'host.txt'), path.join(root, 'inside.txt')],
      sub: [outside, path.join(root, 'realsub')],
    });
    let written = 0;
    let refused = 0;
    for (let i = 0; i < 400; i++) {
      for (const [file, content] of [
        ['flip', `written ${i}\n`],
        ['sub/x.txt', `sub written ${i}\n`],
      ] as const) {
        try {
          await writeConfined(root, path.join(root, file), content);
          written++;
        } catch (error) {
          if (!(error instanceof FileRefused)) throw error;
          refused++;
        }
        const read = await readConfined(root, path.join(root, file), { maxBytes: 1e6 }).catch((error) => {
          if (!(error instanceof FileRefused)) throw error;
          return Buffer.from('');
        });
        expect(read.toString()).not.toContain('HOST');
        expect(readConfinedSync(root, path.join(root, file), 1e6)?.toString() ?? '').not.toContain('HOST');
      }
      const listing = await readdirConfined(root, path.join(root, 'sub')).catch(() => []);
      expect(listing.map((e) => e.name)).not.toContain('host.txt');
    }
    flipper.kill('SIGKILL');
    expect(readFileSync(path.join(outside, 'host.txt'), 'utf8')).toBe('HOST CONTENT\n');
    expect(readFileSync(path.join(outside, 'x.txt'), 'utf8')).toBe('HOST X\n');
    expect(
      execFileSync('ls', ['-A', outside], { encoding: 'utf8' }).split('\n').filter(Boolean).sort(),
    ).toEqual(['host.txt', 'x.txt']);
    // Both ways through the race happened: some writes landed (inside), some were refused.
    expect(written).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  });

  it('writes through a symlink that stays inside the workspace, and refuses one that leaves it', async () => {
    const { root, outside } = setup();
    symlinkSync('inside.txt', path.join(root, 'alias'));
    symlinkSync(path.join(outside, 'host.txt'), path.join(root, 'escape'));
    await writeConfined(root, path.join(root, 'alias'), 'via alias\n');
    expect(readFileSync(path.join(root, 'inside.txt'), 'utf8')).toBe('via alias\n');
    await expect(writeConfined(root, path.join(root, 'escape'), 'x')).rejects.toMatchObject({
      reason: 'outside',
    });
    await expect(readConfined(root, path.join(root, 'escape'), { maxBytes: 1e6 })).rejects.toMatchObject({
      reason: 'outside',
    });
    expect(readFileSync(path.join(outside, 'host.txt'), 'utf8')).toBe('HOST CONTENT\n');
  });

  it('refuses FIFOs and oversized files at once instead of blocking', async () => {
    const { root } = setup();
    execFileSync('mkfifo', [path.join(root, 'pipe')]);
    await expect(readConfined(root, path.join(root, 'pipe'), { maxBytes: 1e6 })).rejects.toMatchObject({
      reason: 'not-regular',
    });
    expect(readConfinedSync(root, path.join(root, 'pipe'), 1e6)).toBeUndefined();
    await expect(writeConfined(root, path.join(root, 'pipe'), 'x')).rejects.toMatchObject({
      reason: 'not-regular',
    });
    writeFileSync(path.join(root, 'big.txt'), 'x'.repeat(5000));
    await expect(readConfined(root, path.join(root, 'big.txt'), { maxBytes: 4096 })).rejects.toMatchObject({
      reason: 'too-large',
      size: 5000,
    });
    expect(existsSync(path.join(root, 'pipe'))).toBe(true);
  });
});
