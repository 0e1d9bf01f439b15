/** Builtin-replacing pages with playwright-core and puppeteer-core. */
import { launchPlaywright, launchPuppeteer } from '../support/browser.js';
import { hostileSuite } from './hostile-suite.js';

hostileSuite('puppeteer-core', launchPuppeteer);
hostileSuite('playwright-core', launchPlaywright);
