/** Shared helpers of the reliability suite: a closed port, request counting, bounded waits. */
import { createServer } from 'node:net';
import type { RecordedRequest } from '../../fixtures/ezcaptcha-server/types.js';

export const CLIENT_KEY = 'test-key';

/** The requests of each endpoint the local EzCaptcha server saw since index `from`. */
export function countSince(requests: readonly RecordedRequest[], from: number) {
  const slice = requests.slice(from);
  return {
    createTask: slice.filter((r) => r.endpoint === 'createTask').length,
    getTaskResult: slice.filter((r) => r.endpoint === 'getTaskResult').length,
    faults: slice.filter((r) => r.fault !== undefined).map((r) => `${r.endpoint}:${r.fault}`),
  };
}

/** A TCP port on 127.0.0.1 that was just free and is now closed: connecting to it is refused. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return address.port;
}

/** Await `promise`, failing with `label` after `ms` so a stuck step names itself instead of a bare test timeout. */
export async function within<T>(label: string, promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`"${label}" did not settle within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
