/** Widgets this process has already solved, per page, so a second call neither pays twice nor injects twice. */

export interface SolvedRecord {
  /** performance.timeOrigin of the document the token went into. */
  documentId: number;
  expiresAt: number;
  taskId: string;
  /** `fingerprint()` of the injected token: the widget counts as solved only while the page still holds it. */
  response: string;
  /** When the token went in (ms since epoch). */
  injectedAt: number;
}

const solvedByPage = new WeakMap<object, Map<string, SolvedRecord>>();

export function rememberSolved(page: unknown, captchaId: string, record: SolvedRecord): void {
  if (typeof page !== 'object' || page === null) return;
  let solved = solvedByPage.get(page);
  if (!solved) {
    solved = new Map();
    solvedByPage.set(page, solved);
  }
  solved.set(captchaId, record);
}

export function solvedRecord(page: unknown, captchaId: string): SolvedRecord | undefined {
  if (typeof page !== 'object' || page === null) return undefined;
  return solvedByPage.get(page)?.get(captchaId);
}

export function forgetSolved(page: unknown, captchaId: string): void {
  if (typeof page !== 'object' || page === null) return;
  solvedByPage.get(page)?.delete(captchaId);
}
