/** reCAPTCHA's classification: one DetectedCaptcha per widget of a frame's merged evidence, with the task it needs. */
import { disagreement, framePart, hostOf, NO_HOOK_NOTE, pick, siteURL } from '../../detect/evidence.js';
import type { DetectedCaptcha } from '../../model/captcha.js';
import { SITEKEY as HCAPTCHA_SITEKEY } from '../hcaptcha/patterns.js';
import { SITEKEY as TURNSTILE_SITEKEY } from '../turnstile/patterns.js';
import type { Classified, ClassifyContext } from '../types.js';
import type { RecaptchaFrame, RecaptchaWidgetEvidence } from './evidence.js';
import { CFG_GLOBAL, SITEKEY } from './patterns.js';
import { buildRecaptchaTask } from './tasks.js';

function classifyWidget(
  w: RecaptchaWidgetEvidence,
  rc: RecaptchaFrame,
  ctx: ClassifyContext,
): DetectedCaptcha | undefined {
  const { scan, node } = ctx;
  const diagnostics: string[] = [];
  const sitekeyPick = pick(w.sitekeys, ['hook-render', 'cfg', 'container', 'anchor', 'loader']);
  if (!sitekeyPick) return undefined;
  const sitekey = sitekeyPick.value;
  // hCaptcha's compat mode renders into `.g-recaptcha` (and Turnstile's `compat=recaptcha` too): a UUID or `0x…` key
  // there is theirs, and their modules report it.
  if (ownedByAnotherVendor(sitekey)) return undefined;
  const keyNote = disagreement('sitekey', w.sitekeys, sitekeyPick);
  if (keyNote) diagnostics.push(keyNote);

  const g = rc.globals;
  const loaders = rc.loaders;
  let enterprise: boolean;
  if (w.enterpriseAnchor !== undefined) enterprise = w.enterpriseAnchor;
  else if (w.anchorURL) enterprise = false;
  else {
    enterprise =
      loaders.some((l) => l.enterprise) ||
      g.cfgEnterprise ||
      (g.api?.endsWith('/enterprise/') ?? false) ||
      (g.enterpriseNamespace && !loaders.some((l) => !l.enterprise));
  }

  // A widget inside a badge is invisible (v2) or v3 even when no source states its size.
  const size =
    pick(w.sizes, ['anchor', 'cfg', 'hook-render', 'container'])?.value ?? (w.inBadge ? 'invisible' : undefined);
  const callbackPick = pick(w.callbacks, ['cfg', 'hook-render', 'container']);
  const executes = rc.executes.filter(
    (e) =>
      (e.sitekey !== undefined && e.sitekey === sitekey) || (e.widgetId !== undefined && e.widgetId === w.widgetId),
  );
  let kind: DetectedCaptcha['kind'];
  if (size === 'normal' || size === 'compact') kind = 'checkbox';
  else if (size === 'invisible') {
    const v2Signals = [
      callbackPick && !w.promiseCallback ? 'callback' : undefined,
      w.bind ? 'bind' : undefined,
      w.hasBframe ? 'challenge frame' : undefined,
      w.isolated === true ? 'isolated render' : undefined,
      w.fullscreenMarker ? '"fullscreen" client marker' : undefined,
      w.hasContainer ? 'widget container' : undefined,
    ].filter((x): x is string => !!x);
    if (w.promiseCallback) kind = 'score';
    else if (v2Signals.length > 0) kind = 'invisible';
    else if (w.renderParamMatch || (w.widgetId !== undefined && w.widgetId >= 100000)) kind = 'score';
    else if (executes.some((e) => e.action !== undefined)) kind = 'score';
    else {
      kind = 'invisible';
      diagnostics.push('invisible widget with no v2 or v3 signal; assumed invisible v2');
    }
  } else if (w.promiseCallback || w.renderParamMatch) {
    kind = 'score';
  } else {
    kind = 'checkbox';
    diagnostics.push(`widget size unknown (${w.sources.join(', ')}); assumed checkbox`);
  }

  // Action.
  let action: string | undefined;
  if (kind === 'score') {
    const last = [...executes].reverse().find((e) => e.action !== undefined);
    const fromNetwork = ctx.network.filter((f) => f.sitekey === sitekey && f.action).pop();
    if (last?.action !== undefined) action = last.action;
    else if (fromNetwork?.action) action = fromNetwork.action;
    else {
      const declared = pick(w.actions, ['hook-render', 'cfg', 'container', 'anchor']);
      if (declared) action = declared.value;
      else {
        const inline = rc.inlineActions;
        const match = inline.filter((x) => x.sitekey === sitekey);
        const guess =
          match.length === 1 ? match[0] : inline.length === 1 && !inline[0]!.sitekey ? inline[0] : undefined;
        if (guess) {
          action = guess.action;
          diagnostics.push('v3 action taken from an inline execute() call in the page source');
        } else {
          diagnostics.push(
            scan.hook
              ? 'v3 action unknown: grecaptcha.execute() has not been called yet'
              : `v3 action unknown: ${NO_HOOK_NOTE}`,
          );
        }
      }
    }
  } else {
    action = pick(w.actions, ['anchor', 'hook-render', 'cfg', 'container'])?.value;
  }

  // s: network (document body) > render hook > DOM > anchor > client.
  // Only the newest network value counts: `s` is minted per page load, older loads of the same URL are stale.
  const sCandidates = [...w.s];
  const newest = ctx.network.filter((f) => f.s && f.sitekey === sitekey).sort((a, b) => b.at - a.at)[0];
  if (newest?.s) sCandidates.push({ value: newest.s, source: 'network' });
  const sPick = pick(sCandidates, ['network', 'hook-render', 'container', 'anchor', 'cfg']);
  const sNote = disagreement('s', sCandidates, sPick);
  if (sNote) diagnostics.push(sNote);

  const site = siteURL(node, scan.url);
  if (site.note) diagnostics.push(site.note);
  const apiDomain = w.apiHost ?? hostOf(loaders[0]?.src) ?? hostOf(g.api);
  // A v3 textarea holds the page's own last execute() token, which says nothing about our solve.
  const solved = w.solved && kind !== 'score';
  if (solved) diagnostics.push('the response textarea already holds a token (solved or expired)');
  if (!scan.hook && kind !== 'score' && w.callbacks.length === 0 && !w.sources.includes('cfg')) {
    diagnostics.push(`callback unknown: widget configuration not readable and ${NO_HOOK_NOTE}`);
  }
  const widgetKey =
    w.widgetId !== undefined ? `w${w.widgetId}` : w.anchorId ? `a-${w.anchorId}` : `k-${sitekey.slice(0, 40)}`;
  const captcha: DetectedCaptcha = {
    id: `${framePart(node.path)}/recaptcha/${widgetKey}`,
    vendor: 'recaptcha',
    kind,
    enterprise,
    sitekey,
    websiteURL: site.url,
    ...(action !== undefined ? { action } : {}),
    ...(sPick ? { s: sPick.value } : {}),
    ...(callbackPick ? { callback: callbackPick.value } : {}),
    ...(w.widgetId !== undefined ? { widgetId: w.widgetId } : {}),
    ...(apiDomain ? { apiDomain } : {}),
    frameURL: scan.url || node.url,
    framePath: node.path,
    task: buildRecaptchaTask(
      { vendor: 'recaptcha', kind, enterprise, sitekey, websiteURL: site.url, action, s: sPick?.value },
      ctx.options,
    ),
    ...(solved ? { solved: true } : {}),
  };
  if (diagnostics.length > 0) captcha.diagnostics = diagnostics;
  return captcha;
}

