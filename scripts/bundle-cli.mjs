// Bundles the command line (dist/src, dist/tools and the small pure-JS packages on the start path)
// into dist/cli/: Node resolves, reads and links one module per file, and for the ~300 files
// behind `agent` that costs more than running them. Chunks split at dynamic imports, so
// `agent --version` still loads only the entry and commander.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';

// Chunk names are content hashes: without this, every build's chunks would pile up.
rmSync('dist/cli', { recursive: true, force: true });

/** Packages loaded on every start: bundled. The rest (provider SDKs, Docker, tree-sitter with its wasm) stay external. */
const BUNDLED = new Set([
  'commander',
  'zod',
  'diff',
  'picomatch',
  'ignore',
  'p-limit',
  'yocto-queue',
  're2js',
]);

const packageName = (spec) =>
  spec
    .split('/')
    .slice(0, spec.startsWith('@') ? 2 : 1)
    .join('/');

await build({
  // bin/agent loads model-keys before anything else, then main; they share one copy of every module.
  entryPoints: { main: 'dist/src/cli/main.js', 'model-keys': 'dist/src/core/model-keys.js' },
  outdir: 'dist/cli',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  plugins: [
    {
      name: 'external-packages',
      setup(build) {
        build.onResolve({ filter: /^[^./]/ }, ({ path }) =>
          BUNDLED.has(packageName(path)) ? undefined : { external: true },
        );
      },
    },
  ],
  // Bundled CommonJS modules (commander, picomatch) still call require() for Node's own modules.
  banner: {
    js: "import { createRequire as __agentRequire } from 'node:module'; const require = __agentRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
