import type { TestProject } from 'vitest/node';
import { connectDocker } from '../../src/sandbox/docker-engine.js';
import { ImageBuildError } from '../../src/sandbox/image-build.js';
import { provideImage } from '../../src/sandbox/image-provision.js';
import { sandboxImage } from '../../src/sandbox/sandbox-config.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Set when the Docker suites cannot run here: why (test/support/docker.ts skips them, the reporter counts them). */
    dockerSkipReason?: string;
  }
}

/**
 * Before any test: the Docker engine and the sandbox image, built as a first session would build
 * it. Without them the Docker suites are skipped, loudly; CI (AGENT_REQUIRE_DOCKER=1) fails instead.
 */
export default async function setup(project: TestProject): Promise<void> {
  const reason = await dockerUnavailable();
  if (reason === undefined) return;
  if (process.env.AGENT_REQUIRE_DOCKER === '1') throw new Error(`Docker is required here: ${reason}`);
  console.warn(`Docker tests will be skipped: ${reason}`);
  project.provide('dockerSkipReason', reason);
}

async function dockerUnavailable(): Promise<string | undefined> {
  const docker = await connectDocker().catch((error: Error) => error);
  if (docker instanceof Error) return docker.message;
  try {
    await provideImage(docker, sandboxImage(), {
      notice: (message) => console.log(message),
      output: (chunk) => process.stdout.write(chunk),
    });
    return undefined;
  } catch (error) {
    if (!(error instanceof ImageBuildError)) throw error;
    return error.message;
  }
}
