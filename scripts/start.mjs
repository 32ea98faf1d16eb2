#!/usr/bin/env node
/**
 * `npm start`: builds what is missing or older than its sources, then runs
 * the server. `--demo` (what `npm start` passes) turns on demo mode unless
 * WARMLINE_DEMO says otherwise.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outputs = ['dist/warmline.js', 'dist/widgets/warmline-chat.js', 'dist/widgets/warmline-softphone.js', 'dist/server/main.js'].map((f) =>
  join(root, f),
);

function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

const sources = Math.max(newest(join(root, 'widgets')), newest(join(root, 'signaling')), statSync(join(root, 'rollup.config.js')).mtimeMs);
const stale = outputs.some((f) => !existsSync(f) || statSync(f).mtimeMs < sources);
if (stale) {
  console.log('Building Warmline (npm run build)…');
  const result = spawnSync('npx', ['rollup', '-c', '--silent'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

if (process.argv.includes('--demo') && process.env.WARMLINE_DEMO === undefined) process.env.WARMLINE_DEMO = '1';
await import(join(root, 'dist/server/main.js'));
