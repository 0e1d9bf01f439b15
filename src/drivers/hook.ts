import { toDriverPage } from './index.js';
import type { DriverPost } from './types.js';

export { attachTarget } from './targets.js'; // moved: re-export until the solver branch is merged

/** moved: the raw-page form of DriverPage.onPost; the solver calls `page.onPost` once the solver branch is merged. */
export function onPostRequest(rawPage: unknown, listener: (post: DriverPost) => void): () => void {
  return toDriverPage(rawPage).onPost(listener);
}
