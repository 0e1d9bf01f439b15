/**
 * Importing the root entry does not load puppeteer-extra-plugin (and its dependencies) for users of the API client or
 * solveCaptchas alone; creating the plugin does. A fresh Node process each, since a module once loaded stays loaded.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

/** In a fresh process: whether puppeteer-extra-plugin is loaded after each step. */
const SCRIPT = `
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const loaded = () => Object.keys(require.cache).some((path) => path.includes('puppeteer-extra-plugin'));
const { CaptchaSolver, EzCaptchaClient, EzCaptchaPlugin } = await import(${JSON.stringify(`${ROOT}/src/index.ts`)});
const atImport = loaded();
new EzCaptchaClient({ clientKey: 'k' });
new CaptchaSolver({ clientKey: 'k' });
const withoutPlugin = loaded();
const plugin = EzCaptchaPlugin({ clientKey: 'k' });
console.log(JSON.stringify({ atImport, withoutPlugin, withPlugin: loaded(), name: plugin.name, isPlugin: plugin._isPuppeteerExtraPlugin }));
`;

it('the root entry loads puppeteer-extra-plugin only once a plugin is created', async () => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', SCRIPT],
    { cwd: ROOT, timeout: 60_000 },
  );
  expect(JSON.parse(stdout)).toEqual({
    atImport: false,
    withoutPlugin: false,
    withPlugin: true,
    name: 'ezcaptcha',
    isPlugin: true,
  });
}, 90_000);
