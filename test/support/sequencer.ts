/**
 * The order test files start in: longest first, so the two workers finish together. vitest's own order is the same
 * when it has the durations of an earlier run (node_modules/.vite/vitest/…/results.json), but a clean clone (CI) has
 * none, and vitest then starts the largest files first: the stealth suites, four ~85 s files of a few lines each, came
 * last and one worker ran on for about a minute after the other had finished. Each file weighs the larger of vitest's
 * cached duration and its recorded one in test/support/file-durations.json (seconds, from a full run; refresh it with
 * `npx tsx scripts/test-durations.ts` after a full `npm test`); files in neither start first (unknown, as vitest
 * does). Failed files still go first. Only the order changes; every file runs, in its own worker as before.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const RECORDED: Readonly<Record<string, number>> = JSON.parse(
  readFileSync(new URL('./file-durations.json', import.meta.url), 'utf8'),
);

export class DurationSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const cache = this.ctx.cache;
    const known = (spec: TestSpecification) => {
      const file = relative(this.ctx.config.root, spec.moduleId).split('\\').join('/');
      const cached = cache.getFileTestResults(`${spec.project.name}:${file}`);
      const recorded = RECORDED[file];
      return {
        failed: cached?.failed === true,
        // The larger of the two: vitest's cache also records runs filtered with -t, a fraction of the file's time.
        ms:
          cached === undefined && recorded === undefined
            ? Number.POSITIVE_INFINITY
            : Math.max(cached?.duration ?? 0, (recorded ?? 0) * 1000),
      };
    };
    const weights = new Map(files.map((spec) => [spec, known(spec)]));
    return [...files].sort((a, b) => {
      if (a.project.name !== b.project.name) return a.project.name < b.project.name ? -1 : 1;
      const wa = weights.get(a)!;
      const wb = weights.get(b)!;
      if (wa.failed !== wb.failed) return wa.failed ? -1 : 1;
      if (wa.ms === wb.ms) return 0;
      return wb.ms > wa.ms ? 1 : -1;
    });
  }
}
