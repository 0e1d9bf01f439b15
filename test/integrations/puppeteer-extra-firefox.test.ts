/**
 * The plugin through puppeteer-extra on Firefox (puppeteer-core over WebDriver BiDi), against the local EzCaptcha
 * server and the fixture site (through the fixture proxy), which must accept every token. Firefox takes one BiDi
 * session at a time, so the suite's connect() tests do not apply. Skipped, with the reason, only without a Firefox.
 */
import puppeteerCore from 'puppeteer-core';
import { it } from 'vitest';
import { FIREFOX_FOUND, FIREFOX_SKIP, launchFirefoxWith } from '../support/firefox.js';
import { puppeteerExtraSuite } from './puppeteer-extra-suite.js';

if (FIREFOX_FOUND) {
  puppeteerExtraSuite({
    name: 'puppeteer-core on Firefox',
    module: puppeteerCore,
    key: 'test-key',
    pages: ['v2-checkbox', 'nested-iframe', 'v3-execute', 'funcaptcha', 'sorry'],
    launch: (launch, env) => launchFirefoxWith(launch, { sitePort: env.site.port }),
    canConnect: false,
  });
} else {
  it.skip(`puppeteer-extra on Firefox: ${FIREFOX_SKIP}`, () => {});
}
