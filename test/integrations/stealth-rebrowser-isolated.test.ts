/**
 * puppeteer-extra with EzCaptchaPlugin and the Crawlee hook over rebrowser-puppeteer-core with
 * REBROWSER_PATCHES_RUNTIME_FIX_MODE=alwaysIsolated: every evaluation of the driver runs in an isolated world, and
 * there is no main-world evaluate at all (the incumbent plugin's issue #895).
 */
import { rebrowserExtraSuite } from './rebrowser-extra-suite.js';

// rebrowser reads the mode at every evaluation; this file runs in its own process, so the mode holds for all of it.
process.env.REBROWSER_PATCHES_RUNTIME_FIX_MODE = 'alwaysIsolated';

rebrowserExtraSuite('alwaysIsolated');
