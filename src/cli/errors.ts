/**
 * Exit codes of the `ezcaptcha` CLI and the error that carries one. Keep EXIT_CODES_HELP in sync: it is printed by
 * `ezcaptcha --help`.
 *
 *   0  success
 *   1  a captcha was not solved, the API answered with an error, or the page could not be loaded
 *   2  bad arguments: missing client key, bad URL, unknown task type, unknown option
 *   3  the EzCaptcha API could not be reached (connection refused, DNS failure, request timeout)
 *   4  no browser: Chromium not found or the chosen driver (playwright-core / puppeteer-core) not installed
 */
import { ApiError, type CliErrorCode, EzCaptchaError, isEzCaptchaError, TransportError } from '../api/index.js';
import { ChromiumNotFoundError } from '../browser/find.js';

export const EXIT = Object.freeze({
  OK: 0,
  FAILED: 1,
  USAGE: 2,
  UNREACHABLE: 3,
  NO_BROWSER: 4,
});

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export const EXIT_CODES_HELP = `
Exit codes:
  0  success
  1  a captcha was not solved, the API answered with an error, or the page could not be loaded
  2  bad arguments (missing client key, bad URL, unknown task type, unknown option)
  3  the EzCaptcha API could not be reached (check --api-url and your network)
  4  no browser (Chromium not found, or the --driver package is not installed)`;

const EXIT_OF: Readonly<Record<CliErrorCode, ExitCode>> = {
  INVALID_ARGUMENTS: EXIT.USAGE,
  PAGE_NOT_LOADED: EXIT.FAILED,
  DRIVER_NOT_INSTALLED: EXIT.NO_BROWSER,
};

/** An error the CLI reports as one line on stderr, with the exit code of its code. */
export class CliError extends EzCaptchaError<CliErrorCode> {
  static override readonly brand: string = 'CliError';
  readonly exitCode: ExitCode;

  constructor(code: CliErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, { code, ...options });
    this.exitCode = EXIT_OF[code];
  }
}

/** Errors whose code means "the request never got an answer". */
const UNREACHABLE_CODES = new Set(['NETWORK']);

/** True when a per-captcha error code from solveCaptchas() means the API could not be reached. */
export function isUnreachableCode(code: string | undefined): boolean {
  return code !== undefined && UNREACHABLE_CODES.has(code);
}

/**
 * True when a solver error is a transport failure (refused, DNS, a request that timed out), anywhere in its cause
 * chain. The code alone cannot tell: `TIMEOUT` is also the overall deadline, which is not "unreachable".
 */
export function isTransportFailure(error: unknown): boolean {
  const seen = new Set<unknown>();
  for (let e = error; e instanceof Error && !seen.has(e); e = e.cause) {
    seen.add(e);
    if (e instanceof TransportError) return true;
  }
  return false;
}

/** `CODE: message`, without repeating a code the message already starts with. */
export function withCode(code: string, message: string): string {
  return message.startsWith(code) ? message : `${code}: ${message}`;
}

/** Maps any error to an exit code and a user-facing message (never containing the key; the output is scrubbed too). */
export function describeFailure(error: unknown): { exitCode: ExitCode; message: string } {
  if (error instanceof CliError) return { exitCode: error.exitCode, message: error.message };
  if (error instanceof ChromiumNotFoundError) return { exitCode: EXIT.NO_BROWSER, message: error.message };
  if (isEzCaptchaError(error)) {
    if (error instanceof TransportError) {
      return {
        exitCode: EXIT.UNREACHABLE,
        message: `The EzCaptcha API could not be reached (${error.message}). Check --api-url / EZCAPTCHA_API_URL and your network.`,
      };
    }
    if (error.code === 'INVALID_OPTIONS' || error.code === 'INVALID_TASK') {
      return { exitCode: EXIT.USAGE, message: error.message };
    }
    if (error instanceof ApiError) {
      return { exitCode: EXIT.FAILED, message: `EzCaptcha API error: ${withCode(error.code, error.message)}` };
    }
    return { exitCode: EXIT.FAILED, message: withCode(error.code, error.message) };
  }
  return { exitCode: EXIT.FAILED, message: error instanceof Error ? error.message : String(error) };
}
