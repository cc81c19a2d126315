import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface TestBundle {
  /** Where the bundled scripts are (one `<entry name>.js` each). */
  outdir: string;
  remove(): Promise<void>;
}

/**
 * Bundles TypeScript entry points with the current src/ for tests that start them as processes:
 * plain `node` on JavaScript instead of compiling through tsx in every child. The package build's
 * settings (tsup.config.ts): ESM, node22, code splitting so an optional peer stays a dynamic
 * import, packages left to node_modules; `flexiai` resolves through the tsconfig paths to src/, as
 * tsx resolves it. The bundle sits two levels below the root (node_modules/.flexiai-test-<tag>-<pid>/),
 * so package imports resolve from the project's node_modules. Built fresh each time, never stale.
 */
export async function bundleForTests(
  tag: string,
  entryPoints: Record<string, string>,
): Promise<TestBundle> {
  const outdir = join(root, 'node_modules', `.flexiai-test-${tag}-${process.pid}`);
  await rm(outdir, { recursive: true, force: true });
  await mkdir(outdir, { recursive: true });
  await build({
    entryPoints,
    outdir,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    splitting: true,
    packages: 'external',
    tsconfig: join(root, 'tsconfig.json'),
    logLevel: 'error',
  });
  return { outdir, remove: () => rm(outdir, { recursive: true, force: true }) };
}
