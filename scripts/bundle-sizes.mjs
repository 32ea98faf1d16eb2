#!/usr/bin/env node
/**
 * What each moment of a visit costs in bytes, from the built files in dist/:
 * the loader alone (every page), what the chat needs (first chat click, with
 * the chat's terms in the visitor's language: one row per language), the
 * call button placed in a page, what a call adds when it starts (sip.js, or
 * livekit-client on the LiveKit media path), and the agent console. A graph's
 * size is its entry plus every chunk it imports statically, followed
 * transitively; each file is compressed on its own, as it is served.
 *
 *   node scripts/bundle-sizes.mjs           prints a table
 *   node scripts/bundle-sizes.mjs --check   also fails if a budget is exceeded,
 *                                           or if sip.js or livekit-client is in
 *                                           anything loaded before a call starts
 *   node scripts/bundle-sizes.mjs --json    machine-readable
 */
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');

/**
 * Budgets in gzip bytes (Intercom's loader is 1.96 KB, Crisp's 2.8 KB; Crisp's whole widget about 130 KB).
 * Raised with the four languages from 2.5 KB and 20 KB, which they no longer fit: the loader names
 * its button in the page's language and checks the two language methods (about 0.5 KB); the chat
 * carries its dark theme and the visitor's terms, Russian's the longest (README, "What a page loads").
 * Raised to 22 KB with transcripts in pages (issue 14): the log kept whole from a floor, the hole a
 * resume reads back, and "Show earlier messages" keeping the reader's place and focus (about 0.7 KB).
 */
const CHAT_BUDGET = 22 * 1024;
export const BUDGETS = {
  loader: 3 * 1024,
  'loader + chat (en)': CHAT_BUDGET,
  'loader + chat (zh-Hans)': CHAT_BUDGET,
  'loader + chat (zh-Hant)': CHAT_BUDGET,
  'loader + chat (ru)': CHAT_BUDGET,
};

/** The chat's terms (the visitor pack) in each language, by source file: each is a lazy chunk. */
const CHAT_TERMS = { en: 'en.ts', 'zh-Hans': 'zh-hans.ts', 'zh-Hant': 'zh-hant.ts', ru: 'ru.ts' };

/** Libraries that may only load when a call starts. */
const CALL_ONLY = ['node_modules/sip.js/', 'node_modules/livekit-client/'];

function staticImports(file) {
  const code = readFileSync(file, 'utf8');
  const found = new Set();
  // Minified ESM: import{a as b}from"./chunks/x.js"; import"./y.js"; export{..}from"./z.js" (not import("…"), which is lazy).
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

export function measure(files) {
  let min = 0;
  let gzip = 0;
  let brotli = 0;
  for (const f of files) {
    const bytes = readFileSync(f);
    min += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
    brotli += brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  }
  return { files: files.map((f) => relative(dist, f)), min, gzip, brotli };
}

/** Source modules in each built file, from the manifests the build writes (dist/manifests/). */
function modulesByFile() {
  const byFile = new Map();
  for (const [name, dir] of [
    ['loader', dist],
    ['visitor', join(dist, 'widgets')],
    ['agent', join(dist, 'widgets')],
  ]) {
    const manifest = JSON.parse(readFileSync(join(dist, 'manifests', `${name}.json`), 'utf8'));
    for (const [file, modules] of Object.entries(manifest)) byFile.set(relative(dist, join(dir, file)), modules);
  }
  return byFile;
}

export function bundleSizes() {
  const loader = join(dist, 'warmline.js');
  const chat = join(dist, 'widgets', 'warmline-chat.js');
  const call = join(dist, 'widgets', 'warmline-call.js');
  const softphone = join(dist, 'widgets', 'warmline-softphone.js');
  for (const f of [loader, chat, call, softphone, join(dist, 'manifests', 'visitor.json')]) {
    if (!existsSync(f)) throw new Error(`${f} is missing: run npm run build first.`);
  }
  const callButton = graph(call);
  const modules = modulesByFile();
  // What a call adds to the call button, on each media path: the transport's chunk and what it imports.
  const callStart = (transport) => {
    const chunk = [...modules].find(([, mods]) => mods.some((m) => m.includes(`telephony/${transport}.ts`)))?.[0];
    return chunk ? graph(join(dist, chunk)).filter((f) => !callButton.includes(f)) : [];
  };
  const chatGraph = graph(chat);
  // The chunk holding a language's chat terms, and what it imports that the chat has not loaded already.
  const chatTerms = (file) => {
    const chunk = [...modules].find(([, mods]) => mods.some((m) => m === `widgets/base/translations/${file}`))?.[0];
    if (!chunk) throw new Error(`no chunk holds widgets/base/translations/${file}: the chat's terms must load lazily, one language each.`);
    return graph(join(dist, chunk)).filter((f) => !chatGraph.includes(f));
  };
  const chatIn = Object.fromEntries(
    Object.entries(CHAT_TERMS).map(([code, file]) => [`loader + chat (${code})`, measure([loader, ...chatGraph, ...chatTerms(file)])]),
  );
  return {
    loader: measure([loader]),
    ...chatIn,
    'loader + call button': measure([loader, ...callButton]),
    'call start (sip.js)': measure(callStart('sip-call-transport')),
    'call start (livekit-client)': measure(callStart('livekit-call-transport')),
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
    const modules = modulesByFile();
    // The agent console too: its phone (sip.js, or livekit-client on the LiveKit path) is imported when the agent is available.
    for (const name of ['loader', ...Object.keys(CHAT_TERMS).map((code) => `loader + chat (${code})`), 'loader + call button', 'agent console']) {
      for (const file of sizes[name].files) {
        const inside = modules.get(file);
        if (!inside) {
          problems.push(`${file} is not in the build manifests: cannot tell what it contains.`);
          continue;
        }
        for (const lib of CALL_ONLY) {
          const found = inside.find((m) => m.includes(lib));
          if (found) problems.push(`${file} (loaded for "${name}") contains ${found}: call libraries must load only when a call starts.`);
        }
      }
    }
    if (!sizes['call start (sip.js)'].files.length) problems.push('no lazily loaded chunk holds the SIP call transport.');
    if (!sizes['call start (livekit-client)'].files.length) problems.push('no lazily loaded chunk holds the LiveKit call transport.');
    if (![...modules.values()].some((mods) => mods.some((m) => m.includes('telephony/agent-livekit-phone.ts')))) problems.push("no lazily loaded chunk holds the agent's LiveKit phone.");
    if (problems.length) {
      console.error(`\nSize check failed:\n- ${problems.join('\n- ')}`);
      process.exit(1);
    }
    console.log('\nSize check passed: budgets kept; sip.js and livekit-client load only when a call starts.');
  }
}
