/**
 * One widget's evidence found by its runtime's widget id, else by its sitekey: shared by the vendors whose widgets
 * have string ids (hCaptcha, Turnstile). Plain functions, so every bundle can import it.
 */

/** What every such widget's evidence has. */
export interface KeyedWidget {
  widgetId?: string;
  sitekey?: string;
  /** Where the widget was seen (container, input, frame, hook, …). */
  sources: string[];
}

/**
 * The widget with this id (else, for a widget not rendered yet, this sitekey and no id; a container seen before its
 * id was known takes the id), appended when new, with `source` added to its sources.
 */
export function keyedWidget<W extends KeyedWidget>(
  widgets: W[],
  key: { widgetId?: string; sitekey?: string },
  source: string,
): W {
  let w = key.widgetId
    ? widgets.find((x) => x.widgetId === key.widgetId)
    : widgets.find((x) => x.widgetId === undefined && x.sitekey === key.sitekey);
  if (!w && key.widgetId && key.sitekey) {
    w = widgets.find((x) => x.widgetId === undefined && x.sitekey === key.sitekey);
    if (w) w.widgetId = key.widgetId;
  }
  if (!w) {
    w = { sources: [] } as KeyedWidget as W;
    if (key.widgetId) w.widgetId = key.widgetId;
    widgets.push(w);
  }
  if (key.sitekey && !w.sitekey) w.sitekey = key.sitekey;
  if (!w.sources.includes(source)) w.sources.push(source);
  return w;
}
