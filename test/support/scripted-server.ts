import { afterEach } from 'vitest';
import { startScriptedProvider, type ScriptedProvider } from '../scripted-provider/server.js';
import type { Script } from '../scripted-provider/types.js';

export interface ScriptedProviderPerTest {
  /** Starts the provider for the running test; the latest one started is closed after it. */
  start(script: Script, options?: { port?: number }): Promise<ScriptedProvider>;
  /** The provider the running test started (for helpers that run the agent against it). */
  current(): ScriptedProvider;
}

/** Call at a test file's top level: each test starts its own scripted provider, closed when the test ends. */
export function scriptedProviderPerTest(): ScriptedProviderPerTest {
  let server: ScriptedProvider | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  return {
    start: async (script, options) => (server = await startScriptedProvider(script, options)),
    current: () => {
      if (!server) throw new Error('no scripted provider started in this test');
      return server;
    },
  };
}