/** Every widget of the frame that has a sitekey, with what its response field and getResponse held. */
export function classifyRecaptcha(rc: RecaptchaFrame, ctx: ClassifyContext): Classified[] {
  const out: Classified[] = [];
  for (const w of rc.widgets) {
    const captcha = classifyWidget(w, rc, ctx);
    if (!captcha) continue;
    out.push({
      captcha,
      held: { field: w.response ?? '', ...(w.injected === undefined ? {} : { getResponse: w.injected }) },
    });
  }
  return out;
}

/** A key in reCAPTCHA's markers whose shape is another vendor's (hCaptcha's UUID, Turnstile's `0x…`). */
function ownedByAnotherVendor(sitekey: string): boolean {
  return !SITEKEY.test(sitekey) && (HCAPTCHA_SITEKEY.test(sitekey) || TURNSTILE_SITEKEY.test(sitekey));
}

/** The frame's reCAPTCHA signals for an explanation. */
export function describeRecaptcha(rc: RecaptchaFrame): string[] {
  const out: string[] = [];
  for (const l of rc.loaders) {
    out.push(`reCAPTCHA loader ${l.host}${new URL(l.src).pathname}${l.render ? ` (render=${l.render})` : ''}`);
  }
  const g = rc.globals;
  if (g.cfg) out.push(`${CFG_GLOBAL} with ${g.clientCount} client(s)`);
  else if (g.grecaptcha) out.push(`grecaptcha global without ${CFG_GLOBAL}`);
  if (rc.widgets.length > 0) out.push(`${rc.widgets.length} reCAPTCHA widget(s)`);
  return out;
}

/** A loader, the cfg or the grecaptcha global is there. */
export function hasRecaptchaScript(rc: RecaptchaFrame): boolean {
  return rc.loaders.length > 0 || rc.globals.cfg || rc.globals.grecaptcha;
}
