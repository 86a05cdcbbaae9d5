import type Docker from 'dockerode';
import { connectDocker } from '../../src/sandbox/docker-engine.js';

/**
 * The Docker engine, or undefined when none is reachable (Docker suites then
 * skip with a message). CI sets AGENT_REQUIRE_DOCKER=1, where a missing engine
 * is a failure rather than a skip.
 */
export const docker: Docker | undefined = await connectDocker().catch((error: Error) => {
  if (process.env.AGENT_REQUIRE_DOCKER === '1')
    throw new Error(`Docker is required here but unreachable: ${error.message}`);
  console.warn(`Skipping Docker tests: ${error.message}`);
  return undefined;
});
