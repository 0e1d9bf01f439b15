/** Builtin-replacing pages with patchright-core. */
import { launchStealth } from '../support/browser.js';
import { hostileSuite } from './hostile-suite.js';

hostileSuite('patchright-core', (args) => launchStealth('patchright', args));
