import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Builds the sandbox image when Docker is there and the image is not (a few minutes, once).
    globalSetup: ['test/support/global-setup.ts'],
    reporters: ['default', './test/support/docker-skip-reporter.ts'],
    tags: [{ name: 'docker', description: 'needs the Docker engine and the sandbox image' }],
  },
});
