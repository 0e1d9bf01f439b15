/**
 * The puppeteer-extra / playwright-extra plugin: `puppeteer.use(EzCaptchaPlugin('<clientKey>'))`, then
 * `await page.solveRecaptchas()`. A thin wrapper: every method delegates to the standalone functions.
 */
import { createRequire } from 'node:module';
import createDebug from 'debug';
import { attach } from '../attach/index.js';
import { detect } from '../detect/index.js';
import { awaitInNewPages } from '../drivers/targets.js';
import { rejectUnknownSolveOptions } from '../solve/options.js';
import { CaptchaSolver } from '../solve/solve.js';
import type { IncumbentOptions, SolveOptions } from '../solve/types.js';
import {
  type CaptchaSolution,
  type CaptchaSolved,
  enterSolutions,
  type FindRecaptchasResult,
  getSolutions,
  type SolveRecaptchasResult,
  toCaptchaInfo,
  toSolveRecaptchasResult,
} from './compat.js';

const log = createDebug('ezcaptcha:plugin');

/** Options of the plugin: every solve option, plus the incumbent's names so existing configs keep working. */
export interface EzCaptchaPluginOptions extends SolveOptions, IncumbentOptions {
  /**
   * Install the early hook (v3 action and render capture, network `s` watcher) on new pages. Default true; with
   * `solveOnSight`, new pages are also watched by `plugin.solver` (call `plugin.solver.close()` when done).
   */
  earlyHook?: boolean;
}

/** Methods the plugin adds to every page and frame. */
export interface EzCaptchaPageAdditions {
  findRecaptchas(): Promise<FindRecaptchasResult>;
  getRecaptchaSolutions(
    captchas: FindRecaptchasResult['captchas'],
  ): Promise<{ solutions: CaptchaSolution[]; error: string | null }>;
  enterRecaptchaSolutions(solutions: CaptchaSolution[]): Promise<{ solved: CaptchaSolved[]; error: string | null }>;
  solveRecaptchas(options?: Pick<SolveOptions, 'signal' | 'force'>): Promise<SolveRecaptchasResult>;
}

/** The plugin object, typed without puppeteer-extra's own types (they import the full `puppeteer` package). */
export interface EzCaptchaPluginInstance {
  readonly name: 'ezcaptcha';
  readonly _isPuppeteerExtraPlugin: true;
  /** The solver behind the plugin: subscribe to its typed events, read `stats()`, `close()` it when done. */
  readonly solver: CaptchaSolver;
  /** Same as page.findRecaptchas(), for pages the plugin never saw. */
  findRecaptchas(page: unknown): Promise<FindRecaptchasResult>;
  getRecaptchaSolutions(
    captchas: FindRecaptchasResult['captchas'],
  ): Promise<{ solutions: CaptchaSolution[]; error: string | null }>;
  enterRecaptchaSolutions(
    page: unknown,
    solutions: CaptchaSolution[],
  ): Promise<{ solved: CaptchaSolved[]; error: string | null }>;
  solveRecaptchas(page: unknown, options?: Pick<SolveOptions, 'signal' | 'force'>): Promise<SolveRecaptchasResult>;
}

type AnyPage = { on?: (event: string, listener: (arg: unknown) => void) => unknown; frames?: () => unknown[] };

const errorText = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

type PluginBase = typeof import('puppeteer-extra-plugin').PuppeteerExtraPlugin;

/** puppeteer-extra-plugin's base class, loaded when the first plugin is made, not when the package is imported. */
function pluginBase(): PluginBase {
  // A plugin is made synchronously, so no import(); the CommonJS build gets import.meta.url from tsup.
  const load = createRequire(import.meta.url);
  return (load('puppeteer-extra-plugin') as typeof import('puppeteer-extra-plugin')).PuppeteerExtraPlugin;
}

let pluginClass: ReturnType<typeof definePlugin> | undefined;

