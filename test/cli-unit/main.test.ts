import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { processIO } from '../../src/cli/cli-io.js';
import { runMain } from '../../src/cli/main.js';
import { reportError } from '../../src/cli/report-error.js';
import { ConfigurationError } from '../../src/errors/configuration-error.js';
import { ProviderError } from '../../src/errors/provider-error.js';
import { testIO } from '../helpers/cli-io.js';

/** The `flexiai` dispatcher in process: help, version, unknown commands and how errors end a run. */
describe('flexiai (in process): dispatch and error reporting', () => {
  beforeEach(() => vi.stubEnv('NO_COLOR', '1'));
  afterEach(() => vi.unstubAllEnvs());

  it('no command prints the help and exits 2; --help, -h and help exit 0', async () => {
    const bare = testIO();
    expect(await runMain([], bare.io)).toBe(2);
    expect(bare.stdout()).toContain('Usage: flexiai <command> [options]');
    for (const flag of ['--help', '-h', 'help']) {
      const t = testIO();
      expect(await runMain([flag], t.io)).toBe(0);
      expect(t.stdout()).toContain('Commands:');
      expect(t.stdout()).toContain('Exit codes: 0 success, 1 the request failed, 2 usage');
    }
  });

  it('--version, -v and version print the package version', async () => {
    const { version } = JSON.parse(
      await readFile(new URL('../../package.json', import.meta.url), 'utf8'),
    ) as { version: string };
    for (const flag of ['--version', '-v', 'version']) {
      const t = testIO();
      expect(await runMain([flag], t.io)).toBe(0);
      expect(t.stdout()).toBe(`${version}\n`);
    }
  });

  it('every command has --help on stdout with exit 0', async () => {
    for (const command of ['serve', 'chat', 'batch', 'status', 'cost', 'demo']) {
      for (const flag of ['--help', '-h']) {
        const t = testIO();
        expect(await runMain([command, flag], t.io)).toBe(0);
        expect(t.stdout()).toContain(`Usage: flexiai ${command}`);
        expect(t.stderr()).toBe('');
      }
    }
  });

  it('an unknown command or flag is a usage error: exit 2, the message and where to look', async () => {
    const unknown = testIO();
    expect(await runMain(['frobnicate'], unknown.io)).toBe(2);
    expect(unknown.stderr()).toBe(
      'usage error: unknown command "frobnicate"\n(see flexiai --help)\n',
    );
    for (const command of ['serve', 'chat', 'batch', 'status', 'cost', 'demo']) {
      const t = testIO();
      expect(await runMain([command, '--nope'], t.io)).toBe(2);
      expect(t.stderr()).toMatch(/^usage error: .*'--nope'/);
      expect(t.stdout()).toBe('');
    }
    // Commands that take no positional arguments refuse them.
    for (const command of ['serve', 'status', 'cost']) {
      const t = testIO();
      expect(await runMain([command, 'extra'], t.io)).toBe(2);
      expect(t.stderr()).toContain('usage error:');
    }
  });

  it('a configuration error exits 2 naming the field, before any network call', async () => {
    const t = testIO();
    const path = join(t.io.cwd, 'bad.yaml');
    await writeFile(
      path,
      'providers:\n  - name: x\n    type: openai-compatible\n    baseURL: not a url\n    model: m\n',
    );
    expect(await runMain(['chat', '--config', path, 'hi'], t.io)).toBe(2);
    expect(t.stderr()).toBe(
      `configuration error: Invalid configuration in ${path}:\n  - providers.0.baseURL: must be an http(s) URL\n`,
    );
    expect(t.stderr()).not.toContain('    at ');
  });

  it('reportError: library errors exit 1 without a stack; anything unexpected shows its stack', () => {
    const provider = reportError(
      new ProviderError('upstream said no', { provider: 'p', model: 'm', status: 500 }),
    );
    expect(provider.exitCode).toBe(1);
    expect(provider.text).toBe('error: p (m): upstream said no\n');
    const config = reportError(new ConfigurationError('providers: bad'));
    expect(config).toEqual({ text: 'configuration error: providers: bad\n', exitCode: 2 });
    const parseArgs = reportError(
      Object.assign(new TypeError("Unknown option '--x'"), {
        code: 'ERR_PARSE_ARGS_UNKNOWN_OPTION',
      }),
    );
    expect(parseArgs.exitCode).toBe(2);
    const unexpected = reportError(new Error('boom'));
    expect(unexpected.exitCode).toBe(1);
    expect(unexpected.text).toMatch(/^unexpected error: Error: boom\n\s+at /);
    expect(reportError('a string')).toEqual({ text: 'unexpected error: a string\n', exitCode: 1 });
    expect(reportError(null).exitCode).toBe(1);
  });

  it('by default a command uses the real process: its streams, environment, directory and signals', () => {
    const io = processIO();
    expect(io.stdout).toBe(process.stdout);
    expect(io.stderr).toBe(process.stderr);
    expect(io.env).toBe(process.env);
    expect(io.cwd).toBe(process.cwd());
    expect(io.signals).toBe(process);
    expect(io.interactive()).toBe(process.stdin.isTTY === true || process.stdout.isTTY === true);
  });
});
