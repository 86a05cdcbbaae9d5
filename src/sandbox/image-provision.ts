import path from 'node:path';
import type Docker from 'dockerode';
import { withFileLock } from '../core/file-lock.js';
import { stateDir } from '../core/state-dir.js';
import { inspectImage } from './image.js';
import { DEFAULT_SANDBOX_IMAGE } from './sandbox-config.js';
import { buildSandboxImage, type BuildProgress } from './image-build.js';

/**
 * Makes sure the engine has the sandbox image, building agent's own image (any tag of
 * agent-sandbox) the first time it is needed; an image the user brought is theirs to provide.
 * One build per image at a time on this machine: a session that finds another one building
 * waits for it (a lock file in the state directory), then uses what it built.
 */
export async function provideImage(docker: Docker, image: string, progress: BuildProgress): Promise<void> {
  if (await inspectImage(docker, image)) return;
  if (repository(image) !== repository(DEFAULT_SANDBOX_IMAGE))
    throw new Error(
      `Sandbox image ${image} is not present. Pull or build it (\`agent sandbox build --image ${image}\` ` +
        "builds agent's own image under that name), or leave out --sandbox-image to use agent's image, built on first use.",
    );
  await withFileLock(
    lockFile(image),
    async () => {
      if (await inspectImage(docker, image)) return;
      progress.notice(
        `The sandbox image ${image} is not present: building it once, which takes a minute or two.`,
      );
      await buildSandboxImage(image, {}, progress);
    },
    (holder) =>
      progress.notice(
        `Waiting for another agent (pid ${holder}) that is building the sandbox image ${image}…`,
      ),
  );
}

/** The image name without its tag. */
function repository(image: string): string {
  return image.replace(/:[^:/]*$/, '');
}

function lockFile(image: string): string {
  return path.join(stateDir(), 'locks', `sandbox-image-${image.replace(/[^\w.-]+/g, '_')}.lock`);
}
