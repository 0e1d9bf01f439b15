#!/usr/bin/env node
/** Executable entry of `ezcaptcha`: all behaviour is in runCli (index.ts). */
import { runCli } from './index.js';

runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`ezcaptcha: unexpected error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
