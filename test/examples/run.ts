/** Runs an example as a user would (`tsx examples/<file>`), as a child process with its own environment. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pLimit from 'p-limit';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

// Each example launches its own Chromium: a few at a time keeps a 2-core machine responsive.
const limit = pLimit(3);

/** `node --import tsx <file> ...args` in the repo root; never rejects, the exit code is in the result. */
export function runExample(
  file: string,
  args: string[],
  env: Record<string, string>,
  timeoutMs = 90_000,
): Promise<RunResult> {
  return limit(() => run(file, args, env, timeoutMs));
}

function run(file: string, args: string[], env: Record<string, string>, timeoutMs = 60_000): Promise<RunResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', file, ...args],
      { cwd: ROOT, env: { ...process.env, ...env }, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr, ms: Date.now() - started });
      },
    );
  });
}

/** What to show when an example did not exit as expected. */
export function describeRun(run: RunResult): string {
  return `exit ${run.code} after ${run.ms} ms\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`;
}
