import { defineAttachSuite } from './support/attach-suite.js';

defineAttachSuite('puppeteer');
