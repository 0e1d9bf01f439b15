/**
 * Firefox (Puppeteer over WebDriver BiDi) against the fixture site. Chromium reaches the fixture hosts through
 * `--host-resolver-rules`, which maps a host to another port; Firefox can only force names to an address (on the
 * same port), so it goes through a local proxy instead: every request is a CONNECT (or plain HTTP request) to the
 * proxy, which tunnels fixture hosts to the fixture server and refuses everything else. Nothing reaches the internet.
 * The fixture's self-signed certificate is accepted through the `acceptInsecureCerts` capability.
 */
import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Browser as PuppeteerBrowser } from 'puppeteer-core';
import { FIXTURE_HOSTS } from '../../fixtures/site/index.js';
import { findFirefox } from '../../src/browser/find.js';

/** Whether `host` is one of the fixture hosts (`*.example` patterns match subdomains). */
export function isFixtureHost(host: string): boolean {
  const name = host.toLowerCase();
  return FIXTURE_HOSTS.some((pattern) =>
    pattern.startsWith('*.') ? name.endsWith(pattern.slice(1)) && name.length > pattern.length - 1 : name === pattern,
  );
}

export interface FixtureProxy {
  /** The proxy's port on 127.0.0.1. */
  port: number;
  /** Firefox prefs that send every request through the proxy. */
  prefs: Record<string, string | number | boolean>;
  /** CONNECT targets the proxy refused (host:port), oldest first. */
  refused: string[];
  close(): Promise<void>;
}

/** Start a proxy on 127.0.0.1 that tunnels the fixture hosts to 127.0.0.1:`sitePort` and refuses all else. */
export async function startFixtureProxy(sitePort: number): Promise<FixtureProxy> {
  const sockets = new Set<Socket>();
  const refused: string[] = [];
  const server: Server = createServer((req, res) => {
    // Plain HTTP: the fixture site is HTTPS only.
    refused.push(req.headers.host ?? req.url ?? '?');
    res.writeHead(403, { 'content-type': 'text/plain' }).end('fixture proxy: HTTPS fixture hosts only');
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('connect', (req, client: Socket, head: Buffer) => {
    const target = req.url ?? '';
    const host = target.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
    if (!isFixtureHost(host)) {
      refused.push(target);
      client.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    const upstream = connect(sitePort, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.once('close', () => sockets.delete(upstream));
    const drop = () => {
      upstream.destroy();
      client.destroy();
    };
    upstream.on('error', drop);
    client.on('error', drop);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as { port: number }).port;
  return {
    port,
    refused,
    prefs: {
      'network.proxy.type': 1,
      'network.proxy.http': '127.0.0.1',
      'network.proxy.http_port': port,
      'network.proxy.ssl': '127.0.0.1',
      'network.proxy.ssl_port': port,
      'network.proxy.no_proxies_on': '',
      'network.proxy.allow_hijacking_localhost': true,
      'network.proxy.socks_remote_dns': true,
      'network.dns.disablePrefetch': true,
      'network.http.http3.enable': false,
      'network.http.speculative-parallel-limit': 0,
      'network.captive-portal-service.enabled': false,
      'network.connectivity-service.enabled': false,
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * The Firefox the tests use, or a reason to skip when none can be found (FIREFOX_PATH, /usr/bin/firefox-esr,
 * /usr/bin/firefox). CI installs firefox-esr (.ci/run), so there it is always found.
 */
export async function firefoxOrSkipReason(): Promise<{ executablePath: string } | { skip: string }> {
  try {
    return await findFirefox();
  } catch (error) {
    return { skip: `Firefox tests skipped: ${(error as Error).message}` };
  }
}

/**
 * Launch Firefox with puppeteer-core over WebDriver BiDi. With `sitePort`, every request goes through a fixture
 * proxy to the fixture site (closed with the browser); without, the browser has no proxy.
 */
export async function launchFirefox(options: { sitePort?: number } = {}): Promise<PuppeteerBrowser> {
  const puppeteer = (await import('puppeteer-core')).default;
  return launchFirefoxWith((launchOptions) => puppeteer.launch(launchOptions), options);
}

/**
 * Launch Firefox through any puppeteer-core `launch` (puppeteer-extra's included) with the fixture proxy when
 * `sitePort` is given; the proxy closes with the browser.
 */
export async function launchFirefoxWith<B extends { once(event: 'disconnected', listener: () => void): unknown }>(
  launch: (options: Record<string, unknown> & { browser: 'firefox' }) => Promise<B>,
  options: { sitePort?: number } = {},
): Promise<B> {
  const { executablePath } = await findFirefox();
  const proxy = options.sitePort === undefined ? undefined : await startFixtureProxy(options.sitePort);
  try {
    const browser = await launch({
      browser: 'firefox',
      executablePath,
      headless: true,
      acceptInsecureCerts: true,
      extraPrefsFirefox: { ...proxy?.prefs },
    });
    if (proxy) browser.once('disconnected', () => void proxy.close());
    return browser;
  } catch (error) {
    await proxy?.close();
    throw error;
  }
}

/**
 * Found once per test process: the Firefox the tests drive, or why they skip. Test files add 'firefox' to their
 * driver list only when one was found, and otherwise report the reason as a skipped test (never silently).
 */
export const FIREFOX = await firefoxOrSkipReason();
export const FIREFOX_FOUND = 'executablePath' in FIREFOX;
/** The message a Firefox test skips with when no Firefox can be found. */
export const FIREFOX_SKIP = 'skip' in FIREFOX ? FIREFOX.skip : '';
