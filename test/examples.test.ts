import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cleanEnv } from './helpers/run-cli.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsx = pathToFileURL(
  join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/loader.mjs'),
).href;

function run(file: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', tsx, join(root, file)], {
      cwd: root,
      env: cleanEnv(),
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => resolve({ code, out }));
  });
}

describe('examples keep working', () => {
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
});
