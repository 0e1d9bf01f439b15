/**
 * Turnstile's classification: one DetectedCaptcha per widget of a frame's merged evidence. A widget on Cloudflare's
 * challenge page is the `interstitial` kind, reported with the reason it is never solved here.
 */
import { framePart, NO_HOOK_NOTE, siteURL } from '../../detect/evidence.js';
import type { DetectedCaptcha } from '../../model/captcha.js';
import type { Classified, ClassifyContext } from '../types.js';
import { fillTurnstile, type TurnstileEvidence, type TurnstileWidgetEvidence } from './evidence.js';
import { INTERSTITIAL_REASON, LABEL, LOADER_HOST, WIDGET_PREFIX } from './patterns.js';
import { buildTurnstileTask } from './tasks.js';

/**
 * A widget rendered by `turnstile.render()` with no action or cData known (no hook): the literal params of an inline
 * call for its sitekey (or the page's only call naming none), with a note; else a note that they are unknown.
 */
function withInlineGuess(
  w: TurnstileWidgetEvidence & { sitekey: string },
  ts: TurnstileEvidence,
  hooked: boolean,
  diagnostics: string[],
): TurnstileWidgetEvidence & { sitekey: string } {
  const fromRender = !w.sources.includes('container') && !w.sources.includes('hook');
  if (!fromRender || w.action !== undefined || w.cData !== undefined) return w;
  const bySitekey = ts.inline.filter((r) => r.sitekey === w.sitekey);
  const guess =
    bySitekey.length === 1 ? bySitekey[0] : ts.inline.length === 1 && !ts.inline[0]?.sitekey ? ts.inline[0] : undefined;
  if (guess) {
    const guessed = { ...w, sources: [...w.sources] };
    fillTurnstile(guessed, guess);
    diagnostics.push(
      `${LABEL} action/cData read from the page source (an inline turnstile.render call); ${NO_HOOK_NOTE} to record them`,
    );
    return guessed;
  }
  if (!hooked) {
    diagnostics.push(
      `${LABEL} action and cData unknown: the widget was rendered with turnstile.render(); ${NO_HOOK_NOTE}`,
    );
  }
  return w;
}

function classifyWidget(
  found: TurnstileWidgetEvidence & { sitekey: string },
  ts: TurnstileEvidence,
  { node, scan }: ClassifyContext,
): DetectedCaptcha {
  const diagnostics: string[] = [];
  const site = siteURL(node, scan.url);
  if (site.note) diagnostics.push(site.note);
  const w = withInlineGuess(found, ts, scan.hook, diagnostics);
  const interstitial = ts.interstitial.length > 0 || w.challengePage === true;
  const kind = interstitial ? 'interstitial' : 'turnstile';
  const captcha: DetectedCaptcha = {
    id: `${framePart(node.path)}/turnstile/${w.widgetId ?? w.sitekey}`,
    vendor: 'turnstile',
    kind,
    enterprise: false,
    sitekey: w.sitekey,
    websiteURL: site.url,
    apiDomain: LOADER_HOST,
    frameURL: scan.url || node.url,
    framePath: node.path,
    task: buildTurnstileTask({
      vendor: 'turnstile',
      kind,
      enterprise: false,
      sitekey: w.sitekey,
      websiteURL: site.url,
      ...(w.action !== undefined ? { action: w.action } : {}),
      ...(w.cData !== undefined ? { cData: w.cData } : {}),
    }),
  };
  if (w.action !== undefined) captcha.action = w.action;
  if (w.cData !== undefined) captcha.cData = w.cData;
  if (w.callback) captcha.callback = w.callback;
  if (w.widgetId) captcha.widgetId = `${WIDGET_PREFIX}${w.widgetId}`;
  if (w.response) captcha.solved = true;
  if (interstitial) {
    captcha.unsupported = INTERSTITIAL_REASON;
    diagnostics.push(`challenge page: ${ts.interstitial.join(', ') || 'widget rendered with chlPageData'}`);
  }
  if (diagnostics.length > 0) captcha.diagnostics = diagnostics;
  return captcha;
}

/** Every widget of the frame whose sitekey is known, with what its response input held. */
export function classifyTurnstile(ts: TurnstileEvidence, ctx: ClassifyContext): Classified[] {
  const out: Classified[] = [];
  for (const w of ts.widgets) {
    if (!w.sitekey) continue;
    // A container with no script to render it is not a widget (the decoys of a page that dropped Turnstile).
    if (ts.loaders.length === 0 && w.sources.every((s) => s === 'container')) continue;
    out.push({
      captcha: classifyWidget(w as TurnstileWidgetEvidence & { sitekey: string }, ts, ctx),
      held: { field: w.response ?? '' },
    });
  }
  return out;
}

/** The frame's Turnstile signals for an explanation. */
export function describeTurnstile(ts: TurnstileEvidence): string[] {
  const out = ts.loaders.map((l) => `${LABEL} loader ${l.src}`);
  if (ts.widgets.length > 0) out.push(`${ts.widgets.length} ${LABEL} widget(s)`);
  if (ts.interstitial.length > 0) out.push(`Cloudflare challenge page (${ts.interstitial.join(', ')})`);
  return out;
}

export function hasTurnstileScript(ts: TurnstileEvidence): boolean {
  return ts.loaders.length > 0 || ts.interstitial.length > 0;
}
