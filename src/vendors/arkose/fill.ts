/** Arkose's part of the isolated-world injection (src/inpage/inject.ts): the inputs that take a FunCaptcha token. */
import { queryAll } from '../../inpage/lib/fill.js';
import { RESPONSE_SELECTORS } from './patterns.js';

/** Every token input on the page, in selector order. */
export function funcaptchaResponseFields(): Element[] {
  return RESPONSE_SELECTORS.flatMap((selector) => queryAll(selector));
}
