import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources through the `@strata/source` export
// condition, so tests run without a build. Vitest 5 runs tests in Vite's SSR environment and
// passes `ssr.resolve.conditions` to Node as `--conditions`, so the condition must be listed
// there. Without it, imports of workspace packages silently load a stale `dist/` build. The
// `module` condition stays out: Node would then load bundler-only builds such as the AWS SDK's
// `dist-es`, whose extensionless imports Node cannot resolve.
const conditions = ['@strata/source', 'node', 'development|production'];
const resolve = { conditions };
const ssr = { resolve: { conditions, externalConditions: ['@strata/source'] } };

export default defineConfig({
  root: new URL('..', import.meta.url).pathname,
  test: {
    passWithNoTests: false,
    projects: [
      {
        resolve,
        ssr,
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'services/*/src/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', '**/node_modules/**'],
        },
      },
      {
        resolve,
        ssr,
        test: {
          name: 'integration',
          include: [
            'packages/*/src/**/*.int.test.ts',
            'services/*/src/**/*.int.test.ts',
            'test/**/*.test.ts',
          ],
          exclude: ['**/node_modules/**'],
          globalSetup: ['test/setup/services.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
