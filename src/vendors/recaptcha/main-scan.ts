/**
 * reCAPTCHA's part of the main-world scan (src/inpage/main-scan.ts): what only page JavaScript knows (the cfg's clients,
 * the early hook's render and execute records, the globals, what our getResponse patch reports), with elements named
 * by path. Pure read: no writes, no page functions, no getters.
 */

import {
  B,
  isElement,
  isNode,
  isObject,
  isWindowLike,
  keysOf,
  list,
  own,
  pathOf,
  store,
} from '../../inpage/lib/main-world.js';
import type { MainScan } from '../../model/inpage.js';
import { cap, type ExecuteCall, fingerprint } from '../../model/inpage.js';
import type { MainClient, MainParams, MainRender, RecaptchaMain } from './evidence.js';
import { responseTable } from './get-response.js';
import { CFG_GLOBAL, SITEKEY } from './patterns.js';

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
    if (typeof sitekey === 'string' && SITEKEY.test(sitekey) && !info.params) {
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

/** Read the frame's reCAPTCHA page JavaScript into its part of `into`. */
export function scanRecaptchaMain(into: MainScan, maxDepth: number): void {
  const cfg = own(window, CFG_GLOBAL);
  const grecaptcha = own(window, 'grecaptcha');
  const enterprise = own(cfg, 'enterprise');
  // One literal with what is read at once (the bundle is smaller than an empty part filled field by field).
  const rc: RecaptchaMain = {
    cfg: cfg !== undefined && cfg !== null,
    grecaptcha: grecaptcha !== undefined && grecaptcha !== null,
    grecaptchaOwn: B.getOwnPropertyDescriptor(window, 'grecaptcha') !== undefined,
    enterpriseNamespace: own(grecaptcha, 'enterprise') !== undefined,
    clientFlag: own(window, '__google_recaptcha_client') === true,
    cfgEnterprise: Array.isArray(enterprise) && enterprise.length > 0,
    renderModes: [],
    clients: [],
    renders: [],
    executes: [],
    injected: [],
  };
  into.recaptcha = rc;
  const api = cap(own(window, '__recaptcha_api'), 500);
  if (api) rc.api = api;
  const modes = own(cfg, 'render');
  if (Array.isArray(modes)) {
    for (let i = 0; i < modes.length && i < 20; i++) {
      const mode = cap(own(modes, i), 200);
      if (mode) rc.renderModes[rc.renderModes.length] = mode;
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
    rc.clients[rc.clients.length] = info;
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
    rc.renders[rc.renders.length] = render;
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
    rc.executes[rc.executes.length] = execute;
  }
  const table = responseTable();
  for (const widget of keysOf(table)) {
    const token = own(table, widget);
    if (typeof token === 'string' && token) rc.injected[rc.injected.length] = { widget, response: fingerprint(token) };
  }
}
