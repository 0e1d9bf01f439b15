/** attach() on Firefox, driven by puppeteer-core over WebDriver BiDi; skipped (with the reason) only without a Firefox. */
import { it } from 'vitest';
import { FIREFOX_FOUND, FIREFOX_SKIP } from '../support/firefox.js';
import { defineAttachSuite } from './support/attach-suite.js';

if (FIREFOX_FOUND) defineAttachSuite('firefox');
else it.skip(`attach() with firefox: ${FIREFOX_SKIP}`, () => {});
