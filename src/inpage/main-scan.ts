/**
 * Main-world scan: what only page JavaScript knows about the frame's captchas (`___grecaptcha_cfg` clients, the early
 * hook's render/execute/Arkose records, globals), as JSON text with elements named by path. The isolated scanner
 * (scan.ts) reads the DOM at the same time; Node merges the two (src/detect/merge.ts). Pure read: no writes, no page functions, no getters.
 */

import type { ExecuteCall } from '../model/inpage.js';
import { emptyMainScan, fingerprint } from './lib/evidence.js';
import {
  B,
  cap,
  isElement,
  isNode,
  isObject,
  isWindowLike,
  keysOf,
  list,
  MAX_DEPTH,
  own,
  pathOf,
  quote,
  RECAPTCHA_SITEKEY,
  responseTable,
  store,
  toJSON,
} from './lib/main-world.js';

export interface MainClient {
  widgetId?: number;
  params?: MainParams;
  idStrings: string[];
  elements: number[][];
  promiseCallback: boolean;
  fullscreen: boolean;
}

export interface MainParams {
  sitekey?: string;
  size?: string;
  s?: string;
  action?: string;
  /** A string name, or the name of a named function (anonymous ones are called by reference when solving). */
  callback?: string;
  bind?: string;
  isolated?: boolean;
}

export interface MainRender {
  enterprise: boolean;
  widgetId?: number;
  container?: number[];
  containerId?: string;
  params: MainParams;
}

export interface MainArkose {
  publicKey?: string;
  surl?: string;
  /** `{"blob": …}` as JSON text, or the page's own string. */
  data?: string;
}

/** What only the main world can tell about one frame (Node merges it with the isolated DOM scan). */
export interface MainScan {
  hook: boolean;
  cfg: boolean;
  /** `grecaptcha` holds a value (the hook's accessor alone does not count). */
  grecaptcha: boolean;
  /** Without the hook: an own `grecaptcha` property exists. */
  grecaptchaOwn: boolean;
  enterpriseNamespace: boolean;
  clientFlag: boolean;
  api?: string;
  cfgEnterprise: boolean;
  renderModes: string[];
  clients: MainClient[];
  renders: MainRender[];
  executes: ExecuteCall[];
  arkose: MainArkose[];
  /** Tokens our getResponse patch reports, by widget id ('default' for a call without one), as fingerprints. */
  injected: Array<{ widget: string; response: string }>;
}

function describeCallback(value: unknown): string | undefined {
  if (typeof value === 'string') return cap(value, 200) || undefined;
  if (typeof value === 'function') {
    // `{ callback: function () {} }` infers the name "callback" from the key: anonymous too.
    const name = cap(own(value, 'name'), 200) ?? '';
    return name === '' || name === 'bound ' || name === 'callback' || name === 'bound callback' ? undefined : name;
  }
  return undefined;
}

function paramsOf(value: unknown): MainParams {
  const params: MainParams = {};
  const sitekey = cap(own(value, 'sitekey'), 200);
  if (sitekey !== undefined) params.sitekey = sitekey;
  for (const key of ['size', 's', 'action'] as const) {
    const text = cap(own(value, key));
    if (text !== undefined) params[key] = text;
  }
  const callback = describeCallback(own(value, 'callback'));
  if (callback) params.callback = callback;
  const bind = own(value, 'bind');
  if (typeof bind === 'string') params.bind = cap(bind, 200) as string;
  else if (isNode(bind)) params.bind = 'element';
  const isolated = own(value, 'isolated');
  if (typeof isolated === 'boolean') params.isolated = isolated;
  return params;
}

/** Depth-first, cycle-safe walk of one cfg client: its params (sitekey + size), id strings and elements. */
function walkClient(client: unknown, maxDepth: number): MainClient {
  const info: MainClient = { idStrings: [], elements: [], promiseCallback: false, fullscreen: false };
  const seen = new WeakSet<object>();
  const elements: Element[] = [];
  let budget = 3000;
  const visit = (value: unknown, depth: number) => {
    if (budget-- <= 0 || !isObject(value) || typeof value === 'function') return;
    if (isNode(value)) {
      if (isElement(value) && elements.indexOf(value) < 0) elements[elements.length] = value;
      return;
    }
    if (seen.has(value) || isWindowLike(value)) return;
    seen.add(value);
    const sitekey = own(value, 'sitekey');
    if (typeof sitekey === 'string' && RECAPTCHA_SITEKEY.test(sitekey) && !info.params) {
      info.params = paramsOf(value);
      if (own(value, 'promise-callback') !== undefined) info.promiseCallback = true;
    }
    if (depth >= maxDepth) return;
    for (const key of keysOf(value)) {
      const child = own(value, key);
      if (typeof child === 'string' && depth === 0 && /^[a-z0-9]{8,16}$/.test(child)) {
        info.idStrings[info.idStrings.length] = child;
      } else if (child === 'fullscreen' && depth <= 2) info.fullscreen = true;
      else if (isObject(child)) visit(child, depth + 1);
    }
  };
  visit(client, 0);
  for (let i = 0; i < elements.length; i++) {
    const path = pathOf(elements[i] as Element);
    if (path) info.elements[info.elements.length] = path;
  }
  return info;
}

