import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleExamples, type ExampleBundle } from './helpers/bundle-examples.js';
import { cleanEnv } from './helpers/run-cli.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const examples = [
  'examples/quick-start.ts',
  'examples/middleware.ts',
  ...[
    'basic',
    'system-message',
    'streaming',
    'structured-output',
    'instance-based',
    'global-config',
  ].map((name) => `examples/simple/${name}.ts`),
];
let bundle: ExampleBundle;
// One bundle of every example (see bundleExamples), each run in its own plain node process.
beforeAll(async () => {
  bundle = await bundleExamples(examples, 'examples');
});
afterAll(() => bundle.remove());

function run(file: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bundle.script(file)], {
      cwd: root,
      env: cleanEnv(),
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => resolve({ code, out }));
  });
}

// Each example is its own process on its own simulators: they run concurrently.
describe.concurrent('examples keep working', () => {
  it('examples/quick-start.ts shows failover, the circuit opening and recovery', async () => {
    const { code, out } = await run('examples/quick-start.ts');
    expect(code).toBe(0);
    expect(out).toContain('served by secondary [primary:500 -> secondary:ok]');
    expect(out).toContain('circuit primary: closed -> open (failure_threshold)');
    expect(out).toContain('primary:circuit_open -> secondary:ok');
    expect(out).toContain('circuit primary: half_open -> closed (probe_succeeded)');
  });

  it('examples/middleware.ts rewrites prompts, refuses over budget and reports every attempt', async () => {
    const { code, out } = await run('examples/middleware.ts');
    expect(code).toBe(0);
    expect(out).toContain('attempt: primary error (503)');
    expect(out).toContain('answer from backup: (backup) You said: Write to [email]');
    expect(out).not.toContain('jane.doe@example.com');
    expect(out).toContain('refused: Token allowance used up');
  });

  it.each([
    [
      'basic',
      [
        'ask: (sim) You said: What is the capital of France?',
        'fn: (sim) You said: Translate into Italian: good morning',
        'decorator: (sim) You said: Review this code: let x = 1',
      ],
    ],
    [
      'system-message',
      [
        'ask system: You are a pirate.',
        'decorator system: You explain things to a ten-year-old.',
        'per-call system: You explain things to a physicist.',
      ],
    ],
    [
      'streaming',
      ['fn stream: "Once " "upon " "a " "time..."', 'decorator stream: The sea was calm.'],
    ],
    [
      'structured-output',
      [
        'fn: Ada is 36',
        'retried: Alan is 41 (3 calls so far)',
        "decorator: [ { name: 'Grace', age: 85 } ]",
        'StructuredOutputError after 2 tries: age',
      ],
    ],
    [
      'instance-based',
      [
        'calls: fast 1, smart 1',
        'error: Assistant.deep failed; providers tried: smart; reason: all_providers_failed',
      ],
    ],
    [
      'global-config',
      [
        'before setGlobalConfig: No global FlexiAI client',
        'global defaults: system="You are concise." temperature=0.2',
        'decorator options: system="You write haiku." temperature=0.9',
        'per-call options: system="You write haiku." temperature=0',
      ],
    ],
  ])('examples/simple/%s.ts runs on simulated providers', async (name, lines) => {
    const { code, out } = await run(`examples/simple/${name}.ts`);
    // No error and no stack frame (the bundle's frames name .js files).
    expect(out).not.toMatch(/Error:|^\s+at .*:\d+:\d+\)?$/m);
    expect(code).toBe(0);
    for (const line of lines) expect(out).toContain(line);
  });
});
