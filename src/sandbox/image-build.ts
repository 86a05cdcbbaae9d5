import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { sandboxAssetsDir } from './image.js';

/** Where a build reports: its steps (which build, why it falls back) and its own output as it comes. */
export interface BuildProgress {
  notice(message: string): void;
  output(chunk: string): void;
}

export interface BuildOptions {
  /** Build from Debian packages only, without trying sandbox/Dockerfile. */
  offline?: boolean;
  /** Rebuild even when the image exists. */
  force?: boolean;
}

/** Neither build worked; the message says what each one needs. */
export class ImageBuildError extends Error {
  override name = 'ImageBuildError';
}

/**
 * Builds the sandbox image from sandbox/Dockerfile, which needs an image registry for its base
 * image, and when that fails offline from Debian packages (sandbox/build-offline.sh: debootstrap
 * as root, a Debian mirror, Node 22 from the host).
 */
export async function buildSandboxImage(
  image: string,
  options: BuildOptions,
  progress: BuildProgress,
): Promise<void> {
  const dir = sandboxAssetsDir();
  const force = options.force ? ['--force'] : [];
  let dockerfile: string | undefined;
  if (!options.offline) {
    progress.notice(`Building the sandbox image ${image} from sandbox/Dockerfile…`);
    const args = ['build', ...(options.force ? ['--no-cache'] : []), '-t', image, dir];
    dockerfile = await run('docker', args, progress);
    if (dockerfile === undefined) return;
    progress.notice(
      'The Dockerfile build failed (is an image registry reachable?); building offline from Debian packages…',
    );
  } else {
    progress.notice(`Building the sandbox image ${image} offline from Debian packages…`);
  }
  const offline = await run('bash', [join(dir, 'build-offline.sh'), ...force, image], progress);
  if (offline === undefined) return;
  throw new ImageBuildError(
    [
      `Could not build the sandbox image ${image}.`,
      ...(dockerfile === undefined ? [] : [`From sandbox/Dockerfile: ${dockerfile}`]),
      `Offline from Debian packages: ${offline}`,
      'The Dockerfile build needs an image registry (Docker Hub); the offline build needs root, ' +
        'debootstrap (`apt-get install debootstrap`) and a Debian mirror. Fix either, then run ' +
        '`agent sandbox build`, or use `--sandbox-image` with an image you have, ' +
        'or run commands on the host with `--sandbox none --yolo`.',
    ].join('\n'),
  );
}

/** Runs one build, its output streamed to progress; undefined when it succeeded, else why it failed. */
function run(command: string, args: string[], progress: BuildProgress): Promise<string | undefined> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    const onData = (data: Buffer) => {
      const chunk = data.toString('utf8');
      tail = (tail + chunk).slice(-4096);
      progress.output(chunk);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', (error) => resolve(`\`${command}\` could not be started (${error.message})`));
    child.once('close', (code) => resolve(code === 0 ? undefined : lastLine(tail) || `exit code ${code}`));
  });
}

/** The build's last non-empty line: where it says what went wrong. */
function lastLine(text: string): string {
  return text.trimEnd().split('\n').at(-1)?.trim() ?? '';
}
