/**
 * Four builds:
 * 1. the loader, dist/warmline.js: one classic script (IIFE) for the script
 *    tag, with no imports of its own;
 * 2. the visitor's widget modules, dist/widgets/: ES modules the loader
 *    imports on demand, sharing chunks (dist/widgets/chunks/, content-hashed);
 * 3. the agent's console, dist/widgets/warmline-softphone.js: built apart so
 *    nothing of it is shared with (or splits) the visitor's bundles;
 * 4. the server, dist/server/: TypeScript transpiled for Node, dependencies
 *    left external.
 * TypeScript is transpiled by esbuild; `npm run typecheck` (tsc) checks types.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { builtinModules } from 'node:module';
import esbuild from 'rollup-plugin-esbuild';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';

// A fresh dist/ on each build: old content-hashed chunks would otherwise pile up (watch mode keeps it).
if (!process.env.ROLLUP_WATCH) rmSync('dist', { recursive: true, force: true });

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const define = { __VERSION__: JSON.stringify(pkg.version) };

/**
 * Minifies the CSS in our style modules (`*.styles.ts`, `base/theme.ts`),
 * which hold plain css`` templates, some with `${name}` interpolations of
 * other templates (kept; a template with any other expression is left
 * whole). Terser leaves template contents alone; this saves about a third
 * of their bytes.
 */
function minifyStyleTemplates() {
  const minify = (css) =>
    css
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/\s+/g, ' ')
      .replace(/\s*([{};,>])\s*/g, '$1')
      .replace(/:\s+/g, ':')
      .replace(/;}/g, '}')
      .trim();
  return {
    name: 'minify-style-templates',
    transform(code, id) {
      if (!/(\.styles|[\\/]theme)\.ts$/.test(id)) return null;
      return {
        code: code.replace(/css`([^`]*)`/g, (whole, body) => {
          const parts = body.split(/(\$\{\w+\})/);
          if (parts.some((part, i) => i % 2 === 0 && part.includes('${'))) return whole;
          return `css\`${parts.map((part, i) => (i % 2 ? part : minify(part))).join('')}\``;
        }),
        map: null,
      };
    },
  };
}

/**
 * Writes dist/manifests/<name>.json: for every output file of the build, the
 * source modules in it (outside the served directories). The size check
 * (scripts/bundle-sizes.mjs) reads it to prove that sip.js and
 * livekit-client stay out of what pages load before a call.
 */
function moduleManifest(name) {
  return {
    name: 'module-manifest',
    writeBundle(_options, bundle) {
      const manifest = {};
      for (const [fileName, output] of Object.entries(bundle)) {
        if (output.type === 'chunk') manifest[fileName] = output.moduleIds.map((id) => relative(process.cwd(), id));
      }
      mkdirSync('dist/manifests', { recursive: true });
      writeFileSync(`dist/manifests/${name}.json`, JSON.stringify(manifest, null, 1));
    },
  };
}

/** `format`: terser's output options for this build, over the shared ones. */
const browserPlugins = (format = {}) => [
  nodeResolve({ browser: true }),
  minifyStyleTemplates(),
  esbuild({ target: 'es2021', define, tsconfig: 'tsconfig.json' }),
  terser({ ecma: 2021, module: true, compress: { passes: 3 }, format: { comments: false, ...format } }),
];

export default [
  {
    input: 'widgets/loader.ts',
    // What visitors' pages load carries no sourceMappingURL comment (150-odd bytes per page load);
    // the maps are still written beside the files, for anyone debugging to load by hand.
    output: { file: 'dist/warmline.js', format: 'iife', sourcemap: 'hidden' },
    // Its few non-ASCII strings (the launcher's names) gzip smaller as \u escapes (about 30 bytes);
    // the widgets' language chunks, mostly such text, gzip smaller as UTF-8.
    plugins: [...browserPlugins({ ascii_only: true }), moduleManifest('loader')],
  },
  {
    input: {
      'warmline-chat': 'widgets/chat-panel/warmline-chat.ts',
      'warmline-call': 'widgets/call/warmline-call.ts',
    },
    output: {
      dir: 'dist/widgets',
      format: 'es',
      entryFileNames: '[name].js',
      chunkFileNames: 'chunks/[name]-[hash].js',
      sourcemap: 'hidden',
    },
    plugins: [...browserPlugins(), moduleManifest('visitor')],
  },
  {
    input: { 'warmline-softphone': 'widgets/softphone/warmline-softphone.ts' },
    output: { dir: 'dist/widgets', format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js', sourcemap: true },
    plugins: [...browserPlugins(), moduleManifest('agent')],
  },
  {
    input: { main: 'signaling/main.ts', agents: 'signaling/cli/agents.ts' },
    output: { dir: 'dist/server', format: 'es', sourcemap: true },
    external: [...Object.keys(pkg.dependencies), ...builtinModules, /^node:/, /^@koa\//],
    plugins: [esbuild({ target: 'node20', tsconfig: 'tsconfig.json' })],
  },
];
