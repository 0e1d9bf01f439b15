/** Arkose's classification: one DetectedCaptcha per public key of a frame's merged evidence, with its task. */
import { disagreement, framePart, hostOf, NO_HOOK_NOTE, pick, siteURL } from '../../detect/evidence.js';
import type { DetectedCaptcha } from '../../model/captcha.js';
import type { Classified, ClassifyContext } from '../types.js';
import type { ArkoseEvidence, ArkoseWidgetEvidence } from './evidence.js';
import { DEFAULT_API } from './patterns.js';
import { buildFuncaptchaTask } from './tasks.js';

function classifyWidget(w: ArkoseWidgetEvidence, { node, scan }: ClassifyContext): DetectedCaptcha {
  const diagnostics: string[] = [];
  const surlPick = pick(w.surls, ['hook', 'fc-token', 'loader', 'frame']);
  const note = disagreement('Arkose API host', w.surls, surlPick);
  if (note) diagnostics.push(note);
  const surl = surlPick?.value.replace(/\/+$/, '');
  if (!surl) diagnostics.push(`Arkose API host unknown; assuming ${DEFAULT_API}`);
  if (!w.data && !scan.hook) diagnostics.push(`Arkose data blob unknown: ${NO_HOOK_NOTE}`);
  const site = siteURL(node, scan.url);
  if (site.note) diagnostics.push(site.note);
  const captcha: DetectedCaptcha = {
    id: `${framePart(node.path)}/funcaptcha/${w.publicKey}`,
    vendor: 'funcaptcha',
    kind: 'funcaptcha',
    enterprise: false,
    sitekey: w.publicKey,
    websiteURL: site.url,
    apiDomain: hostOf(surl ?? DEFAULT_API)!,
    frameURL: scan.url || node.url,
    framePath: node.path,
    task: buildFuncaptchaTask({
      vendor: 'funcaptcha',
      kind: 'funcaptcha',
      enterprise: false,
      sitekey: w.publicKey,
      websiteURL: site.url,
      arkoseApi: surl ?? DEFAULT_API,
      ...(w.data ? { data: w.data } : {}),
    }),
  };
  if (diagnostics.length > 0) captcha.diagnostics = diagnostics;
  return captcha;
}

/** Every widget of the frame, with what its token input held. */
export function classifyArkose(ak: ArkoseEvidence, ctx: ClassifyContext): Classified[] {
  return ak.widgets.map((w) => ({ captcha: classifyWidget(w, ctx), held: { field: w.response ?? '' } }));
}

/** The frame's Arkose signals for an explanation. */
export function describeArkose(ak: ArkoseEvidence): string[] {
  const out = ak.loaders.map((l) => `Arkose loader ${l.src}`);
  if (ak.widgets.length > 0) out.push(`${ak.widgets.length} Arkose widget(s)`);
  return [...out, ...ak.keyless];
}

/** A loader is there. */
export function hasArkoseScript(ak: ArkoseEvidence): boolean {
  return ak.loaders.length > 0;
}