const definePlugin = (Base: PluginBase) =>
  class EzCaptchaPluginImpl extends Base {
    readonly solver: CaptchaSolver;
    readonly #earlyHook: boolean;
    readonly #sightOn: boolean;
    readonly #patched = new WeakSet<object>();

    constructor(options: EzCaptchaPluginOptions) {
      // The base class deep-merges its options, which would clone AbortSignals and functions: keep ours private.
      super({});
      rejectUnknownSolveOptions(options, ['earlyHook']);
      const { earlyHook, ...solveOptions } = options;
      this.solver = new CaptchaSolver(solveOptions);
      this.#earlyHook = earlyHook !== false;
      this.#sightOn = options.solveOnSight === true;
    }

    override get name(): 'ezcaptcha' {
      return 'ezcaptcha';
    }

    override get defaults() {
      return {};
    }

    // Not awaited by newPage(): the methods go on synchronously, before the first await. newPage() itself waits for
    // the hook (onBrowser and onContextCreated below), so a goto right after it cannot outrun the init script.
    override async onPageCreated(page: unknown): Promise<void> {
      this.#addMethods(page);
      if (!this.#earlyHook) return;
      try {
        await this.#hook(page as object);
      } catch (error) {
        log('early hook not installed: %s', (error as Error).message);
      }
    }

    // No work at launch or connect beyond adding methods to pages that already exist, and making newPage() of the
    // browser and its contexts resolve once the new page is hooked (puppeteer-extra).
    override async onBrowser(browser: unknown): Promise<void> {
      try {
        if (this.#earlyHook) awaitInNewPages(browser, this.#hook);
        const pages = await (browser as { pages(): Promise<unknown[]> }).pages();
        for (const page of pages) this.#addMethods(page);
      } catch (error) {
        log('could not list existing pages: %s', (error as Error).message);
      }
    }

    // playwright-extra calls this for every context, before its newPage() is first called.
    async onContextCreated(context: unknown): Promise<void> {
      try {
        if (this.#earlyHook) awaitInNewPages(context, this.#hook);
      } catch (error) {
        log('could not wrap newPage of the context: %s', (error as Error).message);
      }
    }

    // playwright-extra's launchPersistentContext() fires neither onBrowser nor onPageCreated for its first page.
    override async afterLaunch(browserOrContext: unknown): Promise<void> {
      try {
        const pages = await (browserOrContext as { pages(): unknown[] | Promise<unknown[]> }).pages();
        for (const page of pages) this.#addMethods(page);
      } catch (error) {
        log('could not list pages after launch: %s', (error as Error).message);
      }
    }

    /**
     * Install the early hook on a page (and with solveOnSight, watch it); safe to call again for the same page. One
     * function for the plugin's life, so the newPage() wrappers register it once.
     */
    readonly #hook = (page: object): Promise<void> =>
      // With solveOnSight the solver also watches the page, creating each captcha's task as soon as it shows.
      this.#sightOn ? this.solver.attach(page) : attach(page);

    #addMethods(page: unknown): void {
      if (typeof page !== 'object' || page === null || this.#patched.has(page)) return;
      this.#patched.add(page);
      Object.assign(page, this.#methodsFor(page));
      const withEvents = page as AnyPage;
      for (const frame of withEvents.frames?.() ?? []) this.#addFrameMethods(frame);
      withEvents.on?.('frameattached', (frame) => this.#addFrameMethods(frame));
    }

    #addFrameMethods(frame: unknown): void {
      if (typeof frame !== 'object' || frame === null || this.#patched.has(frame)) return;
      this.#patched.add(frame);
      Object.assign(frame, this.#methodsFor(frame));
    }

    #methodsFor(target: unknown): EzCaptchaPageAdditions {
      return {
        findRecaptchas: () => this.findRecaptchas(target),
        getRecaptchaSolutions: (captchas) => this.getRecaptchaSolutions(captchas),
        enterRecaptchaSolutions: (solutions) => this.enterRecaptchaSolutions(target, solutions),
        solveRecaptchas: (options) => this.solveRecaptchas(target, options),
      };
    }

    async findRecaptchas(target: unknown): Promise<FindRecaptchasResult> {
      try {
        const captchas = await detect(target);
        return { captchas: captchas.map(toCaptchaInfo), filtered: [], error: null };
      } catch (error) {
        return { captchas: [], filtered: [], error: errorText(error) };
      }
    }

    async getRecaptchaSolutions(
      captchas: FindRecaptchasResult['captchas'],
    ): Promise<{ solutions: CaptchaSolution[]; error: string | null }> {
      const solutions = await getSolutions(this.solver, captchas);
      return { solutions, error: solutions.find((s) => s.error)?.error ?? null };
    }

    async enterRecaptchaSolutions(
      target: unknown,
      solutions: CaptchaSolution[],
    ): Promise<{ solved: CaptchaSolved[]; error: string | null }> {
      try {
        const solved = await enterSolutions(this.solver, target, solutions);
        return { solved, error: solved.find((s) => s.error)?.error ?? null };
      } catch (error) {
        return { solved: [], error: errorText(error) };
      }
    }

    async solveRecaptchas(
      target: unknown,
      options?: Pick<SolveOptions, 'signal' | 'force'>,
    ): Promise<SolveRecaptchasResult> {
      try {
        return toSolveRecaptchasResult(await this.solver.solve(target, options));
      } catch (error) {
        if (this.solver.throwOnError) throw error;
        return { captchas: [], filtered: [], solutions: [], solved: [], results: [], error: errorText(error) };
      }
    }
  };

/**
 * Create the plugin: `EzCaptchaPlugin('<clientKey>')` or `EzCaptchaPlugin({ clientKey, ...options })`.
 * Works with `puppeteer-extra` (`puppeteer.use(...)`) and `playwright-extra` (`chromium.use(...)`).
 */
export function EzCaptchaPlugin(keyOrOptions?: string | EzCaptchaPluginOptions): EzCaptchaPluginInstance {
  const options = typeof keyOrOptions === 'string' ? { clientKey: keyOrOptions } : (keyOrOptions ?? {});
  pluginClass ??= definePlugin(pluginBase());
  return new pluginClass(options) as unknown as EzCaptchaPluginInstance;
}
