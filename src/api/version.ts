/** Package version, sent in the User-Agent. A test keeps it equal to package.json. */
export const VERSION = '0.1.0';

export const USER_AGENT = `ezcaptcha-plugin/${VERSION} node/${process.versions.node}`;
