import { defineConfig } from 'vitest/config';
import { standardDecorators } from './test/helpers/standard-decorators-plugin.js';

export default defineConfig({
  plugins: [standardDecorators()],
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    restoreMocks: true,
    typecheck: {
      enabled: true,
      include: ['test/**/*.test-d.ts'],
      tsconfig: './tsconfig.json',
    },
  },
});
