/** Builds the expression that runs one export of a prebuilt in-page bundle (src/inpage/generated) with JSON data. */
export function inpageCall(bundleSource: string, exportName: string, arg?: unknown): string {
  // JSON is a subset of JS expressions, so data can never become code.
  return `(${bundleSource}).${exportName}(${arg === undefined ? '' : JSON.stringify(arg)})`;
}
