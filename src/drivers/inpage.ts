/** Builds the expression that runs one export of a prebuilt in-page bundle (src/inpage/generated) with JSON data. */
export function inpageCall(bundleSource: string, exportName: string, arg?: unknown): string {
  // JSON is a subset of JS expressions, so data can never become code.
  return `(${bundleExpression(bundleSource)}).${exportName}(${arg === undefined ? '' : JSON.stringify(arg)})`;
}

// esbuild prefixes the IIFE with "use strict" when tsconfig is strict, which defeats the build script's
// `var __ezcaptchaInpage = ` strip and leaves statements instead of an expression.
const STATEMENT_PREFIX = /^\s*(?:(['"])use strict\1;?\s*)?var __ezcaptchaInpage\s*=\s*/;

/** The bundle as an expression evaluating to its exports object, whichever form the generator left it in. */
export function bundleExpression(bundleSource: string): string {
  const match = STATEMENT_PREFIX.exec(bundleSource);
  return match ? bundleSource.slice(match[0].length).replace(/;\s*$/, '') : bundleSource;
}
