/**
 * What a page loads, in bytes: minified, gzip (level 9) and brotli (quality
 * 11), each file compressed on its own as it is served, from the built
 * dist/ (built first with `npm run build` if it is missing). The moments:
 * the loader alone (every page), loader + chat (first chat click, with the
 * chat's terms in each language), loader +
 * call button, what a call adds when it starts (sip.js, or livekit-client on
 * the LiveKit media path), and the agent console. The graphs and the
 * measuring are scripts/bundle-sizes.mjs's, the same code `npm run size`
 * checks the budgets with.
 *
 * References built in the same run, with rollup and the same terser options
 * as rollup.config.js, into bench/results/tmp/payload/: a bare sip.js bundle
 * (UserAgent, Inviter, Registerer) and a bare livekit-client bundle (Room and
 * createLocalAudioTrack), so the call chunks can be read as "Warmline's code
 * plus the library". Published figures of other widgets are quoted, marked
 * as not measured here.
 *
 *   node --import tsx bench/payload.ts [--quick]
 *
 * Bound: about 30 s with dist/ present, 45 s on a busy machine (3 s of
 * measuring, the rest terser on the two reference builds, livekit-client
 * the longer); add a minute or so when it has to run `npm run build` first. `--quick` measures dist/ but
 * builds no reference (about 4 s). Starts no process except `npm run build`
 * (waited for) and leaves only its outputs in bench/results/tmp/payload/.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { rollup, type RollupLog } from 'rollup';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terserImport from '@rollup/plugin-terser';
import { RESULTS_DIR, quick, round, writeResult, type Row } from './support/result.js';

// The plugin's types describe a CommonJS module (types/index.d.ts, no "type": "module"), so under NodeNext
// TypeScript takes the default import for the whole module; at run time it is the plugin function.
const terser = terserImport as unknown as typeof terserImport.default;

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const tmp = join(RESULTS_DIR, 'tmp', 'payload');

/** What scripts/bundle-sizes.mjs measures for a list of files. */
interface Measured {
  files: string[];
  min: number;
  gzip: number;
  brotli: number;
}
/** The exports of scripts/bundle-sizes.mjs that this uses (a plain .mjs, so typed here). */
interface BundleSizesModule {
  BUDGETS: Record<string, number>;
  graph(entry: string): string[];
  measure(files: string[]): Measured;
  bundleSizes(): Record<string, Measured>;
}

/** terser's options in rollup.config.js (`browserPlugins`), for references built the same way. */
const TERSER_OPTIONS = { ecma: 2021, module: true, compress: { passes: 3 }, format: { comments: false } } as const;
// The call chunks are built with `format` empty (only the loader adds ascii_only), as the references are.
const TERSER_SOURCE = 'terser({ ecma: 2021, module: true, compress: { passes: 3 }, format: { comments: false, ...format } })';

/** bundleSizes() keys, with how the table names each moment. */
const MOMENTS: Array<[key: string, label: string]> = [
  ['loader', 'loader (every page)'],
  ['loader + chat (en)', 'loader + chat in English (first chat click)'],
  ['loader + chat (zh-Hans)', 'loader + chat in Simplified Chinese'],
  ['loader + chat (zh-Hant)', 'loader + chat in Traditional Chinese'],
  ['loader + chat (ru)', 'loader + chat in Russian'],
  ['loader + call button', 'loader + call button (placed in a page)'],
  ['call start (sip.js)', 'call start on SIP (sip.js chunk)'],
  ['call start (livekit-client)', 'call start on LiveKit (livekit-client chunk)'],
  ['agent console', 'agent console'],
];

/** Bare library bundles, as a site would get by importing just what a call needs. */
const REFERENCES = [
  {
    name: 'bare-sip',
    label: 'bare sip.js (UserAgent, Inviter, Registerer)',
    against: 'call start (sip.js)',
    source: "import { UserAgent, Inviter, Registerer } from 'sip.js';\nexport { UserAgent, Inviter, Registerer };\n",
  },
  {
    name: 'bare-livekit',
    label: 'bare livekit-client (Room, createLocalAudioTrack)',
    against: 'call start (livekit-client)',
    source: "import { Room, createLocalAudioTrack } from 'livekit-client';\nexport { Room, createLocalAudioTrack };\n",
  },
];

/** Published figures quoted in the README and the issue; not measured here. */
const PUBLISHED: Row[] = [
  { label: "Intercom's loader (published)", value: 1.96, unit: 'KB gzip', note: 'quoted from the issue, not measured here' },
  { label: "Crisp's loader (published)", value: 2.8, unit: 'KB gzip', note: 'quoted from the issue, not measured here' },
  { label: "Crisp's whole widget (published)", value: '≈130', unit: 'KB', note: 'quoted from the issue ("about 130 KB"), not measured here' },
  { label: "Chatwoot's widget (published)", value: 170, unit: 'KiB', note: 'quoted from the issue, not measured here' },
];

const kb = (bytes: number) => round(bytes / 1024, 2);
const signedKb = (bytes: number) => `${bytes >= 0 ? '+' : '−'}${kb(Math.abs(bytes))} KB`;

