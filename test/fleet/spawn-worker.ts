/** Spawns test/fleet/worker.ts as its own Node process and reads its JSON lines. */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { WorkerConfig } from './worker.js';

export interface WorkerRun {
  child: ChildProcess;
  lines: Record<string, unknown>[];
  stderr(): string;
  /** Resolves with the exit code (or signal) once the process ended by itself; rejects after `ms`. */
  exited(ms?: number): Promise<number | string>;
  /** Resolves once a line matches. */
  line(match: (line: Record<string, unknown>) => boolean, ms?: number): Promise<Record<string, unknown>>;
}

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));

export function spawnWorker(config: WorkerConfig): WorkerRun {
  // One process (tsx as a loader, not its CLI, which runs the script in a child): SIGKILL ends the worker itself.
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, JSON.stringify(config)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  const listeners = new Set<() => void>();
  let err = '';
  let buffered = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    let nl = buffered.indexOf('\n');
    while (nl >= 0) {
      const text = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      try {
        lines.push(JSON.parse(text) as Record<string, unknown>);
      } catch {
        err += `(stdout) ${text}\n`;
      }
      nl = buffered.indexOf('\n');
    }
    for (const l of listeners) l();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const ended = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  return {
    child,
    lines,
    stderr: () => err,
    exited(ms = 60_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`worker did not exit by itself within ${ms} ms; stderr:\n${err}`));
        }, ms);
        ended.then((code) => {
          clearTimeout(timer);
          resolve(code);
        });
      });
    },
    line(match, ms = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = lines.find(match);
          if (!found) return false;
          listeners.delete(check as () => void);
          clearTimeout(timer);
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          listeners.delete(check as () => void);
          reject(new Error(`no matching line within ${ms} ms; lines ${JSON.stringify(lines)}; stderr:\n${err}`));
        }, ms);
        if (!check()) listeners.add(check as () => void);
      });
    },
  };
}
