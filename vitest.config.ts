import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The in-process UI tests load ink from source, not from the bundle: the same stand-in for its
  // CI detection as the bundle's (scripts/bundle-ui.mjs), so that CI=true does not blank them.
  resolve: { alias: { 'is-in-ci': fileURLToPath(new URL('src/tui/not-in-ci.ts', import.meta.url)) } },
  test: {
    server: { deps: { inline: ['ink'] } },
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Builds the sandbox image when Docker is there and the image is not (a few minutes, once).
    globalSetup: ['test/support/global-setup.ts'],
    reporters: ['default', './test/support/docker-skip-reporter.ts'],
    tags: [{ name: 'docker', description: 'needs the Docker engine and the sandbox image' }],
  },
});
