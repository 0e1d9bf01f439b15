/** Builtin-replacing pages with rebrowser-playwright-core in `alwaysIsolated` mode. */
process.env.REBROWSER_PATCHES_RUNTIME_FIX_MODE = 'alwaysIsolated';

const { launchStealth } = await import('../support/browser.js');
const { hostileSuite } = await import('./hostile-suite.js');

hostileSuite(
  'rebrowser-playwright-core (alwaysIsolated)',
  (args) => launchStealth('rebrowser-playwright-isolated', args),
  'rebrowser-playwright-isolated',
);
