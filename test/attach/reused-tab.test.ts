/**
 * The network watcher of an attached page waits (up to 1 s per detection) for the bodies being read, since a body may
 * carry the `s` value. A body that never comes (a response streamed forever; the driver's read then never settles)
 * must not make every later detection wait that second: reads for a frame that is gone, and reads older than 3 s,
 * are not waited for. Real Chromium, the fixture site, and a real HTTP server here whose stream never ends.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FixtureSite, startFixtureSite } from '../../fixtures/site/index.js';
import { attach, detect } from '../../src/index.js';
import { until } from '../solve/solver-harness.js';
import { DRIVERS, launchPlaywright, launchPuppeteer } from '../support/browser.js';

let site: FixtureSite;
let streams: Server;
let origin: string;
const open: ServerResponse[] = [];

beforeAll(async () => {
  site = await startFixtureSite();
  streams = createServer((req, res) => {
    if (req.url === '/frame') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><script>fetch("/stream")</script>');
      return;
    }
    // Headers and a first chunk, then nothing, ever: the response is there, its body never completes.
    res.writeHead(200, { 'content-type': 'text/plain', 'access-control-allow-origin': '*' });
    res.write('data\n');
    open.push(res);
  });
  await new Promise<void>((resolve) => streams.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(streams.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const res of open.splice(0)) res.destroy();
  await new Promise<void>((resolve) => streams?.close(() => resolve()));
  await site?.close();
});

const streamed = () => open.length;

describe.each(DRIVERS)('an attached page with a body that never completes (%s)', (driver) => {
  it('waits for it only while its frame is there and for 3 s at most', async () => {
    const browser =
      driver === 'puppeteer' ? await launchPuppeteer(site.browserArgs) : await launchPlaywright(site.browserArgs);
    try {
      const page = await browser.newPage();
      await attach(page);
      await page.goto(site.page('v2-checkbox').url);
      const run = (expression: string) =>
        (page as unknown as { evaluate(expression: string): Promise<unknown> }).evaluate(expression);
      const elapsed = async () => {
        const found = await detect(page, { timeout: 5_000, explain: true });
        expect(found).toHaveLength(1);
        return found.explanation?.elapsedMs ?? Number.NaN;
      };
      expect(await elapsed()).toBeLessThan(700);

      // A frame streams a body forever, then goes away: its read is not waited for.
      let before = streamed();
      await run(
        `(() => { const f = document.createElement('iframe'); f.id = 'streamer'; f.src = '${origin}/frame'; document.body.append(f); })()`,
      );
      await until('the frame stream', () => streamed() > before);
      await new Promise((r) => setTimeout(r, 200)); // the driver has seen the response
      await run(`document.getElementById('streamer').remove()`);
      expect(await elapsed()).toBeLessThan(700);

      // The top document streams one: waited for (its body might carry `s`), but not past 3 s after its response.
      before = streamed();
      const started = Date.now();
      await run(`void fetch('${origin}/stream')`);
      await until('the top stream', () => streamed() > before);
      await new Promise((r) => setTimeout(r, 200));
      expect(await elapsed()).toBeGreaterThanOrEqual(900);
      await new Promise((r) => setTimeout(r, Math.max(0, 3_200 - (Date.now() - started))));
      expect(await elapsed()).toBeLessThan(700);
    } finally {
      await browser.close();
    }
  });
});
