/**
 * Child process of load.test.ts (run with `node --expose-gc --import tsx`): 1,000 EzCaptchaClient.solve() calls
 * against the local server whose URL is argv[2], measuring the heap after forced GCs. Prints one JSON line.
 */
import { EzCaptchaClient } from '../../src/index.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
const apiURL = process.argv[2] ?? '';
const count = Number(process.argv[3] ?? 1000);
const client = new EzCaptchaClient({ clientKey: 'test-key', apiURL, pollInterval: 1 });
const task = {
  type: 'ReCaptchaV2TaskProxyless',
  websiteURL: 'https://shop.test/recaptcha/v2-checkbox',
  websiteKey: '6LcAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
} as const;

function settle(): number {
  for (let i = 0; i < 3; i++) gc?.();
  return process.memoryUsage().heapUsed;
}

// Warm up: JIT, the HTTP agent's sockets, module-level caches.
for (let i = 0; i < 50; i++) await client.solve(task);
const before = settle();
const started = Date.now();
let tokens = 0;
for (let i = 0; i < count; i++) {
  const result = await client.solve(task);
  if (typeof result.token === 'string' && result.token.length > 0) tokens++;
}
const ms = Date.now() - started;
const after = settle();
process.stdout.write(`${JSON.stringify({ count, tokens, ms, before, after, growth: after - before })}\n`);
