import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { bundleForTests, type TestBundle } from './bundle-for-tests.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The flexiai CLI bundled from src/ for this run (see test/helpers/run-cli.ts). */
    cliEntry: string;
  }
}

const root = fileURLToPath(new URL('../..', import.meta.url));
let bundle: TestBundle | undefined;

/**
 * Vitest global setup: bundles the CLI from the current src/ once per run (bundleForTests), so
 * the tests that spawn `flexiai` start plain `node` on JavaScript instead of compiling TypeScript
 * through tsx in every child (and in every `serve --workers` worker): a change to src/ is what the
 * next run executes, with or without `npm run build`. Two levels below the project root, as
 * src/cli/ and dist/cli/ are, so src/cli/version.ts finds package.json at the same relative place.
 */
export async function setup(project: TestProject): Promise<void> {
  bundle = await bundleForTests('cli', { index: join(root, 'src/cli/index.ts') });
  project.provide('cliEntry', join(bundle.outdir, 'index.js'));
}

/** Removes this run's bundle. */
export async function teardown(): Promise<void> {
  await bundle?.remove();
}
