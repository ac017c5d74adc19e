import { defineConfig } from 'vitest/config';

// FACETCTL_TEST_JSON (set by .ci/run) adds a JSON report so CI can print "N passed, N failed".
const jsonReport = process.env.FACETCTL_TEST_JSON;

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Builds dist/ when the e2e tests (which spawn bin/facetctl.js) are selected and it is stale.
    globalSetup: ['test/setup/build.ts', 'test/setup/leftovers.ts'],
    // Every folder made by tempDir() (test/helpers/temp.ts) is removed when its test file ends.
    setupFiles: ['test/setup/temp-cleanup.ts'],
    reporters: jsonReport ? ['default', 'json'] : ['default'],
    outputFile: jsonReport ? { json: jsonReport } : undefined,
  },
});
