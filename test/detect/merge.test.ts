/**
 * Merging a frame's two reads in Node (pure): the isolated DOM scan and the main-world scan name elements by path,
 * and containment is a path prefix that, like `Node.contains`, does not enter a shadow root.
 */
import { describe, expect, it } from 'vitest';
import { mergeScans } from '../../src/detect/merge.js';
import type { DomScan, MainScan } from '../../src/model/inpage.js';
import type { ArkoseEvidence, ArkoseMain } from '../../src/vendors/arkose/evidence.js';
import {
  emptyRecaptchaDom,
  type MainClient,
  type RecaptchaDom,
  type RecaptchaMain,
} from '../../src/vendors/recaptcha/evidence.js';
import { emptyDomScan, emptyMainScan } from '../../src/vendors/registry.js';

const KEY = '6LdKlZEpAAAAAAOQjzC2v_d36tWxCl6dWsozdSy9';
const OTHER = '6LcR_okUAAAAAPYrPe-HK_0RULO1aZM15ENyM-Mf';
const PK = '476068BF-9607-4799-B53D-966BE98E2B81';
const anchorHref = (k: string, id: string) =>
  `https://www.google.com/recaptcha/api2/anchor?ar=1&k=${k}&co=aHR0cHM6Ly9zaG9wLnRlc3Q6NDQz&size=normal&cb=${id}`;

/** A DOM scan whose reCAPTCHA part holds `fill` (and whose Arkose part is `fill.arkose`). */
function dom({ arkose, ...fill }: Partial<RecaptchaDom> & { arkose?: ArkoseEvidence }): DomScan {
  const scan = emptyDomScan('https://shop.test/page', 'complete');
  return { ...scan, recaptcha: { ...emptyRecaptchaDom(), ...fill }, ...(arkose ? { arkose } : {}) };
}

/** A main-world scan with the cfg and grecaptcha present, whose reCAPTCHA part holds `fill`. */
function main({ arkose, ...fill }: Partial<RecaptchaMain> & { arkose?: ArkoseMain[] }): MainScan {
  const scan = emptyMainScan();
  return {
    ...scan,
    recaptcha: { ...scan.recaptcha, cfg: true, grecaptcha: true, ...fill },
    ...(arkose ? { arkose } : {}),
  };
}

function client(fill: Partial<MainClient>): MainClient {
  return { idStrings: [], elements: [], promiseCallback: false, fullscreen: false, ...fill };
}

describe('mergeScans', () => {
  it('gives a cfg client the anchor inside its element, the container data and its textarea', () => {
    const scan = mergeScans(
      dom({
        anchors: [{ path: [1, 0, 0, 0], href: anchorHref(KEY, 'x1'), enterprise: false, container: [1, 0] }],
        elements: [{ path: [1, 0], id: 'slot', recaptchaClass: true, badge: false, data: { s: 'S-DATA' } }],
        textareas: [{ path: [1, 0, 1], id: 'g-recaptcha-response', named: true, solved: false }],
      }),
      main({ clients: [client({ widgetId: 0, params: { sitekey: KEY, size: 'normal' }, elements: [[1, 0]] })] }),
    );
    expect(scan.recaptcha.widgets).toHaveLength(1);
    const [w] = scan.recaptcha.widgets;
    expect(w?.sources).toEqual(['cfg', 'container', 'anchor', 'textarea']);
    expect(w?.s).toEqual([{ value: 'S-DATA', source: 'container' }]);
    expect(w?.textareaId).toBe('g-recaptcha-response');
    expect(w?.co).toBe('https://shop.test:443');
    expect(scan.recaptcha.globals.clientCount).toBe(1);
  });

  it('does not let an element claim an anchor inside a shadow root below it (Node.contains does not either)', () => {
    const scan = mergeScans(
      dom({
        anchors: [{ path: [1, 0, -1, 0, 0], href: anchorHref(OTHER, 'x2'), enterprise: false }],
        elements: [{ path: [1, 0], recaptchaClass: false, badge: false, data: {} }],
      }),
      main({ clients: [client({ widgetId: 0, params: { sitekey: KEY }, elements: [[1, 0]] })] }),
    );
    const keys = scan.recaptcha.widgets.map((w) => w.sitekeys.map((c) => `${c.source}:${c.value}`));
    expect(keys).toEqual([[`cfg:${KEY}`], [`anchor:${OTHER}`]]);
  });

  it('matches a render record by container id, and keeps inline actions only where reCAPTCHA was found', () => {
    const scan = mergeScans(
      dom({
        elements: [{ path: [1, 3], id: 'captcha-box', recaptchaClass: false, badge: false, data: {} }],
        anchors: [{ path: [1, 3, 0], href: anchorHref(KEY, 'x3'), enterprise: false }],
        inlineActions: [{ action: 'login' }],
      }),
      main({
        clients: [client({ widgetId: 0, params: { sitekey: KEY }, elements: [[1, 3]] })],
        renders: [{ enterprise: false, containerId: 'captcha-box', params: { callback: 'onDone' } }],
      }),
    );
    expect(scan.recaptcha.widgets).toHaveLength(1);
    expect(scan.recaptcha.widgets[0]?.callbacks).toEqual([{ value: 'onDone', source: 'hook-render' }]);
    expect(scan.recaptcha.inlineActions).toEqual([{ action: 'login' }]);

    const empty = mergeScans(dom({ inlineActions: [{ action: 'login' }] }), emptyMainScan());
    expect(empty.recaptcha.inlineActions).toEqual([]);
  });

  it("adds the hook's Arkose record to the DOM widget with the same key, and reports an unreadable main world", () => {
    const scan = mergeScans(
      dom({
        arkose: {
          loaders: [],
          keyless: [],
          widgets: [{ publicKey: PK, sources: ['loader'], surls: [], tokenPresent: false }],
        },
      }),
      main({
        arkose: [{ publicKey: PK.toLowerCase(), surl: 'https://client-api.arkoselabs.com', data: '{"blob":"b"}' }],
      }),
    );
    expect(scan.arkose.widgets).toEqual([
      {
        publicKey: PK,
        sources: ['loader', 'hook'],
        surls: [{ value: 'https://client-api.arkoselabs.com', source: 'hook' }],
        tokenPresent: false,
        data: '{"blob":"b"}',
      },
    ]);
    const domOnly = mergeScans(dom({}), undefined);
    expect(domOnly.hook).toBe(false);
    expect(domOnly.recaptcha.globals.cfg).toBe(false);
  });
});
