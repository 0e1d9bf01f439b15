/** patchright-core: evaluate runs in an isolated world unless told otherwise; init scripts run in the main world. */
import { stealthPageSuite } from './suite.js';

stealthPageSuite('patchright');
