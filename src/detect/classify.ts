/**
 * Turns per-frame evidence (in-page scans, vendor frame URLs, network findings) into DetectedCaptcha objects:
 * one per widget, reported in the frame that renders it.
 */
import {
  type ArkoseWidgetEvidence,
  type Candidate,
  emptyFrameScan,
  type FrameScan,
  newWidget,
  type RecaptchaWidgetEvidence,
} from '../inpage/lib/evidence.js';
import type { DetectedCaptcha, NetworkEvidence as NetworkFinding, TaskTypeOptions } from '../model/captcha.js';
import { DEFAULT_API as DEFAULT_ARKOSE_API } from '../vendors/arkose/patterns.js';
import { buildTask } from '../vendors/registry.js';
import { recordFound } from './found.js';
import type { FrameNode } from './frames.js';

/** A frame whose document was scanned (not a vendor frame). */
export interface ScannedFrame {
  node: FrameNode;
  scan: FrameScan;
}

const UUID = /[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}/i;
const NO_HOOK_NOTE = 'page was not attached before load (call attach())';

function pick(list: Candidate[], order: readonly string[]): Candidate | undefined {
  for (const source of order) {
    const found = list.find((c) => c.source === source);
    if (found) return found;
  }
  return list[0];
}

function disagreement(field: string, list: Candidate[], chosen: Candidate | undefined): string | undefined {
  if (!chosen) return undefined;
  const others = list.filter((c) => c.value !== chosen.value);
  if (others.length === 0) return undefined;
  const short = (v: string) => (v.length > 24 ? `${v.slice(0, 24)}…` : v);
  return `${field} differs between sources: using ${chosen.source} (${short(chosen.value)}), ignoring ${others
    .map((c) => `${c.source} (${short(c.value)})`)
    .join(', ')}`;
}

function httpURL(node: FrameNode, scan: FrameScan | undefined): { url: string; note?: string } {
  const own = scan?.url || node.url;
  if (/^https?:/i.test(own)) return { url: own };
  for (let p = node.parent; p; p = p.parent) {
    if (/^https?:/i.test(p.url)) return { url: p.url, note: `frame URL is ${own || 'empty'}; using its parent's URL` };
  }
  return { url: own };
}

function comparePaths(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

function idPart(path: number[]): string {
  return path.length === 0 ? 'top' : path.join('.');
}

function hostOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}

interface RecaptchaContext {
  scan: FrameScan;
  node: FrameNode;
  network: NetworkFinding[];
  options: TaskTypeOptions;
}

function classifyRecaptcha(w: RecaptchaWidgetEvidence, ctx: RecaptchaContext): DetectedCaptcha | undefined {
  const { scan, node } = ctx;
  const diagnostics: string[] = [];
  const sitekeyPick = pick(w.sitekeys, ['hook-render', 'cfg', 'container', 'anchor', 'loader']);
  if (!sitekeyPick) return undefined;
  const sitekey = sitekeyPick.value;
  const keyNote = disagreement('sitekey', w.sitekeys, sitekeyPick);
  if (keyNote) diagnostics.push(keyNote);

  const g = scan.recaptcha.globals;
  const loaders = scan.recaptcha.loaders;
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
  const executes = scan.recaptcha.executes.filter(
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
        const inline = scan.recaptcha.inlineActions;
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

  const site = httpURL(node, scan);
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
    id: `${idPart(node.path)}/recaptcha/${widgetKey}`,
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
    task: buildTask(
      { vendor: 'recaptcha', kind, enterprise, sitekey, websiteURL: site.url, action, s: sPick?.value },
      ctx.options,
    ),
    ...(solved ? { solved: true } : {}),
  };
  if (diagnostics.length > 0) captcha.diagnostics = diagnostics;
  return captcha;
}

function classifyArkose(
  w: ArkoseWidgetEvidence,
  node: FrameNode,
  scan: FrameScan | undefined,
  hook: boolean,
  options: TaskTypeOptions,
): DetectedCaptcha {
  const diagnostics: string[] = [];
  const surlPick = pick(w.surls, ['hook', 'fc-token', 'loader', 'frame']);
  const note = disagreement('Arkose API host', w.surls, surlPick);
  if (note) diagnostics.push(note);
  const surl = surlPick?.value.replace(/\/+$/, '');
  if (!surl) diagnostics.push(`Arkose API host unknown; assuming ${DEFAULT_ARKOSE_API}`);
  if (!w.data && !hook) diagnostics.push(`Arkose data blob unknown: ${NO_HOOK_NOTE}`);
  const site = httpURL(node, scan);
  if (site.note) diagnostics.push(site.note);
  const captcha: DetectedCaptcha = {
    id: `${idPart(node.path)}/funcaptcha/${w.publicKey}`,
    vendor: 'funcaptcha',
    kind: 'funcaptcha',
    enterprise: false,
    sitekey: w.publicKey,
    websiteURL: site.url,
    apiDomain: hostOf(surl ?? DEFAULT_ARKOSE_API)!,
    frameURL: scan?.url || node.url,
    framePath: node.path,
    task: buildTask(
      {
        vendor: 'funcaptcha',
        kind: 'funcaptcha',
        enterprise: false,
        sitekey: w.publicKey,
        websiteURL: site.url,
        arkoseApi: surl ?? DEFAULT_ARKOSE_API,
        ...(w.data ? { data: w.data } : {}),
      },
      options,
    ),
  };
  if (diagnostics.length > 0) captcha.diagnostics = diagnostics;
  return captcha;
}

function emptyScan(url: string): FrameScan {
  return emptyFrameScan(url, 'unknown');
}

