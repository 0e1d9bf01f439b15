/**
 * The early hook's network part, installed only where the driver cannot hand response and request bodies to Node
 * (Puppeteer over WebDriver BiDi on a Firefox without `network.getData`, e.g. Firefox 140 ESR): it copies what the
 * network watcher would have read from the protocol, in this frame:
 * - `fetch()` and XMLHttpRequest responses with a text-like content type (body text, up to MAX_BODY_CHARS);
 * - the string bodies of their POST requests (v3 / invisible token requests carry the action there);
 * - the document as parsed, once, at DOMContentLoaded (the /sorry/ page's `s` sits in its HTML).
 * Node takes the records (and empties the list) through `store.takeNetwork()`; vendor readers parse them there.
 *
 * What it leaves in a page, on those drivers only: `window.fetch` and `XMLHttpRequest.prototype.open` / `send`
 * are our wrappers (same arguments, `this`, return values and exceptions; the page's response is untouched: we read
 * a clone), and one `loadend` listener per XHR sent; a `DOMContentLoaded` listener on the document.
 */

import type { AnyObject, Fn } from '../../../model/inpage.js';
import {
  addEventListener,
  apply,
  arraySplice,
  baseURIGetter,
  defineProperty,
  doc,
  G,
  getOwnPropertyDescriptor,
  isObjectLike,
  now,
  promiseThen,
  read,
  StringCtor,
  stringSlice,
  URLCtor,
  WeakMapCtor,
  weakMapGet,
  weakMapSet,
} from './builtins.js';
import { serialize } from './snapshot.js';

/** One body or POST the frame saw. */
export interface NetworkRecord {
  kind: 'body' | 'post' | 'document';
  url: string;
  text: string;
  at: number;
}

const MAX_TEXT = 2 * 1024 * 1024;
const MAX_NETWORK_RECORDS = 100;
const TEXT_TYPE = /json|text\/|xml|javascript/i;
const SKIP_TYPE = /javascript|ecmascript|text\/css/i;

const regexpTest = RegExp.prototype.test;
/** The absolute URL of a fetch/XHR argument (a string, URL or Request), resolved against the document's base. */
const urlOf = (value: unknown): string => {
  try {
    const url = typeof value === 'string' ? value : read(value, 'url');
    const raw = typeof url === 'string' ? url : StringCtor(value);
    const base = doc && baseURIGetter ? (apply(baseURIGetter, doc, []) as string) : undefined;
    return new URLCtor(raw, base).href;
  } catch {
    return '';
  }
};

function textLike(contentType: unknown): boolean {
  return (
    typeof contentType === 'string' &&
    apply(regexpTest, TEXT_TYPE, [contentType]) === true &&
    apply(regexpTest, SKIP_TYPE, [contentType]) !== true
  );
}

/** Installs the network part; `records` is the store's list. */
export function installNetwork(store: AnyObject): void {
  const records: NetworkRecord[] = [];
  const add = (kind: NetworkRecord['kind'], url: string, text: unknown) => {
    if (typeof text !== 'string' || text === '' || text.length > MAX_TEXT) return;
    if (records.length >= MAX_NETWORK_RECORDS) apply(arraySplice, records, [0, 1]);
    defineProperty(records, records.length, {
      value: { kind, url: apply(stringSlice, url, [0, 4096]) as string, text, at: now() },
      writable: true,
      enumerable: true,
      configurable: true,
    });
  };
  defineProperty(store, 'takeNetwork', {
    value: () => {
      const out = serialize(records);
      records.length = 0;
      return out;
    },
  });

  const originalFetch = read(G, 'fetch');
  const ResponseProto = (G.Response as { prototype?: AnyObject } | undefined)?.prototype;
  const clone = ResponseProto ? (read(ResponseProto, 'clone') as Fn | undefined) : undefined;
  const textOf = ResponseProto ? (read(ResponseProto, 'text') as Fn | undefined) : undefined;
  const HeadersProto = (G.Headers as { prototype?: AnyObject } | undefined)?.prototype;
  const headerGet = HeadersProto ? (read(HeadersProto, 'get') as Fn | undefined) : undefined;
  if (typeof originalFetch === 'function' && clone && textOf && headerGet) {
    const wrapped = function fetch(this: unknown, ...args: unknown[]): unknown {
      const result = apply(originalFetch as Fn, this, args);
      try {
        const url = urlOf(args[0]);
        const body = read(args[1], 'body');
        if (typeof body === 'string') add('post', url, body);
        apply(promiseThen, result, [
          (response: unknown) => {
            try {
              const type = apply(headerGet, read(response, 'headers'), ['content-type']);
              if (!textLike(type)) return;
              const copy = apply(clone, response, []);
              apply(promiseThen, apply(textOf, copy, []), [
                (text: unknown) => add('body', urlOf(response) || url, text),
                () => undefined,
              ]);
            } catch {
              // A body already used or an opaque response: nothing to copy.
            }
          },
          () => undefined,
        ]);
      } catch {
        // Recording never changes what the page gets.
      }
      return result;
    };
    defineProperty(G, 'fetch', { ...getOwnPropertyDescriptor(G, 'fetch'), value: wrapped });
  }

  const XHR = G.XMLHttpRequest as { prototype?: AnyObject } | undefined;
  const proto = XHR?.prototype;
  const open = proto ? (read(proto, 'open') as Fn | undefined) : undefined;
  const send = proto ? (read(proto, 'send') as Fn | undefined) : undefined;
  const getHeader = proto ? (read(proto, 'getResponseHeader') as Fn | undefined) : undefined;
  const listen = addEventListener;
  if (proto && open && send && getHeader && listen) {
    const urls = new WeakMapCtor<object, string>();
    const wrappedOpen = function open_(this: object, ...args: unknown[]): unknown {
      try {
        apply(weakMapSet, urls, [this, urlOf(args[1])]);
      } catch {
        // Not an XHR: the original throws below.
      }
      return apply(open, this, args);
    };
    const wrappedSend = function send_(this: object, ...args: unknown[]): unknown {
      try {
        const url = (apply(weakMapGet, urls, [this]) as string | undefined) ?? '';
        if (typeof args[0] === 'string') add('post', url, args[0]);
        apply(listen, this, [
          'loadend',
          () => {
            try {
              if (!textLike(apply(getHeader, this, ['content-type']))) return;
              const type = read(this, 'responseType');
              if (type === '' || type === 'text')
                add('body', urlOf(read(this, 'responseURL')) || url, read(this, 'responseText'));
            } catch {
              // A response we may not read.
            }
          },
        ]);
      } catch {
        // Recording never changes what the page gets.
      }
      return apply(send, this, args);
    };
    defineProperty(proto, 'open', { ...getOwnPropertyDescriptor(proto, 'open'), value: wrappedOpen });
    defineProperty(proto, 'send', { ...getOwnPropertyDescriptor(proto, 'send'), value: wrappedSend });
  }

  if (doc && addEventListener) {
    apply(addEventListener, doc, [
      'DOMContentLoaded',
      () => {
        try {
          const root = read(doc, 'documentElement');
          const html = isObjectLike(root) ? read(root, 'outerHTML') : undefined;
          add('document', urlOf(read(doc, 'URL')), html);
        } catch {
          // Nothing to copy.
        }
      },
      { once: true },
    ]);
  }
}
