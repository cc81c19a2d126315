import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'tsup';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv } from './helpers/run-cli.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsxLoader = pathToFileURL(
  join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/loader.mjs'),
).href;

/**
 * What a user writes: TypeScript 5 standard decorators (no experimentalDecorators) on methods of
 * their own class, over the built package. `ENTRY` is the package's ESM or CommonJS entry.
 */
const consumer = (entry: string, testing: string) => `
import { FlexiAI, chat, prompt, setGlobalClient, silentLogger } from '${entry}';
import { createSimulatedProvider } from '${testing}';

async function main() {
  const sim = await createSimulatedProvider({ name: 'sim' });
  const ai = new FlexiAI(
    { providers: [{ name: 'sim', type: 'openai-compatible', baseURL: sim.baseURL, model: 'm' }] },
    { logger: silentLogger, env: false },
  );
  setGlobalClient(ai, { system: 'global' });
  class Bot {
    @ai.chat({ system: 'instance' })
    async hello(name: string): Promise<string> {
      return 'hello ' + name;
    }
    @chat({ stream: true })
    story(topic: string): AsyncIterable<string> {
      return prompt('story ' + topic);
    }
    @ai.chat
    async bare(): Promise<string> {
      return 'bare';
    }
  }
  const bot = new Bot();
  console.log('instance: ' + (await bot.hello('Ann')));
  let text = '';
  for await (const delta of bot.story('cats')) text += delta;
  console.log('global stream: ' + text);
  console.log('bare: ' + (await bot.bare()));
  const systems = sim.requests.map((r) => (r.body as { messages: { content: string }[] }).messages[0]?.content);
  console.log('systems: ' + systems.join(','));
  await ai.close();
  await sim.close();
}
main().catch((error) => {
  console.error(error);
  process.exit(1);
});
`;

function runNode(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, env: cleanEnv() });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => resolve({ code, out }));
  });
}

const expected = [
  'instance: (sim) You said: hello Ann',
  'global stream: (sim) You said: story cats',
  'bare: (sim) You said: bare',
  'systems: instance,global,bare',
];

describe('the built package with decorators compiled by the user', () => {
  let dir: string;

  beforeAll(async () => {
    // Inside the project, so the bundle's external imports (zod, undici, ...) resolve.
    await mkdir(join(root, 'node_modules/.cache'), { recursive: true });
    dir = await mkdtemp(join(root, 'node_modules/.cache/flexiai-dist-'));
    // The package's own build (tsup.config.ts), JavaScript only: types are not under test here.
    await build({
      entry: { index: 'src/index.ts', 'testing/index': 'src/testing/index.ts' },
      format: ['esm', 'cjs'],
      outDir: dir,
      target: 'node20',
      platform: 'node',
      splitting: true,
      dts: false,
      config: false,
      silent: true,
    });
  }, 120_000);

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('works from ESM compiled by tsx (esbuild)', async () => {
    const file = join(dir, 'consumer-tsx.ts');
    await writeFile(file, consumer('./index.js', './testing/index.js'));
    const { code, out } = await runNode(['--import', tsxLoader, file]);
    expect(out).not.toContain('Error');
    expect(code).toBe(0);
    for (const line of expected) expect(out).toContain(line);
  });

  it.each([
    ['ESM', ts.ModuleKind.ESNext, 'consumer-tsc.mjs', './index.js', './testing/index.js'],
    ['CommonJS', ts.ModuleKind.CommonJS, 'consumer-tsc.cjs', './index.cjs', './testing/index.cjs'],
  ])('works from %s compiled by tsc', async (_kind, module, name, entry, testing) => {
    const { outputText, diagnostics } = ts.transpileModule(consumer(entry, testing), {
      compilerOptions: { target: ts.ScriptTarget.ES2022, module, experimentalDecorators: false },
      reportDiagnostics: true,
    });
    expect(diagnostics ?? []).toEqual([]);
    expect(outputText).not.toContain('__decorate(['); // the legacy helper: standard decorators only
    const file = join(dir, name);
    await writeFile(file, outputText);
    const { code, out } = await runNode([file]);
    expect(out).not.toContain('Error');
    expect(code).toBe(0);
    for (const line of expected) expect(out).toContain(line);
  });
});
