import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources in tests through the "@aauth-kit/source"
// export condition (see each package's exports map); published consumers get dist/.
const conditions = ['@aauth-kit/source', 'module', 'node', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
