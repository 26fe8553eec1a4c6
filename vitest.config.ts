import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Each file starts its own servers on ephemeral ports; files run in parallel workers.
    pool: 'forks',
    reporters: ['default'],
    projects: [
      { extends: true, test: { name: 'default', include: ['test/**/*.test.ts'] } },
      {
        // The end-to-end files again, against a simulator that serves only the API reference's
        // endpoints (no api/users): every feature must work on an Agile like that.
        extends: true,
        test: {
          name: 'documented-only',
          include: ['test/**/*.e2e.test.ts'],
          env: { AGILE_SIM_DOCUMENTED_ONLY: '1' },
        },
      },
    ],
  },
});