function ensureBuilt(): boolean {
  const needed = ['warmline.js', 'widgets/warmline-chat.js', 'widgets/warmline-call.js', 'widgets/warmline-softphone.js', 'manifests/visitor.json'];
  if (needed.every((f) => existsSync(join(dist, f)))) return false;
  console.log('dist/ is missing or incomplete: running npm run build');
  const built = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) throw new Error(`npm run build failed (exit ${built.status ?? built.signal})`);
  return true;
}

/** Builds one reference entry with rollup + terser into tmp/, and returns its static graph's files. */
async function buildReference(ref: (typeof REFERENCES)[number], sizes: BundleSizesModule, warnings: string[]) {
  const dir = join(tmp, ref.name);
  mkdirSync(dir, { recursive: true });
  const entry = join(dir, 'entry.js');
  writeFileSync(entry, ref.source);
  const bundle = await rollup({
    input: entry,
    plugins: [nodeResolve({ browser: true }), terser(TERSER_OPTIONS)],
    onwarn: (log: RollupLog) => warnings.push(`${ref.name}: ${log.code ?? ''} ${log.message}`.slice(0, 300)),
  });
  try {
    await bundle.write({ dir: join(dir, 'out'), format: 'es', entryFileNames: `${ref.name}.js`, chunkFileNames: 'chunks/[name]-[hash].js' });
  } finally {
    await bundle.close();
  }
  // The same rule as Warmline's graphs: the entry and what it imports statically.
  return sizes.graph(join(dir, 'out', `${ref.name}.js`));
}

const started = performance.now();
const builtNow = ensureBuilt();
const sizes = (await import(pathToFileURL(join(root, 'scripts', 'bundle-sizes.mjs')).href)) as BundleSizesModule;
const measured = sizes.bundleSizes();

rmSync(tmp, { recursive: true, force: true });
const warnings: string[] = [];
const references: Record<string, Measured> = {};
const skipped: string[] = [];
if (quick) skipped.push('--quick: the bare sip.js and livekit-client references are not built (about 25 s of terser)');
else for (const ref of REFERENCES) references[ref.name] = sizes.measure(await buildReference(ref, sizes, warnings));
const sameTerser = readFileSync(join(root, 'rollup.config.js'), 'utf8').includes(TERSER_SOURCE);

const rows: Row[] = [];
for (const [key, label] of MOMENTS) {
  const m = measured[key];
  if (!m) throw new Error(`scripts/bundle-sizes.mjs reported no "${key}"`);
  const ref = REFERENCES.find((r) => r.against === key);
  const bare = ref && references[ref.name];
  const budget = sizes.BUDGETS[key];
  for (const [kind, unit] of [
    ['gzip', 'KB gzip'],
    ['brotli', 'KB brotli'],
    ['min', 'KB minified'],
  ] as const) {
    const row: Row = { label: `${label}, ${kind === 'min' ? 'minified' : kind}`, value: kb(m[kind]), unit };
    const notes: string[] = [];
    if (kind === 'gzip' && budget !== undefined) {
      const margin = budget - m.gzip;
      notes.push(`budget ${kb(budget)} KB gzip: ${margin >= 0 ? `${margin} B (${round((margin / budget) * 100)}%) under` : `OVER by ${-margin} B`}`);
    }
    if (bare && ref) {
      row.reference = { label: ref.label, value: kb(bare[kind]), unit };
      const extra = m[kind] - bare[kind];
      notes.push(`Warmline's call chunk vs ${ref.label}: ${signedKb(extra)} (${round((m[kind] / bare[kind]) * 100)}% of bare)`);
    }
    if (kind === 'gzip') notes.push(`${m.files.length} file${m.files.length === 1 ? '' : 's'}`);
    if (notes.length) row.note = notes.join('; ');
    rows.push(row);
  }
}
rows.push(...PUBLISHED);

const seconds = round((performance.now() - started) / 1000, 1);
const result = writeResult({
  name: 'payload',
  title: 'What a page loads',
  rows,
  raw: {
    unitNote: 'KB = 1024 bytes; each file gzipped (level 9) and brotli-compressed (quality 11) on its own, as served',
    bytes: measured,
    budgets: sizes.BUDGETS,
    references: Object.fromEntries(
      REFERENCES.filter((r) => references[r.name]).map((r) => {
        const m = references[r.name]!;
        return [r.name, { label: r.label, entry: r.source, ...m, files: m.files.map((f) => relative(root, resolve(dist, f))) }];
      }),
    ),
    terserOptions: TERSER_OPTIONS,
    terserOptionsMatchRollupConfig: sameTerser,
    referenceBuildWarnings: warnings,
    builtDistFirst: builtNow,
    quick,
    seconds,
  },
  ...(skipped.length ? { skipped } : {}),
});

for (const row of result.rows) {
  const ref = row.reference ? `  [${row.reference.label}: ${row.reference.value} ${row.reference.unit}]` : '';
  console.log(`${row.label}: ${row.value} ${row.unit}${ref}${row.note ? `  — ${row.note}` : ''}`);
}
for (const why of skipped) console.log(`skipped: ${why}`);
if (!sameTerser) console.warn("\nrollup.config.js's terser options differ from this script's TERSER_OPTIONS: the references are not built the same way.");
console.log(`\npayload: ${seconds} s`);
