/**
 * Pure extraction of reCAPTCHA `s` (data-s) values, with the sitekey and action they belong to, from what the
 * network watcher sees: anchor request URLs, HTML document bodies and JSON bodies. Input is untrusted page data:
 * everything is size-capped and parse errors yield nothing.
 */
import { MAX_BODY_CHARS, type NetworkValue } from '../../model/captcha.js';
import type { NetworkReader } from '../types.js';
import { ANCHOR_PATH, RELOAD_PATH, SITEKEY } from './patterns.js';

const MAX_VALUE_CHARS = 8192;
const MAX_FINDINGS_PER_BODY = 50;
const MAX_JSON_NODES = 100_000;
const MAX_JSON_DEPTH = 64;

const MAX_FORM_CHARS = 64 * 1024;
/** Looser shape for values under a sitekey-named key. */
const SITEKEY_LOOSE = /^[\w-]{20,100}$/;
/** `s` values are URL-safe base64, sometimes plain base64. */
const S_SHAPE = /^[\w\-+/=.]{8,8192}$/;
const ACTION_SHAPE = /^[\w/.-]{1,100}$/;
const SITEKEY_KEYS = new Set(['sitekey', 'siteKey', 'site_key', 'websiteKey', 'website_key', 'data-sitekey', 'k']);
const S_KEYS = ['s', 'data-s', 'dataS', 'data_s'];
const ACTION_KEYS = ['action', 'sa', 'pageAction', 'data-action'];

function valid(value: unknown, shape: RegExp): string | undefined {
  return typeof value === 'string' && value.length <= MAX_VALUE_CHARS && shape.test(value) ? value : undefined;
}

/** `k`, `s` and `sa` of a reCAPTCHA anchor URL (on any host); undefined for other URLs. */
export function extractFromAnchorURL(url: string): NetworkValue | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (!ANCHOR_PATH.test(parsed.pathname)) return undefined;
  const q = parsed.searchParams;
  const s = valid(q.get('s'), S_SHAPE);
  const action = valid(q.get('sa'), ACTION_SHAPE);
  if (s === undefined && action === undefined) return undefined;
  const result: NetworkValue = { source: 'anchor-url' };
  const sitekey = valid(q.get('k'), SITEKEY_LOOSE);
  if (sitekey !== undefined) result.sitekey = sitekey;
  if (s !== undefined) result.s = s;
  if (action !== undefined) result.action = action;
  return result;
}

/**
 * The v3 / invisible token request `POST …/reload?k=<key>`: its form body carries the action as
 * `sa` (and `k` again). Undefined for other URLs or bodies without an action.
 */
export function extractFromReloadRequest(url: string, body: string | undefined): NetworkValue | undefined {
  if (body === undefined || body.length > MAX_FORM_CHARS) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (!RELOAD_PATH.test(parsed.pathname)) return undefined;
  const form = new URLSearchParams(body);
  const action = valid(form.get('sa'), ACTION_SHAPE);
  if (action === undefined) return undefined;
  const result: NetworkValue = { action, source: 'reload-body' };
  const sitekey = valid(parsed.searchParams.get('k') ?? form.get('k'), SITEKEY_LOOSE);
  if (sitekey !== undefined) result.sitekey = sitekey;
  return result;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", '#39': "'" };

function decodeEntities(value: string): string {
  return value.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,6}|#39);/gi, (whole, name: string) => {
    const lower = name.toLowerCase();
    if (lower.startsWith('#x')) return safeCodePoint(Number.parseInt(lower.slice(2), 16), whole);
    if (lower.startsWith('#')) return safeCodePoint(Number.parseInt(lower.slice(1), 10), whole);
    return ENTITIES[lower] ?? whole;
  });
}

function safeCodePoint(code: number, fallback: string): string {
  try {
    return String.fromCodePoint(code);
  } catch {
    return fallback;
  }
}

