/**
 * The vendor registry (Node side): the pipeline (detection, the network watcher, the API client's task catalogue)
 * reaches vendors only through this list. A new vendor is a new folder plus its lines here and in src/vendors/inpage.ts.
 */
import type { DriverFrame } from '../drivers/types.js';
import type {
  DetectedCaptcha,
  DetectedTask,
  KnownTaskType,
  TaskInput,
  TaskTypeInput,
  TaskTypeOptions,
  Vendor,
} from '../model/captcha.js';
import type { DomScan, FrameScan, FrameScanBase, MainScan } from '../model/inpage.js';
import { arkose } from './arkose/index.js';
import { hcaptcha } from './hcaptcha/index.js';
import { recaptcha } from './recaptcha/index.js';
import { turnstile } from './turnstile/index.js';
import type { NetworkReader, VendorModule, VendorTasks } from './types.js';

/** Every vendor, in the order results list them; the first also takes task inputs no other vendor claims. */
export const VENDORS = [recaptcha, arkose, hcaptcha, turnstile] as const;

/** The task types this package creates, in their documented spelling. */
export const KNOWN_TASK_TYPES = [
  ...recaptcha.taskTypes,
  ...arkose.taskTypes,
  ...hcaptcha.taskTypes,
  ...turnstile.taskTypes,
] as const;

/**
 * Points per task (1 USD = 10,000 points; 1,000 tasks cost points / 10 USD). Types EzCaptcha publishes no price for
 * (hCaptcha's, Turnstile's) are absent: their price is unknown until the solver's `prices` option sets it.
 */
export const TASK_PRICES = Object.freeze(Object.assign({}, ...VENDORS.map((v) => v.prices))) as Readonly<
  Partial<Record<KnownTaskType, number>>
>;

/** A vendor's key: its folder name and the key of its part of each scan. */
export type VendorKey = (typeof VENDORS)[number]['key'];

/** The registry as the pipeline iterates it, each vendor's evidence parts unknown to it. */
export const vendors: readonly VendorModule<VendorKey>[] = VENDORS;

const taskVendors: readonly VendorTasks[] = VENDORS;

/** The vendor whose task `type` is (a known type in its documented spelling). */
export function vendorOfTaskType(type: KnownTaskType): VendorTasks {
  return taskVendors.find((v) => v.taskTypes.includes(type))!;
}

/** The vendor that makes the task for `input`: the one it names, else one that has its kind, else the first. */
function vendorOfInput(input: TaskTypeInput): VendorTasks {
  const [first] = taskVendors;
  return (
    taskVendors.find((v) => v.vendor === input.vendor) ??
    taskVendors.find((v) => v !== first && v.kinds.includes(input.kind)) ??
    first!
  );
}

/** How long a vendor's token is accepted after the API handed it out, in ms (reCAPTCHA's 120 s by default). */
export function tokenLifetimeOf(vendor: Vendor): number {
  return vendors.find((v) => v.vendor === vendor)?.tokenLifetime ?? DEFAULT_TOKEN_LIFETIME;
}

/** reCAPTCHA's and Arkose's token life (about 120 s). */
export const DEFAULT_TOKEN_LIFETIME = 120_000;

/** The task type for a detected captcha (see each vendor's tasks.ts for the rules). */
export function chooseTaskType(captcha: TaskTypeInput, options: TaskTypeOptions = {}): KnownTaskType {
  return vendorOfInput(captcha).chooseTaskType(captcha, options);
}

/** The createTask task, with only the fields its type takes. */
export function buildTask(input: TaskInput, options: TaskTypeOptions = {}): DetectedTask {
  return vendorOfInput(input).buildTask(input, options);
}

/** The vendor whose own frames have this kind (`<key>` or `<key>-<what>`, see VendorModule.frameKind). */
export function vendorOfFrameKind(kind: string): VendorModule<VendorKey> | undefined {
  return vendors.find((v) => kind === v.key || kind.startsWith(`${v.key}-`));
}

/** The kind of a vendor's own frame at `url` (they carry signals in their URL but never own a widget). */
export function vendorFrameKind(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  for (const vendor of vendors) {
    const kind = vendor.frameKind(parsed);
    if (kind) return kind;
  }
  return undefined;
}

/** Main-world globals whose presence means some vendor's script runs in the frame. */
export const PAGE_GLOBALS: readonly string[] = vendors.flatMap((v) => v.pageGlobals);

/** A DOM scan with nothing found. */
export function emptyDomScan(url: string, readyState: string): DomScan {
  const scan: DomScan = { url, readyState, iframeCount: 0, notes: [] };
  for (const vendor of vendors) (scan as Record<string, unknown>)[vendor.key] = vendor.emptyDom();
  return scan;
}

/** What the main world reports for a frame whose page JavaScript holds nothing of a captcha. */
export function emptyMainScan(): MainScan {
  const scan: Record<string, unknown> = { hook: false };
  for (const vendor of vendors) scan[vendor.key] = vendor.emptyMain();
  return scan as MainScan;
}

/** A frame's evidence with nothing found (also what classification holds for a frame it could not read). */
export function emptyFrameScan(url: string, readyState: string): FrameScan {
  const scan: FrameScanBase = { url, readyState, iframeCount: 0, hook: false, notes: [] };
  for (const vendor of vendors) (scan as unknown as Record<string, unknown>)[vendor.key] = vendor.emptyFrame();
  return scan as FrameScan;
}

/** What the network watcher asks of each vendor that reads the page's traffic. */
export const NETWORK_READERS: readonly NetworkReader[] = vendors.flatMap((v) => (v.network ? [v.network] : []));

/** How widgets show in a form (`solve --submit`): the attributes holding a widget's key, and response fields. */
export const FORM_MARKERS = {
  keyAttributes: vendors.map((v) => v.form.keyAttribute),
  responseFields: vendors.flatMap((v) => (v.form.responseField ? [v.form.responseField] : [])),
} as const;

/** Whether a captcha was found before its vendor's own frame (which names the widget) was there. */
export function stillRendering(captcha: DetectedCaptcha): boolean {
  if (captcha.widgetId !== undefined || captcha.unsupported !== undefined) return false;
  return vendors.some((v) => v.vendor === captcha.vendor && 'rendersOwnFrame' in v && v.rendersOwnFrame === true);
}

/**
 * Whether a detected captcha's widget is still rendered in `frame` (the frame detection found it in), as its vendor
 * tells from that frame's children; true where the vendor has no such check.
 */
export function widgetStillRendered(frame: DriverFrame, captcha: DetectedCaptcha): boolean {
  const vendor = vendors.find((v) => v.vendor === captcha.vendor);
  return vendor?.stillRendered?.(frame, captcha) ?? true;
}
