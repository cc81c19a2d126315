import { readdir, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The worker-process fixtures (test/fixtures/*.ts) bundled for this run, one `<name>.js` each. */
    fixturesDir: string;
  }
}

const root = fileURLToPath(new URL('../..', import.meta.url));
const fixtures = join(root, 'test', 'fixtures');
const outdir = join(root, 'node_modules', `.flexiai-test-fixtures-${process.pid}`);

/**
 * Vitest global setup: bundles the worker-process fixtures (test/fixtures/*.ts) with the current
 * src/ once per run, so the tests that fork them (test/helpers/worker-processes.ts) start plain
 * `node` on JavaScript instead of compiling TypeScript through tsx in every child: 1-2 s of CPU per
 * process saved, and several processes are started per test. Built fresh each run, never stale.
 *
 * The same settings as the CLI's bundle (build-cli.global-setup.ts): placed under node_modules so
 * the package imports (ioredis, ...) resolve from the project's node_modules.
 */
export async function setup(project: TestProject): Promise<void> {
  await rm(outdir, { recursive: true, force: true });
  await mkdir(outdir, { recursive: true });
  const entries = (await readdir(fixtures)).filter((f) => f.endsWith('.ts'));
  await build({
    entryPoints: Object.fromEntries(
      entries.map((f) => [f.slice(0, -'.ts'.length), join(fixtures, f)]),
    ),
    outdir,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    splitting: true,
    packages: 'external',
    logLevel: 'error',
  });
  project.provide('fixturesDir', outdir);
}

/** Removes this run's bundle. */
export async function teardown(): Promise<void> {
  await rm(outdir, { recursive: true, force: true });
}
