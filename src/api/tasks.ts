/**
 * Task types, prices and builders. Builders emit the documented wire JSON (docs/ezcaptcha-api.md §5) and reject
 * impossible input before any request, so nothing is billed for a task that cannot succeed. The task types, prices
 * and key shapes are each vendor's (src/vendors/<vendor>/tasks.ts), gathered by the vendor registry.
 */
import type { KnownTaskType, TaskFamily, TaskType } from '../model/captcha.js';
import type { FuncaptchaTaskType } from '../vendors/arkose/tasks.js';
import type { HcaptchaTaskType } from '../vendors/hcaptcha/tasks.js';
import type { RecaptchaV2STaskType, RecaptchaV2TaskType, RecaptchaV3TaskType } from '../vendors/recaptcha/tasks.js';
import { KNOWN_TASK_TYPES, TASK_PRICES, vendorOfTaskType } from '../vendors/registry.js';
import type { TurnstileTaskType } from '../vendors/turnstile/tasks.js';
import { InvalidTaskError } from './errors.js';

export type { KnownTaskType, TaskFamily, TaskType } from '../model/captcha.js';
export type { FuncaptchaTaskType } from '../vendors/arkose/tasks.js';
export type { HcaptchaTaskType } from '../vendors/hcaptcha/tasks.js';
export type { RecaptchaV2STaskType, RecaptchaV2TaskType, RecaptchaV3TaskType } from '../vendors/recaptcha/tasks.js';
export type { TurnstileTaskType } from '../vendors/turnstile/tasks.js';
export { KNOWN_TASK_TYPES, TASK_PRICES };

/** Async types of the wider catalog: accepted by createTask, validated lightly, solution passed through. */
export const CATALOG_TASK_TYPES = [
  'ReCaptchaV3EnterpriseTaskProxylessS9',
  'HCaptcha',
  'CloudFlare5STask',
  'PerimeterX',
] as const;

const KNOWN_BY_LOWER = new Map<string, KnownTaskType>(KNOWN_TASK_TYPES.map((t) => [t.toLowerCase(), t]));
const CATALOG_BY_LOWER = new Map<string, string>(CATALOG_TASK_TYPES.map((t) => [t.toLowerCase(), t]));

/** True for the known types (the seed's nine, hCaptcha's and Turnstile's), in any casing (the service matches type names case-insensitively). */
export function isKnownTaskType(type: unknown): type is KnownTaskType {
  return typeof type === 'string' && KNOWN_BY_LOWER.has(type.toLowerCase());
}

/** The documented spelling of a known type given in any casing, else undefined. */
export function canonicalTaskType(type: string): KnownTaskType | undefined {
  return KNOWN_BY_LOWER.get(type.toLowerCase());
}

/**
 * Points for a known type (any casing), else undefined: prices of other types, hCaptcha's and Turnstile's among them,
 * are not published (the solver's `prices` option sets them).
 */
export function priceOf(type: string): number | undefined {
  const known = canonicalTaskType(type);
  return known === undefined ? undefined : TASK_PRICES[known];
}

/** Family of a known type (any casing), else undefined. */
export function taskFamilyOf(type: string): TaskFamily | undefined {
  const known = canonicalTaskType(type);
  return known === undefined ? undefined : vendorOfTaskType(known).taskFamily(known);
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
  /** The Arkose API origin the page loads its script from: the default host or a tenant's. */
  funcaptchaApiJSSubdomain?: string;
  /** Proxy located in mainland China. */
  cn?: boolean;
}

export interface HcaptchaTask extends TaskBase {
  type: HcaptchaTaskType;
  /** True for invisible widgets (`data-size="invisible"`, `size: 'invisible'`). */
  isInvisible?: boolean;
  /** hCaptcha Enterprise: the `rqdata` the page set, only when it set one. */
  enterprisePayload?: { rqdata: string };
}

export interface TurnstileTask extends TaskBase {
  type: TurnstileTaskType;
  /** The widget's action (`metadataAction`) and cData (`metadataCdata`): only the fields the page has. */
  rqData?: { metadataAction?: string; metadataCdata?: string; mode?: string };
}

export type KnownTask =
  | RecaptchaV2Task
  | RecaptchaV2STask
  | RecaptchaV3Task
  | FuncaptchaTask
  | HcaptchaTask
  | TurnstileTask;

/** Any other task: passed through verbatim (wire names, camelCase). */
export interface GenericTask {
  type: TaskType;
  [param: string]: unknown;
}

export type Task = KnownTask | GenericTask;

/** Parameters of a builder: the task without its `type`. */
export type TaskParams<T extends KnownTask> = Omit<T, 'type'>;

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

/** An optional object of optional string fields, none other. */
function checkObject(task: Record<string, unknown>, field: string, keys: readonly string[], type: string): void {
  const value = task[field];
  if (value === undefined) return;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(field, `${type}: ${field} must be an object with ${keys.join(', ')}, got ${describeValue(value)}.`);
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!keys.includes(key)) fail(`${field}.${key}`, `${type}: ${field} takes ${keys.join(', ')}, not ${key}.`);
    optionalString(record, key, `${type} ${field}`);
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

function checkWebsiteKey(task: Record<string, unknown>, type: KnownTaskType): void {
  const rule = vendorOfTaskType(type).websiteKey;
  const key = task.websiteKey;
  if (key === undefined || key === null || key === '') {
    fail('websiteKey', `${type}: websiteKey is required: pass the ${rule.name}.`);
  }
  if (typeof key !== 'string') fail('websiteKey', `${type}: websiteKey must be a string, got ${describeValue(key)}.`);
  if (!rule.shape.test(key)) fail('websiteKey', `${type}: websiteKey ${rule.mismatch(describeValue(key))}`);
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
  checkWebsiteKey(record, known);
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
  if (family === 'hcaptcha') checkObject(record, 'enterprisePayload', ['rqdata'], known);
  if (family === 'turnstile') checkObject(record, 'rqData', ['metadataAction', 'metadataCdata', 'mode'], known);
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

/** hCaptcha: websiteKey = the sitekey (a UUID); `isInvisible` for invisible widgets; Enterprise `rqdata`. */
export function hcaptchaTask(params: TaskParams<HcaptchaTask>): HcaptchaTask {
  return build('HcaptchaTaskProxyless', params);
}

/** Cloudflare Turnstile: websiteKey = the sitekey (`0x4…`); `rqData` with the widget's action and cData. */
export function turnstileTask(params: TaskParams<TurnstileTask>): TurnstileTask {
  return build('CloudFlareTurnstileTask', params);
}

/** Task for a type given at runtime (any casing of the nine); unknown types are rejected. */
export function buildTask(type: string, params: Record<string, unknown>): KnownTask {
  const known = typeof type === 'string' ? canonicalTaskType(type) : undefined;
  if (known === undefined) {
    fail('type', `Unknown task type "${String(type).slice(0, 60)}". Use one of ${KNOWN_TASK_TYPES.join(', ')}.`);
  }
  return build(known, params as TaskParams<KnownTask>);
}
