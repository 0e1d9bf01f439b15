/**
 * Task types, prices and builders. Builders emit the documented wire JSON (docs/ezcaptcha-api.md §5) and reject
 * impossible input before any request, so nothing is billed for a task that cannot succeed.
 */
import { InvalidTaskError } from './errors.js';

/** The nine task types this product creates, in their documented spelling. */
export const KNOWN_TASK_TYPES = [
  'ReCaptchaV2TaskProxyless',
  'ReCaptchaV2TaskProxylessS9',
  'RecaptchaV2EnterpriseTaskProxyless',
  'ReCaptchaV2STaskProxyless',
  'RecaptchaV2SEnterpriseTaskProxyless',
  'ReCaptchaV3TaskProxyless',
  'ReCaptchaV3TaskProxylessS9',
  'ReCaptchaV3EnterpriseTaskProxyless',
  'FuncaptchaTaskProxyless',
] as const;

export type KnownTaskType = (typeof KNOWN_TASK_TYPES)[number];
/** A known type, or any other string so future types pass through. */
export type TaskType = KnownTaskType | (string & {});

export type RecaptchaV2TaskType =
  | 'ReCaptchaV2TaskProxyless'
  | 'ReCaptchaV2TaskProxylessS9'
  | 'RecaptchaV2EnterpriseTaskProxyless';
export type RecaptchaV2STaskType = 'ReCaptchaV2STaskProxyless' | 'RecaptchaV2SEnterpriseTaskProxyless';
export type RecaptchaV3TaskType =
  | 'ReCaptchaV3TaskProxyless'
  | 'ReCaptchaV3TaskProxylessS9'
  | 'ReCaptchaV3EnterpriseTaskProxyless';
export type FuncaptchaTaskType = 'FuncaptchaTaskProxyless';

/** Points per task (1 USD = 10,000 points; 1,000 tasks cost points / 10 USD). */
export const TASK_PRICES: Readonly<Record<KnownTaskType, number>> = Object.freeze({
  ReCaptchaV2TaskProxyless: 6,
  ReCaptchaV2TaskProxylessS9: 12,
  RecaptchaV2EnterpriseTaskProxyless: 18,
  ReCaptchaV2STaskProxyless: 15,
  RecaptchaV2SEnterpriseTaskProxyless: 30,
  ReCaptchaV3TaskProxyless: 8,
  ReCaptchaV3TaskProxylessS9: 15,
  ReCaptchaV3EnterpriseTaskProxyless: 18,
  FuncaptchaTaskProxyless: 18,
});

/** Async types of the wider catalog: accepted by createTask, validated lightly, solution passed through. */
export const CATALOG_TASK_TYPES = [
  'ReCaptchaV3EnterpriseTaskProxylessS9',
  'HCaptcha',
  'HcaptchaTaskProxyless',
  'CloudFlareTurnstileTask',
  'CloudFlare5STask',
  'PerimeterX',
] as const;

const KNOWN_BY_LOWER = new Map<string, KnownTaskType>(KNOWN_TASK_TYPES.map((t) => [t.toLowerCase(), t]));
const CATALOG_BY_LOWER = new Map<string, string>(CATALOG_TASK_TYPES.map((t) => [t.toLowerCase(), t]));

/** True for the nine core types, in any casing (the service matches type names case-insensitively). */
export function isKnownTaskType(type: unknown): type is KnownTaskType {
  return typeof type === 'string' && KNOWN_BY_LOWER.has(type.toLowerCase());
}

/** The documented spelling of a known type given in any casing, else undefined. */
export function canonicalTaskType(type: string): KnownTaskType | undefined {
  return KNOWN_BY_LOWER.get(type.toLowerCase());
}

/** Points for a known type (any casing), else undefined: prices of other types are not published. */
export function priceOf(type: string): number | undefined {
  const known = canonicalTaskType(type);
  return known === undefined ? undefined : TASK_PRICES[known];
}

export type TaskFamily = 'recaptcha-v2' | 'recaptcha-v3' | 'funcaptcha';

/** Family of a known type (any casing), else undefined. */
export function taskFamilyOf(type: string): TaskFamily | undefined {
  const known = canonicalTaskType(type);
  if (known === undefined) return undefined;
  if (known === 'FuncaptchaTaskProxyless') return 'funcaptcha';
  return known.toLowerCase().startsWith('recaptchav3') ? 'recaptcha-v3' : 'recaptcha-v2';
}

