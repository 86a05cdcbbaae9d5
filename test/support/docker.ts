import type Docker from 'dockerode';
import { inject } from 'vitest';
import { connectDocker } from '../../src/sandbox/docker-engine.js';

/**
 * The Docker engine, or undefined when the test set-up (global-setup.ts) found Docker or the
 * sandbox image unavailable: suites that need it are then skipped, and counted at the end.
 */
export const docker: Docker | undefined = inject('dockerSkipReason') ? undefined : await connectDocker();

/** The options of a suite that needs Docker: the tag is what the end-of-run count of skipped Docker tests looks for. */
export const needsDocker = { tags: ['docker'] };
