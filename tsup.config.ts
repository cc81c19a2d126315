import { defineConfig } from 'tsup';

const library = {
  index: 'src/index.ts',
  'testing/index': 'src/testing/index.ts',
  'gateway/index': 'src/gateway/index.ts',
  'redis/index': 'src/state/redis/index.ts',
};

const shared = {
  sourcemap: true,
  target: 'node22',
  platform: 'node',
  treeshake: true,
  // Shared code goes to chunks, and a dynamic import() stays dynamic: the optional peers
  // (ioredis behind flexiai/redis, google-auth-library, ...) are only loaded when configured.
  splitting: true,
} as const;

export default defineConfig([
  {
    ...shared,
    // ESM: the library entries and the `flexiai` binary (its shebang comes from src/cli/index.ts)
    // in one build, so the CLI shares the library's chunks and never inlines `flexiai/redis`.
    entry: { ...library, 'cli/index': 'src/cli/index.ts' },
    format: ['esm'],
    dts: { entry: library },
    clean: false, // `npm run build` empties dist first (the two builds run at once)
  },
  {
    ...shared,
    entry: library,
    format: ['cjs'],
    dts: { entry: library },
  },
]);