/** Types that carry the challenge-bound `s` and require it. */
export function takesS(type: string): boolean {
  const known = canonicalTaskType(type);
  return known === 'ReCaptchaV2STaskProxyless' || known === 'RecaptchaV2SEnterpriseTaskProxyless';
}

interface TaskBase {
  /** URL of the document that renders the widget (the frame, not necessarily the top page). */
  websiteURL: string;
  /** reCAPTCHA sitekey or Arkose public key. */
  websiteKey: string;
  /** The worker's proxy (not the client's own traffic). NORMAL format, FUN format for FunCaptcha. */
  proxy?: string;
  websiteTitle?: string;
}

export interface RecaptchaV2Task extends TaskBase {
  type: RecaptchaV2TaskType;
  isInvisible?: boolean;
  /** The anchor URL's `sa` parameter (v2 Enterprise action). */
  sa?: string;
}

export interface RecaptchaV2STask extends TaskBase {
  type: RecaptchaV2STaskType;
  /** The challenge-bound `s` / `data-s` value; re-read it for every attempt. */
  s: string;
  isInvisible?: boolean;
  sa?: string;
}

export interface RecaptchaV3Task extends TaskBase {
  type: RecaptchaV3TaskType;
  /** Must match the page's `execute(..., {action})`. */
  pageAction?: string;
  /** The service defaults this to true for V3; omitting it is not the same as sending false. */
  isInvisible?: boolean;
  checkField?: string;
}

export interface FuncaptchaTask extends TaskBase {
  type: FuncaptchaTaskType;
  /** A JSON string such as `{"blob":"..."}`. */
  data?: string;
  /** e.g. `https://client-api.arkoselabs.com` or a tenant host. */
  funcaptchaApiJSSubdomain?: string;
  /** Proxy located in mainland China. */
  cn?: boolean;
}

export type KnownTask = RecaptchaV2Task | RecaptchaV2STask | RecaptchaV3Task | FuncaptchaTask;

/** Any other task: passed through verbatim (wire names, camelCase). */
export interface GenericTask {
  type: TaskType;
  [param: string]: unknown;
}

export type Task = KnownTask | GenericTask;

/** Parameters of a builder: the task without its `type`. */
export type TaskParams<T extends KnownTask> = Omit<T, 'type'>;

const RECAPTCHA_SITEKEY = /^6L[0-9A-Za-z_-]{38}$/;
const ARKOSE_PUBLIC_KEY = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;
const MAX_FIELD_LENGTH = 16_384;

function fail(field: string, message: string): never {
  throw new InvalidTaskError(message, { field });
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? `a string of length ${value.length}` : `a ${typeof value}`;
}

function optionalString(task: Record<string, unknown>, field: string, type: string): void {
  const value = task[field];
  if (value === undefined) return;
  if (typeof value !== 'string') fail(field, `${type}: ${field} must be a string, got ${describeValue(value)}.`);
  if (value.length > MAX_FIELD_LENGTH) fail(field, `${type}: ${field} is longer than ${MAX_FIELD_LENGTH} characters.`);
}

function optionalBoolean(task: Record<string, unknown>, field: string, type: string): void {
  const value = task[field];
  if (value !== undefined && typeof value !== 'boolean') {
    fail(field, `${type}: ${field} must be true or false, got ${describeValue(value)}.`);
  }
}

function checkHttpURL(task: Record<string, unknown>, field: string, type: string, required: boolean): void {
  const value = task[field];
  if (value === undefined || value === '') {
    if (required) {
      fail(field, `${type}: ${field} is required: pass the http(s) URL of the page (frame) that shows the captcha.`);
    }
    if (value === undefined) return;
  }
  if (typeof value !== 'string') fail(field, `${type}: ${field} must be a string URL, got ${describeValue(value)}.`);
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.host === '') {
    const scheme = url ? url.protocol : 'not a URL';
    fail(
      field,
      `${type}: ${field} must be an absolute http(s) URL, got ${scheme} (${value.slice(0, 40)}). ` +
        'about:blank, data: and srcdoc frames have no URL of their own: use the URL of the page that embeds them.',
    );
  }
}

