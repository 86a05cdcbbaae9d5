import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type Docker from 'dockerode';

export interface ImageInfo {
  id: string;
  sizeBytes: number;
  created: string;
}

/** The image's details, or undefined when the engine does not have it. */
export async function inspectImage(docker: Docker, image: string): Promise<ImageInfo | undefined> {
  try {
    const info = await docker.getImage(image).inspect();
    return { id: info.Id, sizeBytes: info.Size, created: info.Created };
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return undefined;
    throw error;
  }
}

export async function requireImage(docker: Docker, image: string): Promise<void> {
  if (await inspectImage(docker, image)) return;
  throw new Error(
    `Sandbox image ${image} is not present. Build it with \`agent sandbox build\` ` +
      '(or pass --sandbox-image with an image you have).',
  );
}

/** How to build: from sandbox/Dockerfile (needs a registry for the base image), or offline from Debian packages. */
export type BuildMethod = 'dockerfile' | 'offline';

export interface BuildOptions {
  image: string;
  method: BuildMethod;
  force: boolean;
}

/** Builds the sandbox image with the docker CLI or sandbox/build-offline.sh; output goes to the terminal. Returns the exit code. */
export function buildImage(options: BuildOptions): Promise<number> {
  const dir = sandboxAssetsDir();
  const [command, args] =
    options.method === 'offline'
      ? ['bash', [join(dir, 'build-offline.sh'), ...(options.force ? ['--force'] : []), options.image]]
      : ['docker', ['build', ...(options.force ? ['--no-cache'] : []), '-t', options.image, dir]];
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'inherit' });
    child.once('error', () => resolve(127));
    child.once('exit', (code) => resolve(code ?? 1));
  });
}

/** The package's sandbox/ directory (Dockerfile, offline build), found upward from this module in src/ or dist/. */
export function sandboxAssetsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'sandbox', 'Dockerfile'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('sandbox/Dockerfile not found next to the agent package');
    dir = parent;
  }
  return join(dir, 'sandbox');
}
