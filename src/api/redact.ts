/**
 * Keeps the client key out of everything the client emits: log lines, error messages, raw replies.
 */

const REDACTED = '[redacted]';
const SECRET_FIELDS = new Set(['clientkey', 'proxy']);

/**
 * Shorter keys are not real EzCaptcha keys (those are 32 characters); replacing them would shred ordinary text and
 * tokens (a one-letter test key matches inside every token), so only keys of this length or more are replaced.
 */
export const MIN_SCRUB_LENGTH = 6;

/** Replaces every occurrence of `secret` in `text`. */
export function scrub(text: string, secret: string): string {
  return secret.length >= MIN_SCRUB_LENGTH && text.includes(secret) ? text.split(secret).join(REDACTED) : text;
}

/**
 * A copy of `value` for logging: `clientKey` and `proxy` replaced at any depth, the secret removed from every string,
 * cycles cut, long strings shortened.
 */
export function redactForLog(value: unknown, secret: string, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') {
    const clean = scrub(value, secret);
    return clean.length > 200 ? `${clean.slice(0, 200)}…(${clean.length} chars)` : clean;
  }
  if (typeof value !== 'object' || value === null) return value;
  if (seen.has(value)) return '[cycle]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => redactForLog(item, secret, seen));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = SECRET_FIELDS.has(key.toLowerCase()) && item !== undefined ? REDACTED : redactForLog(item, secret, seen);
  }
  return out;
}

/** `value` with the secret removed from every string (for raw replies handed back to the caller). */
export function scrubDeep<T>(value: T, secret: string): T {
  if (secret === '') return value;
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    return value;
  }
  const escaped = JSON.stringify(secret).slice(1, -1);
  if (text === undefined || !text.includes(escaped)) return value;
  return JSON.parse(scrub(text, escaped)) as T;
}
