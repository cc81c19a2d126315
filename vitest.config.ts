import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Generous: CI runs on a busy 2-core machine where a test that spawns CLI processes through
    // tsx can take a minute. No test relies on a timeout to pass.
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
    restoreMocks: true,
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      exclude: [
        'src/**/*.test.ts',
        // The CLI entry point only dispatches to the commands and sets the exit code; it runs in
        // the child processes of the CLI tests, which in-process coverage does not see.
        'src/cli/index.ts',
      ],
      reporter: ['text', 'json-summary'],
      reportsDirectory: 'coverage',
      thresholds: { lines: 85, branches: 85 },
      reportOnFailure: true,
    },
  },
});
