import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    playwright: 'src/integrations/playwright-test.ts',
    'playwright-fixtures': 'src/integrations/playwright-fixtures.ts',
    puppeteer: 'src/integrations/puppeteer-augment.ts',
    'playwright-extra': 'src/integrations/playwright-augment.ts',
    crawlee: 'src/integrations/crawlee.ts',
    redis: 'src/redis.ts',
    cli: 'src/cli/bin.ts',
  },
  format: ['esm', 'cjs'],
  dts: { compilerOptions: { module: 'ESNext', moduleResolution: 'Bundler' } },
  sourcemap: true,
  clean: true,
  target: 'node20',
  platform: 'node',
  splitting: true,
  treeshake: true,
});
