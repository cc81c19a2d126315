import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface ExampleBundle {
  /** The bundled script of an example (`examples/quick-start.ts` → its .js), to run with plain node. */
  script(file: string): string;
  remove(): Promise<void>;
}

/**
 * Bundles examples once (esbuild, code splitting: FlexiAI is compiled once for all of them), so
 * each runs in a plain node process instead of compiling TypeScript through tsx in every one
 * (and in every `node:cluster` worker). Their source is unchanged: `import ... from 'flexiai'`
 * resolves through the tsconfig paths to src/, exactly as tsx resolves it, so what runs is the
 * current source. The bundle sits two levels below the root, like the CLI bundle, so the
 * examples' package imports resolve from the project's node_modules.
 */
export async function bundleExamples(
  files: readonly string[],
  tag: string,
): Promise<ExampleBundle> {
  const outdir = join(root, 'node_modules', `.flexiai-test-${tag}-${process.pid}`);
  await rm(outdir, { recursive: true, force: true });
  await mkdir(outdir, { recursive: true });
  await build({
    entryPoints: Object.fromEntries(
      files.map((file) => [file.replace(/\.ts$/, ''), join(root, file)]),
    ),
    outdir,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    splitting: true,
    packages: 'external',
    tsconfig: join(root, 'tsconfig.json'),
    logLevel: 'error',
  });
  return {
    script: (file) => join(outdir, file.replace(/\.ts$/, '.js')),
    remove: () => rm(outdir, { recursive: true, force: true }),
  };
}
