import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { inject } from 'vitest';

/** The CLI's source entry. */
export const CLI = fileURLToPath(new URL('../../src/cli/index.ts', import.meta.url));

/** tsx's loader by absolute URL, so the CLI runs from source in any working directory. */
export const TSX = pathToFileURL(
  join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/loader.mjs'),
).href;

/**
 * The node arguments that start the flexiai CLI from the current source: the bundle the global
 * setup (test/helpers/build-cli.global-setup.ts) built from src/ for this run, run by plain node;
 * without it (a config without that setup), src/cli/index.ts through tsx. Either way what runs is
 * the source as it is now, never a stale build.
 */
export function cliArgs(...args: string[]): string[] {
  const bundle = inject('cliEntry');
  return bundle ? [bundle, ...args] : ['--import', TSX, CLI, ...args];
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the flexiai CLI (built from the current source, see {@link cliArgs}) to completion. */
export function runCli(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, cliArgs(...args), {
      cwd: options.cwd,
      env: { ...cleanEnv(), ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 150_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The environment without provider keys or FlexiAI settings of whoever runs the tests. */
export function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (/^(FLEXIAI_|OPENAI_|ANTHROPIC_|GEMINI_|GOOGLE_)/.test(key)) delete env[key];
  }
  env.NO_COLOR = '1';
  return env;
}

export interface ServeProcess {
  child: ChildProcess;
  url: string;
  stderr: () => string;
  stdout: () => string;
  /** Sends a signal and waits for the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `flexiai serve` and waits for its banner. */
export function startServe(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<ServeProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, cliArgs('serve', ...args), {
      cwd: options.cwd,
      env: { ...cleanEnv(), ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
      const match = /listening on (http:\/\/\S+)/.exec(stderr);
      if (match?.[1]) {
        resolve({
          child,
          url: match[1],
          stderr: () => stderr,
          stdout: () => stdout,
          stop: async (signal = 'SIGTERM') => {
            child.kill(signal);
            return exited;
          },
        });
      }
    });
    void exited.then((code) => reject(new Error(`serve exited early (${code}): ${stderr}`)));
    setTimeout(() => reject(new Error(`serve did not start: ${stderr}`)), 150_000).unref();
  });
}
