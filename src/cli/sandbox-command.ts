import { connectDocker, DockerUnavailableError, engineAddress } from '../sandbox/docker-engine.js';
import { inspectImage } from '../sandbox/image.js';
import { buildSandboxImage, ImageBuildError } from '../sandbox/image-build.js';
import { sandboxImage } from '../sandbox/sandbox-config.js';

export interface SandboxBuildOptions {
  image?: string;
  /** Build from Debian packages only, without pulling a base image. */
  offline?: boolean;
  force?: boolean;
}

/**
 * `agent sandbox build`: builds the image now rather than on first use, from sandbox/Dockerfile,
 * or offline from Debian packages when asked or when the Dockerfile build fails (no registry).
 */
export async function sandboxBuild(options: SandboxBuildOptions): Promise<number> {
  const image = sandboxImage(options.image);
  const docker = await reachEngine();
  if (!docker) return 1;
  if (!options.force && (await inspectImage(docker, image))) {
    console.log(`Sandbox image ${image} is already present (--force rebuilds it).`);
    return 0;
  }
  try {
    await buildSandboxImage(image, options, {
      notice: (message) => console.log(message),
      output: (chunk) => process.stdout.write(chunk),
    });
    return 0;
  } catch (error) {
    if (!(error instanceof ImageBuildError)) throw error;
    console.error(error.message);
    return 1;
  }
}

/** `agent sandbox status`: is the engine reachable, which image is used, is it present. Exit 0 only when ready. */
export async function sandboxStatus(options: { image?: string }): Promise<number> {
  const image = sandboxImage(options.image);
  const docker = await reachEngine();
  if (!docker) {
    console.log(`Image:  ${image} (unknown: no engine)`);
    return 1;
  }
  const version = await docker.version();
  console.log(`Engine: reachable at ${engineAddress()} (Docker ${version.Version})`);
  const info = await inspectImage(docker, image);
  if (!info) {
    console.log(
      `Image:  ${image} is not present; the first session builds it, or \`agent sandbox build\` now`,
    );
    return 1;
  }
  const sizeMb = Math.round(info.sizeBytes / 1024 ** 2);
  console.log(`Image:  ${image} present (${info.id.slice(7, 19)}, ${sizeMb} MB, created ${info.created})`);
  return 0;
}

async function reachEngine() {
  try {
    return await connectDocker();
  } catch (error) {
    if (!(error instanceof DockerUnavailableError)) throw error;
    console.log(`Engine: ${error.message}`);
    return undefined;
  }
}
