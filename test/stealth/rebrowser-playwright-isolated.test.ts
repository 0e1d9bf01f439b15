/**
 * rebrowser-playwright-core in `alwaysIsolated` mode: every evaluate runs in an isolated world, and unlike patchright
 * there is no argument that asks for the main world.
 */
process.env.REBROWSER_PATCHES_RUNTIME_FIX_MODE = 'alwaysIsolated';

const { stealthPageSuite } = await import('./suite.js');

stealthPageSuite('rebrowser-playwright-isolated');
