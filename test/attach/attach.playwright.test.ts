import { defineAttachSuite } from './support/attach-suite.js';

defineAttachSuite('playwright');