function checkWebsiteKey(task: Record<string, unknown>, type: string, family: TaskFamily): void {
  const key = task.websiteKey;
  if (key === undefined || key === null || key === '') {
    fail(
      'websiteKey',
      `${type}: websiteKey is required: pass the ${family === 'funcaptcha' ? 'Arkose public key' : 'reCAPTCHA sitekey'}.`,
    );
  }
  if (typeof key !== 'string') fail('websiteKey', `${type}: websiteKey must be a string, got ${describeValue(key)}.`);
  if (family === 'funcaptcha') {
    if (!ARKOSE_PUBLIC_KEY.test(key)) {
      fail(
        'websiteKey',
        `${type}: websiteKey must be an Arkose public key, an upper-case UUID such as ` +
          `B7D8911C-5CC8-A9A3-35B0-554ACEE604DA (got ${describeValue(key)}). Read it from the pk= / data-pkey value.`,
      );
    }
  } else if (!RECAPTCHA_SITEKEY.test(key)) {
    fail(
      'websiteKey',
      `${type}: websiteKey does not look like a reCAPTCHA sitekey (40 characters starting with "6L", got ` +
        `${describeValue(key)}). Read it from data-sitekey or the anchor URL's k= parameter.`,
    );
  }
}

/**
 * Checks a task before it is sent. Known types are validated strictly; catalog and other types only need a
 * string `type` and, when present, an http(s) `websiteURL`. Returns the wire task (`type` last, seed spelling).
 */
export function validateTask(task: unknown, options: { allowUnknownTypes?: boolean } = {}): Record<string, unknown> {
  if (typeof task !== 'object' || task === null || Array.isArray(task)) {
    fail('task', `The task must be an object such as { type, websiteURL, websiteKey }, got ${describeValue(task)}.`);
  }
  const record = task as Record<string, unknown>;
  const type = record.type;
  if (typeof type !== 'string' || type.trim() === '') {
    fail(
      'type',
      `task.type must be a non-empty string such as 'ReCaptchaV2TaskProxyless', got ${describeValue(type)}.`,
    );
  }
  const known = canonicalTaskType(type);
  if (known === undefined) {
    const catalog = CATALOG_BY_LOWER.get(type.toLowerCase());
    if (catalog === undefined && !options.allowUnknownTypes) {
      fail(
        'type',
        `Unknown task type "${type.slice(0, 60)}". Use one of ${KNOWN_TASK_TYPES.join(', ')}, ` +
          'or construct the client with allowUnknownTaskTypes: true to send it anyway.',
      );
    }
    checkHttpURL(record, 'websiteURL', type, false);
    return { ...record, type };
  }
  const family = taskFamilyOf(known)!;
  checkHttpURL(record, 'websiteURL', known, true);
  checkWebsiteKey(record, known, family);
  for (const field of ['proxy', 'websiteTitle']) optionalString(record, field, known);
  optionalBoolean(record, 'isInvisible', known);
  if (takesS(known)) {
    const s = record.s;
    if (typeof s !== 'string' || s === '') {
      fail(
        's',
        `${known} needs the challenge-bound s value (data-s, or s= in the anchor URL), got ${describeValue(s)}. ` +
          'Without s use ReCaptchaV2TaskProxyless / RecaptchaV2EnterpriseTaskProxyless.',
      );
    }
    optionalString(record, 's', known);
  } else if (record.s !== undefined) {
    fail(
      's',
      `${known} does not take s. For a widget with data-s use ReCaptchaV2STaskProxyless ` +
        '(or RecaptchaV2SEnterpriseTaskProxyless for Enterprise).',
    );
  }
  if (family === 'recaptcha-v2') optionalString(record, 'sa', known);
  if (family === 'recaptcha-v3') {
    optionalString(record, 'pageAction', known);
    optionalString(record, 'checkField', known);
  }
  if (family === 'funcaptcha') {
    optionalBoolean(record, 'cn', known);
    optionalString(record, 'data', known);
    if (typeof record.data === 'string') {
      try {
        JSON.parse(record.data);
      } catch {
        fail('data', `${known}: data must be a JSON string such as '{"blob":"..."}'.`);
      }
    }
    checkHttpURL(record, 'funcaptchaApiJSSubdomain', known, false);
  }
  return { ...record, type: known };
}