/** Scan the frame's page JavaScript. Pure read: no writes, no page functions, no getters. */
export function scanMain(options: { maxDepth?: number } = {}): string {
  const maxDepth = options.maxDepth ?? MAX_DEPTH;
  const cfg = own(window, '___grecaptcha_cfg');
  const grecaptcha = own(window, 'grecaptcha');
  const scan = emptyMainScan();
  scan.hook = store !== undefined;
  scan.cfg = cfg !== undefined && cfg !== null;
  scan.grecaptcha = grecaptcha !== undefined && grecaptcha !== null;
  scan.grecaptchaOwn = B.getOwnPropertyDescriptor(window, 'grecaptcha') !== undefined;
  scan.enterpriseNamespace = own(grecaptcha, 'enterprise') !== undefined;
  scan.clientFlag = own(window, '__google_recaptcha_client') === true;
  const api = cap(own(window, '__recaptcha_api'), 500);
  if (api) scan.api = api;
  const enterprise = own(cfg, 'enterprise');
  scan.cfgEnterprise = Array.isArray(enterprise) && enterprise.length > 0;
  const modes = own(cfg, 'render');
  if (Array.isArray(modes)) {
    for (let i = 0; i < modes.length && i < 20; i++) {
      const mode = cap(own(modes, i), 200);
      if (mode) scan.renderModes[scan.renderModes.length] = mode;
    }
  }
  const clients = own(cfg, 'clients');
  const clientKeys = keysOf(clients);
  for (let i = 0; i < clientKeys.length && i < 100; i++) {
    const key = clientKeys[i] as string;
    const info = walkClient(own(clients, key), maxDepth);
    const numeric = Number(key);
    if (Number.isInteger(numeric)) info.widgetId = numeric;
    else {
      const id = own(own(clients, key), 'id');
      if (typeof id === 'number') info.widgetId = id;
    }
    scan.clients[scan.clients.length] = info;
  }
  for (const record of list(store, 'renders')) {
    const render: MainRender = {
      enterprise: own(record, 'enterprise') === true,
      params: paramsOf(own(record, 'params')),
    };
    const widgetId = own(record, 'widgetId');
    if (typeof widgetId === 'number') render.widgetId = widgetId;
    const container = own(record, 'container');
    const path = isElement(container) ? pathOf(container) : undefined;
    if (path) render.container = path;
    const containerId = cap(own(record, 'containerId'), 200);
    if (containerId !== undefined) render.containerId = containerId;
    scan.renders[scan.renders.length] = render;
  }
  for (const record of list(store, 'executes')) {
    const execute: ExecuteCall = { enterprise: own(record, 'enterprise') === true, at: 0 };
    const at = own(record, 'at');
    if (typeof at === 'number') execute.at = at;
    const sitekey = cap(own(record, 'sitekey'), 200);
    if (sitekey !== undefined) execute.sitekey = sitekey;
    const widgetId = own(record, 'widgetId');
    if (typeof widgetId === 'number') execute.widgetId = widgetId;
    const action = cap(own(record, 'action'), 200);
    if (action !== undefined) execute.action = action;
    scan.executes[scan.executes.length] = execute;
  }
  for (const record of list(store, 'arkose')) {
    const arkose: MainArkose = {};
    const publicKey = cap(own(record, 'publicKey'), 200);
    if (publicKey) arkose.publicKey = publicKey;
    const surl = cap(own(record, 'surl'), 500);
    if (surl) arkose.surl = surl;
    const data = own(record, 'data');
    if (typeof data === 'string' && data) arkose.data = cap(data) as string;
    else if (isObject(data)) {
      const blob = own(data, 'blob');
      if (typeof blob === 'string') arkose.data = `{"blob":${quote(cap(blob) ?? '')}}`;
    }
    scan.arkose[scan.arkose.length] = arkose;
  }
  const table = responseTable();
  for (const widget of keysOf(table)) {
    const token = own(table, widget);
    if (typeof token === 'string' && token)
      scan.injected[scan.injected.length] = { widget, response: fingerprint(token) };
  }
  return toJSON(scan);
}
