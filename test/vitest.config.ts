import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources through the `@strata/source` export
// condition, so tests run without a build.
const resolve = { conditions: ['@strata/source'] };

export default defineConfig({
  root: new URL('..', import.meta.url).pathname,
  test: {
    passWithNoTests: false,
    projects: [
      {
        resolve,
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'services/*/src/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', '**/node_modules/**'],
        },
      },
      {
        resolve,
        test: {
          name: 'integration',
          include: ['packages/*/src/**/*.int.test.ts', 'services/*/src/**/*.int.test.ts', 'test/**/*.test.ts'],
          exclude: ['**/node_modules/**'],
          globalSetup: ['test/setup/services.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
