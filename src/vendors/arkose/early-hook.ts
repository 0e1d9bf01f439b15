/**
 * Arkose's part of the early hook (src/inpage/hook.ts): watches for loader tags and wraps their `data-callback` global
 * (v2) or the legacy `FunCaptcha` / `ArkoseEnforcement` constructors, recording the enforcement config (key, blob,
 * onCompleted), and the JSON view of those records.
 *
 * What it leaves in a page (its part of the hook's documented footprint):
 * - only once an Arkose loader tag appears: its `data-callback` global (and, for the legacy loader, the
 *   `FunCaptcha` / `ArkoseEnforcement` constructors) replaced by wrappers, and the enforcement object's `setConfig`
 *   wrapped as an own property;
 * - one MutationObserver on the document, used only to notice Arkose loader tags.
 */

import {
  addEventListener,
  append,
  apply,
  baseURIGetter,
  construct,
  defineProperty,
  doc,
  G,
  GLOBAL_NAME,
  getAttribute,
  getElementsByTagName,
  getOwnPropertyDescriptor,
  isObjectLike,
  isWrapper,
  MutationObserverCtor,
  nodeName,
  nodeTypeGetter,
  now,
  observe,
  read,
  regexpExec,
  shortString,
  URLCtor,
  WeakMapCtor,
  WeakSetCtor,
  weakMapGet,
  weakMapSet,
  weakSetAdd,
  weakSetHas,
  wrappers,
} from '../../inpage/lib/early-hook/builtins.js';
import { describeAll, describeFunction, plain } from '../../inpage/lib/early-hook/snapshot.js';
import type { AnyObject, Fn } from '../../model/inpage.js';
import { HOOK_LOADER_LEGACY, HOOK_LOADER_V2 } from './patterns.js';

/** One Arkose enforcement object (updated on every setConfig) or legacy constructor call. */
export interface ArkoseRecord {
  publicKey?: string;
  data?: unknown;
  surl?: string;
  selector?: string;
  onCompleted?: Fn;
  at: number;
}

/** Arkose's list in the early hook's records. */
export interface ArkoseHookRecords {
  arkose: ArkoseRecord[];
}

export interface ArkoseSource {
  publicKey?: string;
  surl?: string;
}

export function stringField(config: unknown, ...names: string[]): string | undefined {
  for (let i = 0; i < names.length; i++) {
    const value = shortString(read(config, names[i] as string));
    if (value !== undefined) return value;
  }
  return undefined;
}

export function updateArkose(record: ArkoseRecord, config: unknown, legacy: boolean): void {
  const publicKey = stringField(config, 'publicKey', 'public_key', 'pkey');
  if (publicKey !== undefined) record.publicKey = publicKey;
  const surl = stringField(config, 'surl');
  if (surl !== undefined) record.surl = surl;
  const selector = legacy ? stringField(config, 'target_html', 'selector') : stringField(config, 'selector');
  if (selector !== undefined) record.selector = selector;
  const data = read(config, 'data');
  if (data !== undefined) record.data = data;
  const onCompleted = read(config, legacy ? 'callback' : 'onCompleted');
  if (typeof onCompleted === 'function') record.onCompleted = onCompleted as Fn;
  else if (legacy && typeof read(config, 'onCompleted') === 'function') {
    record.onCompleted = read(config, 'onCompleted') as Fn;
  }
  record.at = now();
}

export function newArkoseRecord(store: ArkoseHookRecords, source: ArkoseSource): ArkoseRecord {
  const record: ArkoseRecord = { at: now() };
  if (source.publicKey !== undefined) record.publicKey = source.publicKey;
  if (source.surl !== undefined) record.surl = source.surl;
  append(store.arkose, record);
  return record;
}

export const enforcementRecords = new WeakMapCtor<object, ArkoseRecord>();

