import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Each file starts its own servers on ephemeral ports; files run in parallel workers.
    pool: 'forks',
    // Most files wait on sockets and timers, not the CPU: three workers on a 2-core machine (vitest's
    // default would be one) roughly halve the suite's wall time.
    maxWorkers: 3,
    reporters: ['default'],
    projects: [
      {
        // Unit and contract tests, and the end-to-end files of the features that use Agile's optional
        // api/users when it is there (owners): those run against the full simulator here.
        extends: true,
        test: {
          name: 'default',
          include: ['test/**/!(*.e2e).test.ts', 'test/features/{task,deal,digest,home}/*.e2e.test.ts'],
        },
      },
      {
        // Every end-to-end file, against a simulator that serves only the API reference's endpoints
        // (no api/users): every feature must work on an Agile like that, so this is the e2e suite.
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
