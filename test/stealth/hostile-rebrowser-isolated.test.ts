/** Builtin-replacing pages with rebrowser-puppeteer-core in `alwaysIsolated` mode. */
process.env.REBROWSER_PATCHES_RUNTIME_FIX_MODE = 'alwaysIsolated';

const { launchStealth } = await import('../support/browser.js');
const { hostileSuite } = await import('./hostile-suite.js');

hostileSuite('rebrowser-puppeteer-core (alwaysIsolated)', (args) => launchStealth('rebrowser-isolated', args));