/**
 * Merge everything into captchas. Vendor frames (anchor/bframe/enforcement) add their URL's signals to the widget of
 * the frame that renders them; a vendor frame whose owner could not be read still yields a widget there.
 */
export function classify(
  scanned: ScannedFrame[],
  vendorFrames: FrameNode[],
  network: NetworkFinding[],
  options: TaskTypeOptions,
): DetectedCaptcha[] {
  const byNode = new Map<FrameNode, FrameScan>();
  for (const s of scanned) byNode.set(s.node, s.scan);
  // Owners that could not be scanned get an empty scan so their vendor children still count.
  const ownerScan = (owner: FrameNode): FrameScan => {
    let scan = byNode.get(owner);
    if (!scan) {
      scan = emptyScan(owner.url);
      byNode.set(owner, scan);
    }
    return scan;
  };

  // Challenge frames last: they mark widgets that their anchors (or the owner's DOM) described.
  const ordered = [...vendorFrames].sort(
    (a, b) => Number(a.vendor === 'recaptcha-bframe') - Number(b.vendor === 'recaptcha-bframe'),
  );
  for (const vendor of ordered) {
    let owner = vendor.parent;
    while (owner?.vendor) owner = owner.parent;
    if (!owner) continue;
    let url: URL;
    try {
      url = new URL(vendor.url);
    } catch {
      continue;
    }
    if (vendor.vendor === 'recaptcha-anchor') {
      const scan = ownerScan(owner);
      const k = url.searchParams.get('k');
      const id = /^a-([a-z0-9]+)$/.exec(vendor.name)?.[1];
      let w = scan.recaptcha.widgets.find((x) => id !== undefined && x.anchorId === id);
      w ??= scan.recaptcha.widgets.find((x) => x.anchorURL === vendor.url);
      if (w) continue; // The owner's DOM already described this anchor.
      const sameKey = scan.recaptcha.widgets.filter((x) => k !== null && x.sitekeys.some((c) => c.value === k));
      if (sameKey.length > 0) {
        // A widget of this key without a readable anchor element gets the URL; otherwise it is already described.
        w = sameKey.find((x) => !x.anchorURL);
        if (!w) continue;
      } else {
        w = newWidget();
        scan.recaptcha.widgets.push(w);
      }
      if (!w.sources.includes('anchor-frame')) w.sources.push('anchor-frame');
      const q = url.searchParams;
      if (id) w.anchorId = id;
      w.anchorURL = vendor.url;
      w.apiHost = url.host;
      w.enterpriseAnchor = url.pathname.includes('/enterprise/');
      for (const [list, param] of [
        [w.sitekeys, 'k'],
        [w.sizes, 'size'],
        [w.s, 's'],
        [w.actions, 'sa'],
      ] as const) {
        const value = q.get(param);
        if (value && !list.some((c) => c.value === value)) list.push({ value, source: 'anchor' });
      }
    } else if (vendor.vendor === 'recaptcha-bframe') {
      const scan = byNode.get(owner);
      const id = /^c-([a-z0-9]+)$/.exec(vendor.name)?.[1];
      const w = scan?.recaptcha.widgets.find((x) => id !== undefined && x.anchorId === id);
      if (w) w.hasBframe = true;
    } else if (vendor.vendor === 'arkose') {
      const pk = UUID.exec(url.searchParams.get('pk') ?? '')?.[0] ?? UUID.exec(url.pathname)?.[0];
      if (!pk) continue;
      const publicKey = pk.toUpperCase();
      const scan = ownerScan(owner);
      let w = scan.arkose.widgets.find((x) => x.publicKey === publicKey);
      if (!w) {
        w = { publicKey, sources: [], surls: [], tokenPresent: false };
        scan.arkose.widgets.push(w);
      }
      if (!w.sources.includes('frame')) w.sources.push('frame');
      if (/\/v2\/[0-9A-F-]{36}\//i.test(url.pathname) && !w.surls.some((c) => c.value === url.origin)) {
        w.surls.push({ value: url.origin, source: 'frame' });
      }
    }
  }

  const out: DetectedCaptcha[] = [];
  const seen = new Set<string>();
  for (const [node, scan] of byNode) {
    const frameNetwork = network.filter((f) => !f.frameURL || f.frameURL === scan.url || f.frameURL === node.url);
    for (const w of scan.recaptcha.widgets) {
      const captcha = classifyRecaptcha(w, { scan, node, network: frameNetwork, options });
      if (!captcha || seen.has(captcha.id)) continue;
      seen.add(captcha.id);
      recordFound(captcha, {
        frame: node.frame,
        held: { field: w.response ?? '', ...(w.injected === undefined ? {} : { getResponse: w.injected }) },
      });
      out.push(captcha);
    }
    for (const w of scan.arkose.widgets) {
      const captcha = classifyArkose(w, node, scan, scan.hook, options);
      if (seen.has(captcha.id)) continue;
      seen.add(captcha.id);
      recordFound(captcha, { frame: node.frame, held: { field: w.response ?? '' } });
      out.push(captcha);
    }
  }
  // Frame order, then reCAPTCHA before Arkose, then widget id (unknown ids last); the sort is stable.
  const rank = (c: DetectedCaptcha) => c.widgetId ?? Number.MAX_SAFE_INTEGER;
  out.sort(
    (a, b) =>
      comparePaths(a.framePath, b.framePath) ||
      (a.vendor === b.vendor ? 0 : a.vendor === 'recaptcha' ? -1 : 1) ||
      rank(a) - rank(b),
  );
  return out;
}