export function hookEnforcement(store: ArkoseHookRecords, enforcement: unknown, source: ArkoseSource): void {
  if (!isObjectLike(enforcement)) return;
  const setConfig = read(enforcement, 'setConfig');
  if (typeof setConfig !== 'function' || isWrapper(setConfig)) return;
  const own = getOwnPropertyDescriptor(enforcement, 'setConfig');
  const wrapper = function (this: unknown) {
    // biome-ignore lint/complexity/noArguments: forward exactly what the page passed.
    const args = arguments;
    try {
      let record = apply(weakMapGet, enforcementRecords, [enforcement]) as ArkoseRecord | undefined;
      if (!record) {
        record = newArkoseRecord(store, source);
        apply(weakMapSet, enforcementRecords, [enforcement, record]);
      }
      updateArkose(record, args[0], false);
    } catch {
      // Recording is best effort.
    }
    return apply(setConfig as Fn, this, args);
  };
  apply(weakSetAdd, wrappers, [wrapper]);
  try {
    defineProperty(enforcement, 'setConfig', {
      value: wrapper,
      writable: true,
      enumerable: own ? own.enumerable === true : false,
      configurable: true,
    });
  } catch {
    // Frozen enforcement object: nothing to record.
  }
}

export function wrapArkoseCallback(store: ArkoseHookRecords, original: Fn, source: ArkoseSource): Fn {
  const wrapper = function (this: unknown) {
    // biome-ignore lint/complexity/noArguments: forward exactly what the loader passed.
    const args = arguments;
    try {
      hookEnforcement(store, args[0], source);
    } catch {
      // Recording is best effort.
    }
    return apply(original, this, args);
  };
  apply(weakSetAdd, wrappers, [wrapper]);
  return wrapper;
}

export function wrapArkoseConstructor(store: ArkoseHookRecords, original: Fn, source: ArkoseSource): Fn {
  const wrapper = function (this: unknown) {
    // biome-ignore lint/complexity/noArguments: forward exactly what the page passed.
    const args = arguments;
    try {
      updateArkose(newArkoseRecord(store, source), args[0], true);
    } catch {
      // Recording is best effort.
    }
    if (new.target === undefined) return apply(original, this, args);
    return construct(original, args, new.target === wrapper ? original : new.target);
  };
  try {
    // `instanceof` and `.prototype` behave as with the original constructor.
    defineProperty(wrapper, 'prototype', { value: read(original, 'prototype'), writable: true });
  } catch {
    // Keep the wrapper's own prototype.
  }
  apply(weakSetAdd, wrappers, [wrapper]);
  return wrapper;
}

/**
 * Make global `name` call `wrap(fn)` instead of the page's function. Before the page defines it: an accessor that
 * wraps whatever is assigned. After a `function name(){}` declaration (non-configurable but writable data
 * property): the value is replaced. Returns true when the global is hooked now.
 */
export function hookGlobalFunction(name: string, wrap: (original: Fn) => Fn): boolean {
  const descriptor = getOwnPropertyDescriptor(G, name);
  if (!descriptor) {
    let current: unknown;
    const get = () => current;
    apply(weakSetAdd, wrappers, [get]);
    defineProperty(G, name, {
      get,
      set: (next: unknown) => {
        current = typeof next === 'function' && !isWrapper(next) ? wrap(next as Fn) : next;
      },
      enumerable: true,
      configurable: true,
    });
    return true;
  }
  if ('value' in descriptor) {
    const value = descriptor.value;
    if (isWrapper(value)) return true;
    if (typeof value !== 'function' || !descriptor.writable) return false;
    defineProperty(G, name, { value: wrap(value as Fn) });
    return true;
  }
  return isWrapper(descriptor.get);
}

