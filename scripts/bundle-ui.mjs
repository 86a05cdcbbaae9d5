// Bundles the interactive UI (ink, React, the markdown renderer) into dist/ui/: loading one ES
// module takes about a third of the time of resolving hundreds of files and scanning the
// CommonJS ones for their exports, which is most of the wait for the first frame.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';

// Chunk names are content hashes: without this, every build's chunks would pile up.
rmSync('dist/ui', { recursive: true, force: true });
import path from 'node:path';

/**
 * Every copy of string-width in the bundle answers through src/tui/one-column-width.ts first and
 * falls back to itself: the first frame then needs none of its costly Unicode set-up.
 */
const oneColumnFirst = {
  name: 'one-column-width-first',
  setup(build) {
    build.onResolve({ filter: /^string-width$/ }, async ({ path: spec, resolveDir, kind, pluginData }) => {
      if (pluginData?.real) return undefined;
      const real = await build.resolve(spec, { resolveDir, kind, pluginData: { real: true } });
      return { path: real.path, namespace: 'one-column-width' };
    });
    build.onLoad({ filter: /.*/, namespace: 'one-column-width' }, ({ path: real }) => ({
      contents: `import stringWidth from ${JSON.stringify(real)};
import { oneColumnWidth } from ${JSON.stringify(path.resolve('dist/src/tui/one-column-width.js'))};
export default (text, options) =>
  (options?.countAnsiEscapeCodes || options?.ambiguousIsNarrow === false ? undefined : oneColumnWidth(text)) ??
  stringWidth(text, options);
`,
      resolveDir: path.dirname(real),
    }));
  },
};

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
  plugins: [oneColumnFirst],
  logLevel: 'warning',
});
