/**
 * puppeteer-extra with EzCaptchaPlugin and the Crawlee hook over rebrowser-puppeteer-core in its default mode
 * (REBROWSER_PATCHES_RUNTIME_FIX_MODE unset: `addBinding`, evaluations in the main world without Runtime.enable).
 */
import { rebrowserExtraSuite } from './rebrowser-extra-suite.js';

// rebrowser reads the mode at every evaluation; this file runs in its own process, in the default mode.
delete process.env.REBROWSER_PATCHES_RUNTIME_FIX_MODE;

rebrowserExtraSuite('addBinding');
