import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleForTests } from './bundle-for-tests.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface ExampleBundle {
  /** The bundled script of an example (`examples/quick-start.ts` → its .js), to run with plain node. */
  script(file: string): string;
  remove(): Promise<void>;
}

/**
 * Bundles examples once (bundleForTests: FlexiAI compiled once for all of them), so each runs in a
 * plain node process instead of through tsx (and so does every `node:cluster` worker). Their
 * source is unchanged: `import ... from 'flexiai'` resolves to the current src/.
 */
export async function bundleExamples(
  files: readonly string[],
  tag: string,
): Promise<ExampleBundle> {
  const bundle = await bundleForTests(
    tag,
    Object.fromEntries(files.map((file) => [file.replace(/\.ts$/, ''), join(root, file)])),
  );
  return {
    script: (file) => join(bundle.outdir, file.replace(/\.ts$/, '.js')),
    remove: bundle.remove,
  };
}