const TAG = /<[a-zA-Z][^<>]*>/g;
const ATTRIBUTE = /([^\s=/"'<>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
const JSON_SCRIPT = /<script\b[^>]*\btype\s*=\s*["']?application\/(?:ld\+)?json["']?[^>]*>([\s\S]*?)<\/script>/gi;

function attributesOf(tag: string): Map<string, string> {
  const attributes = new Map<string, string>();
  const inner = tag.slice(1, -1);
  for (const match of inner.matchAll(ATTRIBUTE)) {
    const name = (match[1] ?? '').toLowerCase();
    if (!attributes.has(name)) attributes.set(name, decodeEntities(match[2] ?? match[3] ?? match[4] ?? ''));
  }
  return attributes;
}

/** `data-s` attributes (with the `data-sitekey` and `data-action` of the same element) and JSON script blocks. */
export function extractFromHTML(html: string): NetworkValue[] {
  if (html.length > MAX_BODY_CHARS) return [];
  const found: NetworkValue[] = [];
  if (html.includes('data-s')) {
    for (const match of html.matchAll(TAG)) {
      const tag = match[0];
      if (!/\sdata-s\s*=/i.test(tag)) continue;
      const attributes = attributesOf(tag);
      const s = valid(attributes.get('data-s'), S_SHAPE);
      if (s === undefined) continue;
      const value: NetworkValue = { s, source: 'html' };
      const sitekey = valid(attributes.get('data-sitekey'), SITEKEY_LOOSE);
      if (sitekey !== undefined) value.sitekey = sitekey;
      const action = valid(attributes.get('data-action'), ACTION_SHAPE);
      if (action !== undefined) value.action = action;
      found.push(value);
      if (found.length >= MAX_FINDINGS_PER_BODY) return found;
    }
  }
  if (html.includes('json')) {
    for (const match of html.matchAll(JSON_SCRIPT)) {
      for (const value of extractFromJSON(match[1] ?? '')) {
        found.push({ ...value, source: 'html' });
        if (found.length >= MAX_FINDINGS_PER_BODY) return found;
      }
    }
  }
  return found;
}

function sitekeyIn(object: Record<string, unknown>): string | undefined {
  let shaped: string | undefined;
  for (const [key, value] of Object.entries(object)) {
    if (typeof value !== 'string') continue;
    if (SITEKEY_KEYS.has(key) && SITEKEY_LOOSE.test(value)) return value;
    if (shaped === undefined && SITEKEY.test(value)) shaped = value;
  }
  return shaped;
}

function firstValid(object: Record<string, unknown>, keys: readonly string[], shape: RegExp): string | undefined {
  for (const key of keys) {
    const value = valid(object[key], shape);
    if (value !== undefined) return value;
  }
  return undefined;
}

/**
 * Objects at any depth holding an `s` next to a sitekey (in the same object, or failing that in the nearest
 * enclosing object that has one). Accepts Google's `)]}'` anti-JSON prefix.
 */
export function extractFromJSON(text: string): NetworkValue[] {
  if (text.length > MAX_BODY_CHARS) return [];
  const body = text.replace(/^\s*\)\]\}'[^\n]*\n?/, '').trim();
  if (!body.startsWith('{') && !body.startsWith('[')) return [];
  let root: unknown;
  try {
    root = JSON.parse(body);
  } catch {
    return [];
  }
  const found: NetworkValue[] = [];
  let nodes = 0;
  // Iterative walk; `sitekeys` is the chain of sitekeys seen in enclosing objects.
  const stack: Array<{ value: unknown; depth: number; inherited: string | undefined }> = [
    { value: root, depth: 0, inherited: undefined },
  ];
  while (stack.length > 0 && nodes < MAX_JSON_NODES && found.length < MAX_FINDINGS_PER_BODY) {
    const { value, depth, inherited } = stack.pop() as { value: unknown; depth: number; inherited: string | undefined };
    nodes++;
    if (typeof value !== 'object' || value === null || depth > MAX_JSON_DEPTH) continue;
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], depth: depth + 1, inherited });
      continue;
    }
    const object = value as Record<string, unknown>;
    const own = sitekeyIn(object);
    const s = firstValid(object, S_KEYS, S_SHAPE);
    if (s !== undefined && (own ?? inherited) !== undefined) {
      const result: NetworkValue = { sitekey: own ?? inherited, s, source: 'json' };
      const action = firstValid(object, ACTION_KEYS, ACTION_SHAPE);
      if (action !== undefined) result.action = action;
      found.push(result);
    }
    const keys = Object.keys(object);
    for (let i = keys.length - 1; i >= 0; i--) {
      stack.push({ value: object[keys[i] as string], depth: depth + 1, inherited: own ?? inherited });
    }
  }
  return found;
}

/** What the network watcher reads through the registry. */
export const recaptchaNetwork: NetworkReader = {
  fromURL: extractFromAnchorURL,
  fromPost: extractFromReloadRequest,
  fromBody: (text, html) => (html ? extractFromHTML(text) : extractFromJSON(text)),
};
