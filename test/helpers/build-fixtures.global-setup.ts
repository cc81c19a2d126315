import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { bundleForTests, type TestBundle } from './bundle-for-tests.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The worker-process fixtures (test/fixtures/*.ts) bundled for this run, one `<name>.js` each. */
    fixturesDir: string;
  }
}

const fixtures = fileURLToPath(new URL('../fixtures', import.meta.url));
let bundle: TestBundle | undefined;

/**
 * Vitest global setup: bundles the worker-process fixtures (test/fixtures/*.ts) with the current
 * src/ once per run (bundleForTests), so the tests that fork them (test/helpers/worker-processes.ts)
 * start plain `node` instead of compiling TypeScript through tsx in every child: 1-2 s of CPU per
 * process saved, and several processes are started per test.
 */
export async function setup(project: TestProject): Promise<void> {
  const entries = (await readdir(fixtures)).filter((f) => f.endsWith('.ts'));
  bundle = await bundleForTests(
    'fixtures',
    Object.fromEntries(entries.map((f) => [f.slice(0, -'.ts'.length), join(fixtures, f)])),
  );
  project.provide('fixturesDir', bundle.outdir);
}

/** Removes this run's bundle. */
export async function teardown(): Promise<void> {
  await bundle?.remove();
}
