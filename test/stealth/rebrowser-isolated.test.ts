/** rebrowser-puppeteer-core in `alwaysIsolated` mode: every evaluate runs in an isolated world; no main-world evaluate. */
process.env.REBROWSER_PATCHES_RUNTIME_FIX_MODE = 'alwaysIsolated';

const { stealthPageSuite } = await import('./suite.js');

stealthPageSuite('rebrowser-isolated');
