#!/usr/bin/env node
/**
 * What each moment of a visit costs in bytes, from the built files in dist/:
 * the loader alone (every page), plus everything the chat needs (on the first
 * chat click), and the agent console. A graph's size is its entry plus every
 * chunk it imports statically, followed transitively.
 *
 *   node scripts/bundle-sizes.mjs           prints a table
 *   node scripts/bundle-sizes.mjs --check   also fails if a budget is exceeded
 *                                           or sip.js/livekit-client leak into
 *                                           the loader or the chat
 *   node scripts/bundle-sizes.mjs --json    machine-readable
 */
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');

/** Budgets in gzip bytes (see docs/performance.md for where they come from). */
export const BUDGETS = {
  loader: 2.5 * 1024,
  'loader + chat': 20 * 1024,
};

/** Libraries that may only load when a call starts. */
const CALL_ONLY = [/sip\.js|SIP\.js|sipjs/i, /livekit/i];

function staticImports(file) {
  const code = readFileSync(file, 'utf8');
  const found = new Set();
  // Minified ESM: import{a as b}from"./chunks/x.js"; import"./y.js"; export{..}from"./z.js"
  for (const m of code.matchAll(/(?:import|export)\s*(?:[\w*{}\s,$]+?\s*from\s*)?["'](\.{1,2}\/[^"']+)["']/g)) {
    found.add(resolve(dirname(file), m[1]));
  }
  return [...found];
}

export function graph(entry) {
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const dep of staticImports(file)) visit(dep);
  };
  visit(entry);
  return [...seen];
}

function measure(files) {
  const code = Buffer.concat(files.map((f) => readFileSync(f)));
  // Each file is fetched (and compressed) on its own: sum per-file compressed sizes.
  let gzip = 0;
  let brotli = 0;
  for (const f of files) {
    const bytes = readFileSync(f);
    gzip += gzipSync(bytes, { level: 9 }).length;
    brotli += brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  }
  return { files: files.map((f) => f.slice(dist.length + 1)), min: code.length, gzip, brotli };
}

export function bundleSizes() {
  const loader = join(dist, 'warmline.js');
  const chat = join(dist, 'widgets', 'warmline-chat.js');
  const softphone = join(dist, 'widgets', 'warmline-softphone.js');
  for (const f of [loader, chat, softphone]) {
    if (!existsSync(f)) throw new Error(`${f} is missing: run npm run build first.`);
  }
  return {
    loader: measure([loader]),
    'loader + chat': measure([loader, ...graph(chat)]),
    'agent console': measure(graph(softphone)),
  };
}

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const sizes = bundleSizes();
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify(sizes, null, 2));
  } else {
    console.log('| What loads | Minified | Gzip | Brotli | Budget (gzip) |');
    console.log('| --- | ---: | ---: | ---: | ---: |');
    for (const [name, s] of Object.entries(sizes)) {
      console.log(`| ${name} | ${kb(s.min)} | ${kb(s.gzip)} | ${kb(s.brotli)} | ${BUDGETS[name] ? kb(BUDGETS[name]) : '—'} |`);
    }
  }
  if (process.argv.includes('--check')) {
    const problems = [];
    for (const [name, budget] of Object.entries(BUDGETS)) {
      if (sizes[name].gzip > budget) problems.push(`${name} is ${kb(sizes[name].gzip)} gzipped; the budget is ${kb(budget)}.`);
    }
    for (const name of ['loader', 'loader + chat']) {
      for (const file of sizes[name].files) {
        const code = readFileSync(join(dist, file), 'utf8');
        for (const lib of CALL_ONLY) {
          if (lib.test(code)) problems.push(`${file} (part of "${name}") contains ${lib}: call libraries must load only when a call starts.`);
        }
      }
    }
    if (problems.length) {
      console.error(`\nSize check failed:\n- ${problems.join('\n- ')}`);
      process.exit(1);
    }
    console.log('\nSize check passed.');
  }
}
