// Bundles the interactive UI (ink, React, the markdown renderer) into dist/ui/: loading one ES
// module takes about a third of the time of resolving hundreds of files and scanning the
// CommonJS ones for their exports, which is most of the wait for the first frame.
import { build } from 'esbuild';

await build({
  entryPoints: { index: 'dist/src/tui/index.js' },
  outdir: 'dist/ui',
  bundle: true,
  // Chunks load on demand: the markdown renderer stays out of the first frame's way.
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  define: {
    // React's production build; the development one is several times larger and slower.
    'process.env.NODE_ENV': '"production"',
    // Yoga's Emscripten loader fetches its own inlined wasm (a data: URL) when fetch exists, which
    // loads Node's whole HTTP client first (~25 ms); without fetch it decodes the bytes directly.
    // Nothing else in the UI fetches.
    fetch: 'undefined',
  },
  // ink imports React DevTools only when DEV=true; the bundle has no use for it. ink's CI
  // detection would blank the UI whenever CI is set (see not-in-ci.ts).
  alias: {
    'react-devtools-core': './dist/src/tui/no-devtools.js',
    'is-in-ci': './dist/src/tui/not-in-ci.js',
  },
  // Bundled CommonJS modules still call require() for Node's own modules.
  banner: {
    js: "import { createRequire as __agentRequire } from 'node:module'; const require = __agentRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
