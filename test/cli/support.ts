/** Runs the CLI in-process with captured output. */
import { type ExitCode, runCli } from '../../src/cli/index.js';

export interface CliRun {
  code: ExitCode;
  stdout: string;
  stderr: string;
}

/** Every run's output, so a test can assert that a key never appeared anywhere. */
export const allOutput: string[] = [];

export async function cli(argv: readonly string[], env: Record<string, string | undefined> = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: { write: (chunk: string) => (stdout += chunk) },
    stderr: { write: (chunk: string) => (stderr += chunk) },
    env,
  });
  allOutput.push(stdout, stderr);
  return { code, stdout, stderr };
}
