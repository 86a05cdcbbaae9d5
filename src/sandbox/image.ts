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