export function watchArkose(store: ArkoseHookRecords): void {
  // Copied to locals: narrowing an imported binding does not reach into the closures below.
  const [document, Observer, observeFn, getAttr, byTagName] = [
    doc,
    MutationObserverCtor,
    observe,
    getAttribute,
    getElementsByTagName,
  ];
  if (!document || !Observer || !observeFn || !getAttr || !byTagName) return;
  const seen = new WeakSetCtor<object>();
  // Globals to (re)hook: a page's `function cb(){}` declaration replaces our accessor, so check again later.
  const pending: Array<{ name: string; wrap: (original: Fn) => Fn }> = [];

  const recheck = () => {
    for (let i = 0; i < pending.length; i++) {
      const entry = pending[i] as { name: string; wrap: (original: Fn) => Fn };
      try {
        hookGlobalFunction(entry.name, entry.wrap);
      } catch {
        // A locked global: nothing to do.
      }
    }
  };

  const inspectScript = (script: Element) => {
    if (apply(weakSetHas, seen, [script])) return;
    apply(weakSetAdd, seen, [script]);
    const src = apply(getAttr, script, ['src']) as string | null;
    if (typeof src !== 'string' || src === '') return;
    let url: URL;
    try {
      url = new URLCtor(src, baseURIGetter ? (apply(baseURIGetter, document, []) as string) : undefined);
    } catch {
      return;
    }
    const v2 = apply(regexpExec, HOOK_LOADER_V2, [url.pathname]) as RegExpExecArray | null;
    if (v2) {
      const source: ArkoseSource = { publicKey: v2[1] as string, surl: url.origin };
      const name = apply(getAttr, script, ['data-callback']) as string | null;
      if (typeof name === 'string' && apply(regexpExec, GLOBAL_NAME, [name])) {
        append(pending, { name, wrap: (original: Fn) => wrapArkoseCallback(store, original, source) });
      }
    } else if (apply(regexpExec, HOOK_LOADER_LEGACY, [url.pathname + url.search])) {
      const source: ArkoseSource = { surl: url.origin };
      const wrap = (original: Fn) => wrapArkoseConstructor(store, original, source);
      append(pending, { name: 'FunCaptcha', wrap });
      append(pending, { name: 'ArkoseEnforcement', wrap });
    } else {
      return;
    }
    recheck();
  };

  const inspect = (node: unknown) => {
    if (!nodeTypeGetter || apply(nodeTypeGetter, node, []) !== 1) return;
    if (nodeName(node) === 'SCRIPT') {
      inspectScript(node as Element);
      return;
    }
    const scripts = apply(byTagName, node, ['script']) as HTMLCollectionOf<Element>;
    for (let i = 0; i < scripts.length; i++) inspectScript(scripts[i] as Element);
  };

  const observer = new Observer((mutations) => {
    try {
      for (let i = 0; i < mutations.length; i++) {
        const added = (mutations[i] as MutationRecord).addedNodes;
        for (let j = 0; j < added.length; j++) inspect(added[j]);
      }
      recheck();
    } catch {
      // Never let the hook throw into the page's event loop.
    }
  });
  apply(observeFn, observer, [document, { childList: true, subtree: true }]);
  if (addEventListener) apply(addEventListener, document, ['readystatechange', recheck, true]);
  // Late install (attach() on a loaded document): look at the scripts already there.
  const existing = document.documentElement ? document.documentElement : null;
  if (existing) inspect(existing);
}

/** Arkose's records as JSON-safe data (HookSnapshot's arkose). */
export function snapshotArkose(store: ArkoseHookRecords, budget: { left: number }): AnyObject {
  return {
    arkose: describeAll(store.arkose, (a) => ({
      publicKey: shortString(a.publicKey),
      surl: shortString(a.surl),
      selector: shortString(a.selector),
      data: a.data === undefined ? undefined : plain(a.data, 4, budget),
      onCompleted: typeof a.onCompleted === 'function' ? describeFunction(a.onCompleted) : undefined,
      at: a.at,
    })),
  };
}

/** Arkose's list in a new frame's records. */
export const arkoseRecords = (): ArkoseHookRecords => ({ arkose: [] });
