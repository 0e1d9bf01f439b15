/**
 * hCaptcha's part of merging one frame's two reads: the early hook's render records join the DOM's widgets by id;
 * execute / setData records add the rqdata they carried.
 */
import { type HcaptchaEvidence, type HcaptchaMain, hcaptchaWidget } from './evidence.js';
import { SITEKEY } from './patterns.js';

export function mergeHcaptcha(hc: HcaptchaEvidence, dom: HcaptchaEvidence, main: HcaptchaMain[] | undefined): void {
  hc.loaders.push(...dom.loaders);
  hc.widgets.push(...dom.widgets);
  hc.inline.push(...dom.inline);
  for (const record of main ?? []) {
    const sitekey = record.sitekey && SITEKEY.test(record.sitekey) ? record.sitekey.toLowerCase() : undefined;
    if (record.method === 'render') {
      if (!record.widgetId && !sitekey) continue;
      const w = hcaptchaWidget(hc.widgets, { widgetId: record.widgetId, sitekey }, 'hook');
      if (record.size && !w.size) w.size = record.size;
      if (record.callback && !w.callback) w.callback = record.callback;
      if (record.rqdata) w.rqdata = record.rqdata;
      continue;
    }
    // execute(id?, { rqdata }) / setData(id?, { rqdata }): no id means the first widget.
    if (!record.rqdata) continue;
    const w = record.widgetId ? hc.widgets.find((x) => x.widgetId === record.widgetId) : hc.widgets[0];
    if (w) w.rqdata = record.rqdata;
  }
}
