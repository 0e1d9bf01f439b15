import { describe, expect, it } from 'vitest';
import { MAX_BODY_CHARS } from '../../../src/model/captcha.js';
import {
  extractFromAnchorURL,
  extractFromHTML,
  extractFromJSON,
  extractFromReloadRequest,
} from '../../../src/vendors/recaptcha/network.js';

const KEY = '6LdLLIMbAAAAAIl-KLj9p1ePhM-4LCCDbjtJLqRO';
const OTHER_KEY = '6LfwuyUTAAAAAOAmoS0fdqijC2PbbdH4kjq62Y1b';
const S = 'Zd7sg4WI00lOUOqus8bWokNBJhWjtOPoKR25wjPkxHPNZA0C_BKubZ9biUOB98s9BMSkPv-8fsTKWg';

describe('extractFromAnchorURL', () => {
  it('reads k, s and sa from api2 and enterprise anchors on any host, in any parameter order', () => {
    expect(
      extractFromAnchorURL(`https://www.google.com/recaptcha/enterprise/anchor?ar=1&k=${KEY}&size=normal&s=${S}&cb=x`),
    ).toEqual({ sitekey: KEY, s: S, source: 'anchor-url' });
    expect(extractFromAnchorURL(`http://recaptcha.net/recaptcha/api2/anchor?sa=homepage&s=${S}&ar=2&k=${KEY}`)).toEqual(
      { sitekey: KEY, s: S, action: 'homepage', source: 'anchor-url' },
    );
  });

  it('ignores anchors without s or sa, bframes and other URLs', () => {
    expect(extractFromAnchorURL(`https://www.google.com/recaptcha/api2/anchor?ar=1&k=${KEY}&size=normal`)).toBe(
      undefined,
    );
    expect(extractFromAnchorURL(`https://www.google.com/recaptcha/api2/bframe?k=${KEY}&s=${S}`)).toBe(undefined);
    expect(extractFromAnchorURL(`https://shop.test/anchor?k=${KEY}&s=${S}`)).toBe(undefined);
    expect(extractFromAnchorURL('not a url')).toBe(undefined);
  });
});

describe('extractFromReloadRequest', () => {
  it('reads the v3 action from the reload form body and the sitekey from the URL', () => {
    expect(
      extractFromReloadRequest(
        `https://www.google.com/recaptcha/enterprise/reload?k=${KEY}`,
        `v=abc&reason=q&c=xyz&k=${KEY}&co=aHR0cHM6Ly9zaG9wLnRlc3Q6NDQz&sa=checkout%2Fpay`,
      ),
    ).toEqual({ sitekey: KEY, action: 'checkout/pay', source: 'reload-body' });
  });

  it('ignores other URLs, missing or empty actions and oversized bodies', () => {
    expect(extractFromReloadRequest(`https://www.google.com/recaptcha/api2/userverify?k=${KEY}`, 'sa=login')).toBe(
      undefined,
    );
    expect(extractFromReloadRequest(`https://www.google.com/recaptcha/api2/reload?k=${KEY}`, 'sa=&v=1')).toBe(
      undefined,
    );
    expect(extractFromReloadRequest(`https://www.google.com/recaptcha/api2/reload?k=${KEY}`, undefined)).toBe(
      undefined,
    );
    expect(
      extractFromReloadRequest(
        `https://www.google.com/recaptcha/api2/reload?k=${KEY}`,
        `sa=login&x=${'a'.repeat(70_000)}`,
      ),
    ).toBe(undefined);
  });
});

describe('extractFromHTML', () => {
  it('pairs data-s with the data-sitekey of the same element, decoding entities', () => {
    const html = `<form id="captcha-form"><div id="recaptcha" class="g-recaptcha" data-sitekey="${KEY}"
      data-callback="submitCallback" data-s="${S}&#45;x"></div><div data-sitekey='${OTHER_KEY}' data-s=abc_DEF-123 data-action=login></div></form>`;
    expect(extractFromHTML(html)).toEqual([
      { sitekey: KEY, s: `${S}-x`, source: 'html' },
      { sitekey: OTHER_KEY, s: 'abc_DEF-123', action: 'login', source: 'html' },
    ]);
  });

  it('finds s in JSON script blocks and ignores empty, malformed and oversized input', () => {
    const html = `<script type="application/json">{"captcha":{"siteKey":"${KEY}","s":"${S}"}}</script>
      <div data-sitekey="${KEY}" data-s=""></div><div data-s="<script>"></div><script type="application/json">{broken</script>`;
    expect(extractFromHTML(html)).toEqual([{ sitekey: KEY, s: S, source: 'html' }]);
    expect(extractFromHTML(`<div data-sitekey="${KEY}" data-s="${S}"></div>`.padEnd(MAX_BODY_CHARS + 1))).toEqual([]);
  });
});

describe('extractFromJSON', () => {
  it('finds s next to a sitekey at any depth, or under the nearest enclosing sitekey', () => {
    const body = JSON.stringify({
      page: { widgets: [{ config: { sitekey: KEY, s: S, action: 'download' } }] },
      other: { k: OTHER_KEY, params: { theme: 'dark', s: 'nested_s_value' } },
      loose: { key: 'not-a-key', s: 'no_sitekey_near' },
    });
    expect(extractFromJSON(body)).toEqual([
      { sitekey: KEY, s: S, action: 'download', source: 'json' },
      { sitekey: OTHER_KEY, s: 'nested_s_value', source: 'json' },
    ]);
  });

  it("accepts Google's )]}' prefix and a sitekey-shaped value under any key", () => {
    expect(extractFromJSON(`)]}'\n{"x":{"anything":"${KEY}","data-s":"${S}"}}`)).toEqual([
      { sitekey: KEY, s: S, source: 'json' },
    ]);
  });

  it('returns nothing for non-JSON, broken JSON and oversized bodies', () => {
    expect(extractFromJSON('<html></html>')).toEqual([]);
    expect(extractFromJSON(`{"sitekey":"${KEY}","s":`)).toEqual([]);
    expect(extractFromJSON(`{"sitekey":"${KEY}","s":"${S}","pad":"${'x'.repeat(MAX_BODY_CHARS)}"}`)).toEqual([]);
  });

  it('survives deeply nested input without recursion limits', () => {
    let body = `{"sitekey":"${KEY}","s":"${S}"}`;
    for (let i = 0; i < 10_000; i++) body = `[${body}]`;
    expect(extractFromJSON(body)).toEqual([]);
    expect(extractFromJSON(`[[[{"sitekey":"${KEY}","s":"${S}"}]]]`)).toEqual([{ sitekey: KEY, s: S, source: 'json' }]);
  });
});
