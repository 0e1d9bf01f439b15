/** Turnstile's part of merging one frame's two reads: the early hook's render records join the DOM's widgets by id. */
import {
  bareWidgetId,
  fillTurnstile,
  type TurnstileEvidence,
  type TurnstileMain,
  turnstileWidget,
} from './evidence.js';
import { SITEKEY } from './patterns.js';

export function mergeTurnstile(ts: TurnstileEvidence, dom: TurnstileEvidence, main: TurnstileMain[] | undefined): void {
  ts.loaders.push(...dom.loaders);
  ts.widgets.push(...dom.widgets);
  ts.interstitial.push(...dom.interstitial);
  ts.inline.push(...dom.inline);
  for (const record of main ?? []) {
    const widgetId = bareWidgetId(record.widgetId);
    const sitekey = record.sitekey && SITEKEY.test(record.sitekey) ? record.sitekey : undefined;
    if (!widgetId && !sitekey) continue;
    fillTurnstile(turnstileWidget(ts.widgets, { widgetId, sitekey }, 'hook'), record);
  }
}
