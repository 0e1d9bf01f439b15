/** rebrowser-puppeteer-core in its default mode (`addBinding`): main-world evaluate, found without Runtime.enable. */
delete process.env.REBROWSER_PATCHES_RUNTIME_FIX_MODE;

const { stealthPageSuite } = await import('./suite.js');

stealthPageSuite('rebrowser');
