/**
 * A tiny HTTP server for in-page hook tests: serves registered bodies by path on 127.0.0.1, reachable as
 * `http://127.0.0.1:<port>` and, as a different site (an out-of-process iframe under --site-per-process),
 * `http://localhost:<port>`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Route {
  body: string;
  type?: string;
  headers?: Record<string, string>;
}

export interface TestServer {
  /** http://127.0.0.1:<port> */
  origin: string;
  /** http://localhost:<port>, a different site */
  crossOrigin: string;
  set(path: string, route: Route | string): void;
  close(): Promise<void>;
}

export async function startTestServer(): Promise<TestServer> {
  const routes = new Map<string, Route>();
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const route = routes.get(path);
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res
      .writeHead(200, {
        'content-type': route.type ?? 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        ...route.headers,
      })
      .end(route.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    crossOrigin: `http://localhost:${port}`,
    set(path, route) {
      routes.set(path, typeof route === 'string' ? { body: route } : route);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
