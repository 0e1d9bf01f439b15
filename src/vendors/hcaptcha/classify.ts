/**
 * hCaptcha's classification: one DetectedCaptcha per widget of a frame's merged evidence (`checkbox`, or `invisible`
 * for `size: 'invisible'`), with its task.
 */
import { framePart, siteURL } from '../../detect/evidence.js';
import type { DetectedCaptcha } from '../../model/captcha.js';
import type { Classified, ClassifyContext } from '../types.js';
import type { HcaptchaEvidence, HcaptchaWidgetEvidence } from './evidence.js';
import { LABEL } from './patterns.js';
import { buildHcaptchaTask } from './tasks.js';

const DEFAULT_HOST = 'js.hcaptcha.com';

function classifyWidget(
  found: HcaptchaWidgetEvidence & { sitekey: string },
  hc: HcaptchaEvidence,
  { node, scan }: ClassifyContext,
): DetectedCaptcha {
  const diagnostics: string[] = [];
  let w = found;
  const site = siteURL(node, scan.url);
  if (site.note) diagnostics.push(site.note);
  // A widget rendered by hcaptcha.render() that the hook did not see: a literal call for its key in the page source.
  if (!w.sources.includes('hook') && !w.sources.includes('container')) {
    const guess = hc.inline.filter((r) => r.sitekey?.toLowerCase() === w.sitekey);
    if (guess.length === 1) {
      const [g] = guess;
      if (!w.callback && g?.callback) {
        w = { ...w, callback: g.callback };
        diagnostics.push(`${LABEL} callback read from the page source (an inline hcaptcha.render call)`);
      }
      if (!w.size && g?.size) w = { ...w, size: g.size };
    }
  }
  const kind = w.size === 'invisible' ? 'invisible' : 'checkbox';
  if (!w.size) diagnostics.push(`${LABEL} size unknown; assuming a checkbox widget`);
  const captcha: DetectedCaptcha = {
    id: `${framePart(node.path)}/hcaptcha/${w.widgetId ?? w.sitekey}`,
    vendor: 'hcaptcha',
    kind,
    enterprise: w.rqdata !== undefined,
    sitekey: w.sitekey,
    websiteURL: site.url,
    apiDomain: hc.loaders[0]?.host ?? DEFAULT_HOST,
    frameURL: scan.url || node.url,
    framePath: node.path,
    task: buildHcaptchaTask({
      vendor: 'hcaptcha',
      kind,
      enterprise: w.rqdata !== undefined,
      sitekey: w.sitekey,
      websiteURL: site.url,
      ...(w.rqdata ? { rqdata: w.rqdata } : {}),
    }),
  };
  if (w.callback) captcha.callback = w.callback;
  if (w.widgetId) captcha.widgetId = w.widgetId;
  if (w.response) captcha.solved = true;
  if (diagnostics.length > 0) captcha.diagnostics = diagnostics;
  return captcha;
}

/** Every widget of the frame whose sitekey is known, with what its response textarea held. */
export function classifyHcaptcha(hc: HcaptchaEvidence, ctx: ClassifyContext): Classified[] {
  const out: Classified[] = [];
  for (const w of hc.widgets) {
    if (!w.sitekey) continue;
    // A container with no script to render it is not a widget (the decoys of a page that dropped hCaptcha).
    if (hc.loaders.length === 0 && w.sources.every((s) => s === 'container')) continue;
    out.push({
      captcha: classifyWidget(w as HcaptchaWidgetEvidence & { sitekey: string }, hc, ctx),
      held: { field: w.response ?? '' },
    });
  }
  return out;
}

/** The frame's hCaptcha signals for an explanation. */
export function describeHcaptcha(hc: HcaptchaEvidence): string[] {
  const out = hc.loaders.map((l) => `${LABEL} loader ${l.src}${l.compat ? ' (grecaptcha compat on)' : ''}`);
  if (hc.widgets.length > 0) out.push(`${hc.widgets.length} ${LABEL} widget(s)`);
  return out;
}

export function hasHcaptchaScript(hc: HcaptchaEvidence): boolean {
  return hc.loaders.length > 0;
}
