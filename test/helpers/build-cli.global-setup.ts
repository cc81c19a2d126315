import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The flexiai CLI bundled from src/ for this run (see test/helpers/run-cli.ts). */
    cliEntry: string;
  }
}

const root = fileURLToPath(new URL('../..', import.meta.url));
const outdir = join(root, 'node_modules', `.flexiai-test-cli-${process.pid}`);

/**
 * Vitest global setup: bundles the CLI from the current src/ once per run, so the tests that spawn
 * `flexiai` start plain `node` on JavaScript instead of compiling TypeScript through tsx in every
 * child (and in every `serve --workers` worker). Built fresh each run, never stale: a change to
 * src/ is what the next run executes, with or without `npm run build`.
 *
 * The bundle sits two levels below the project root (node_modules/.flexiai-test-cli-<pid>/), where
 * its package imports resolve from the project's node_modules and src/cli/version.ts finds
 * package.json at the same relative place as from src/cli/ and dist/cli/.
 */
export async function setup(project: TestProject): Promise<void> {
  await rm(outdir, { recursive: true, force: true });
  await mkdir(outdir, { recursive: true });
  // The same bundler and settings as the package build (tsup.config.ts): ESM, node22, code
  // splitting so an optional peer stays a dynamic import, packages left to node_modules.
  await build({
    entryPoints: { index: join(root, 'src/cli/index.ts') },
    outdir,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    splitting: true,
    packages: 'external',
    logLevel: 'error',
  });
  project.provide('cliEntry', join(outdir, 'index.js'));
}

/** Removes this run's bundle. */
export async function teardown(): Promise<void> {
  await rm(outdir, { recursive: true, force: true });
}