/** What a builder returns: a task of shape `T` whose type is exactly `Type`. */
type TaskOfType<T extends KnownTask, Type extends T['type']> = T & { type: Type };

function build<T extends KnownTask, Type extends T['type']>(type: Type, params: TaskParams<T>): TaskOfType<T, Type> {
  if (typeof params !== 'object' || params === null) {
    fail('task', `${type}: pass the task fields as an object such as { websiteURL, websiteKey }.`);
  }
  if ('type' in params && (params as { type?: unknown }).type !== undefined) {
    fail('type', `${type}: do not pass type to a builder; call the builder of the type you want.`);
  }
  return validateTask({ ...params, type }) as unknown as TaskOfType<T, Type>;
}

/** v2 checkbox or invisible (`isInvisible: true`). */
export function recaptchaV2Task(
  params: TaskParams<RecaptchaV2Task>,
): TaskOfType<RecaptchaV2Task, 'ReCaptchaV2TaskProxyless'> {
  return build('ReCaptchaV2TaskProxyless', params);
}

/** v2 on a high-score worker (>= 0.9). */
export function recaptchaV2S9Task(
  params: TaskParams<RecaptchaV2Task>,
): TaskOfType<RecaptchaV2Task, 'ReCaptchaV2TaskProxylessS9'> {
  return build('ReCaptchaV2TaskProxylessS9', params);
}

/** v2 Enterprise (`enterprise.js`); `sa` = the anchor's action when present. */
export function recaptchaV2EnterpriseTask(
  params: TaskParams<RecaptchaV2Task>,
): TaskOfType<RecaptchaV2Task, 'RecaptchaV2EnterpriseTaskProxyless'> {
  return build('RecaptchaV2EnterpriseTaskProxyless', params);
}

/** v2 with the challenge-bound `s` (Google /sorry/ pages, non-Enterprise loader). */
export function recaptchaV2STask(
  params: TaskParams<RecaptchaV2STask>,
): TaskOfType<RecaptchaV2STask, 'ReCaptchaV2STaskProxyless'> {
  return build('ReCaptchaV2STaskProxyless', params);
}

/** v2 Enterprise with `s` (current Google /sorry/ pages). */
export function recaptchaV2SEnterpriseTask(
  params: TaskParams<RecaptchaV2STask>,
): TaskOfType<RecaptchaV2STask, 'RecaptchaV2SEnterpriseTaskProxyless'> {
  return build('RecaptchaV2SEnterpriseTaskProxyless', params);
}

/** v3 score; `pageAction` must match the page's execute() action. */
export function recaptchaV3Task(
  params: TaskParams<RecaptchaV3Task>,
): TaskOfType<RecaptchaV3Task, 'ReCaptchaV3TaskProxyless'> {
  return build('ReCaptchaV3TaskProxyless', params);
}

/** v3 on a high-score worker (>= 0.9). */
export function recaptchaV3S9Task(
  params: TaskParams<RecaptchaV3Task>,
): TaskOfType<RecaptchaV3Task, 'ReCaptchaV3TaskProxylessS9'> {
  return build('ReCaptchaV3TaskProxylessS9', params);
}

/** v3 Enterprise. */
export function recaptchaV3EnterpriseTask(
  params: TaskParams<RecaptchaV3Task>,
): TaskOfType<RecaptchaV3Task, 'ReCaptchaV3EnterpriseTaskProxyless'> {
  return build('ReCaptchaV3EnterpriseTaskProxyless', params);
}

/** Arkose FunCaptcha: websiteKey = public key; `data` = the blob as a JSON string. */
export function funcaptchaTask(params: TaskParams<FuncaptchaTask>): FuncaptchaTask {
  return build('FuncaptchaTaskProxyless', params);
}

/** Task for a type given at runtime (any casing of the nine); unknown types are rejected. */
export function buildTask(type: string, params: Record<string, unknown>): KnownTask {
  const known = typeof type === 'string' ? canonicalTaskType(type) : undefined;
  if (known === undefined) {
    fail('type', `Unknown task type "${String(type).slice(0, 60)}". Use one of ${KNOWN_TASK_TYPES.join(', ')}.`);
  }
  return build(known, params as TaskParams<KnownTask>);
}
