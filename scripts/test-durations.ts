/**
 * Refreshes test/support/file-durations.json (the order test/support/sequencer.ts starts test files in on a clean
 * clone) from the durations vitest recorded in its cache on the last run: run the full `npm test`, then this.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const CACHE = join(ROOT, 'node_modules/.vite/vitest');
const OUT = join(ROOT, 'test/support/file-durations.json');

const caches = existsSync(CACHE) ? readdirSync(CACHE).map((dir) => join(CACHE, dir, 'results.json')) : [];
const found = caches.filter((file) => existsSync(file));
if (found.length === 0) throw new Error(`No vitest results under ${CACHE}: run npm test first.`);

const durations: Record<string, number> = {};
for (const file of found) {
  const { results } = JSON.parse(readFileSync(file, 'utf8')) as { results: [string, { duration: number }][] };
  for (const [key, { duration }] of results) {
    const path = key.slice(key.indexOf(':') + 1);
    if (existsSync(join(ROOT, path))) durations[path] = Math.round(duration / 100) / 10;
  }
}
const sorted = Object.entries(durations).sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1));
writeFileSync(OUT, `${JSON.stringify(Object.fromEntries(sorted), null, 2)}\n`);
console.log(`${OUT}: ${sorted.length} files`);
