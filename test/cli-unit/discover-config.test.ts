import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeSource, discoverConfig } from '../../src/cli/discover-config.js';
import { SIM_URLS_ENV } from '../../src/cli/simulated-fleet.js';
import { currentSurroundings, simulatedRefusal } from '../../src/cli/simulated-guard.js';
import { ConfigurationError } from '../../src/errors/configuration-error.js';
import { testIO } from '../helpers/cli-io.js';

const provider = (name: string) =>
  `providers:\n  - name: ${name}\n    type: openai-compatible\n    baseURL: http://127.0.0.1:9/v1\n    model: m\n`;

/** Where every command finds its configuration, in the documented order (docs/cli.md). */
describe('configuration discovery', () => {
  const dir = () => mkdtemp(join(tmpdir(), 'flexiai-discover-'));

  it('--config wins over FLEXIAI_CONFIG, which wins over files in the working directory and keys', async () => {
    const cwd = await dir();
    await writeFile(join(cwd, 'flexiai.config.yaml'), provider('from-cwd'));
    await writeFile(join(cwd, 'explicit.yaml'), provider('explicit'));
    await writeFile(join(cwd, 'env.yaml'), provider('from-env-var'));
    const env = { FLEXIAI_CONFIG: 'env.yaml', OPENAI_API_KEY: 'sk-x.not-a-real-key' };
    const explicit = await discoverConfig({ configPath: 'explicit.yaml', cwd, env });
    expect(explicit.config.providers.map((p) => p.name)).toEqual(['explicit']);
    expect(explicit.source).toEqual({ kind: 'file', path: join(cwd, 'explicit.yaml') });
    const fromVar = await discoverConfig({ cwd, env });
    expect(fromVar.config.providers.map((p) => p.name)).toEqual(['from-env-var']);
    const fromCwd = await discoverConfig({ cwd, env: { OPENAI_API_KEY: 'sk-x.not-a-real-key' } });
    expect(fromCwd.config.providers.map((p) => p.name)).toEqual(['from-cwd']);
    expect(describeSource(fromCwd.source)).toBe(
      `configuration: ${join(cwd, 'flexiai.config.yaml')}`,
    );
  });

  it('flexiai.config.yaml before .yml before .json', async () => {
    const cwd = await dir();
    await writeFile(join(cwd, 'flexiai.config.json'), JSON.stringify({ providers: [] }));
    await writeFile(join(cwd, 'flexiai.config.yml'), provider('yml'));
    expect((await discoverConfig({ cwd, env: {} })).config.providers[0]?.name).toBe('yml');
    const jsonOnly = await dir();
    await writeFile(
      join(jsonOnly, 'flexiai.config.json'),
      JSON.stringify({
        providers: [
          { name: 'json', type: 'openai-compatible', baseURL: 'http://127.0.0.1:9/v1', model: 'm' },
        ],
      }),
    );
    expect((await discoverConfig({ cwd: jsonOnly, env: {} })).config.providers[0]?.name).toBe(
      'json',
    );
  });

  it('a missing --config file is a configuration error naming the file', async () => {
    const cwd = await dir();
    const error: unknown = await discoverConfig({ configPath: 'nope.yaml', cwd, env: {} }).catch(
      (e: unknown) => e,
    );
    expect(ConfigurationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain(join(cwd, 'nope.yaml'));
  });

  it('without a file: one provider per key found in the environment, in order, GOOGLE_API_KEY for Gemini', async () => {
    const cwd = await dir();
    const all = await discoverConfig({
      cwd,
      env: {
        OPENAI_API_KEY: 'sk-o.not-a-real-key',
        ANTHROPIC_API_KEY: 'sk-ant-a.not-a-real-key',
        GOOGLE_API_KEY: 'AIza-not-a-real-key',
      },
    });
    expect(all.config.providers.map((p) => [p.name, p.type, p.model])).toEqual([
      ['openai', 'openai', 'gpt-4o-mini'],
      ['anthropic', 'anthropic', 'claude-sonnet-4-5'],
      ['gemini', 'gemini', 'gemini-2.5-flash'],
    ]);
    expect(all.fleet).toBeUndefined();
    const text = describeSource(all.source);
    expect(text).toBe(
      'configuration: provider keys from the environment (OPENAI_API_KEY, ANTHROPIC_API_KEY, GOOGLE_API_KEY); no config file found',
    );
    expect(text).not.toContain('not-a-real-key');
    const gemini = await discoverConfig({
      cwd,
      env: { GEMINI_API_KEY: 'AIza-g', GOOGLE_API_KEY: 'x' },
    });
    expect(gemini.source).toEqual({ kind: 'environment', keys: ['GEMINI_API_KEY'] });
  });

  it('nothing found: simulated providers, started (and closed by the caller) or only described', async () => {
    const cwd = await dir();
    const started = await discoverConfig({ cwd, env: {} });
    try {
      expect(started.source).toEqual({ kind: 'simulated' });
      expect(started.fleet?.sims).toHaveLength(3);
      expect(started.config.providers.map((p) => p.name)).toEqual([
        'sim-openai',
        'sim-claude',
        'sim-gemini',
      ]);
      const res = await fetch(`${started.fleet?.sims[0]?.baseURL}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'up?' }] }),
      });
      expect(res.status).toBe(200);
    } finally {
      await started.fleet?.close();
    }
    const described = await discoverConfig({ cwd, env: {}, simulate: false });
    expect(described.fleet).toBeUndefined();
    expect(described.config.providers).toHaveLength(3);
    expect(describeSource(described.source)).toContain('running on SIMULATED providers');
  });

  it('a cluster worker reuses the simulators its primary started (their URLs in the environment)', async () => {
    const urls = {
      openai: 'http://127.0.0.1:1001',
      anthropic: 'http://127.0.0.1:1002',
      gemini: 'http://127.0.0.1:1003',
    };
    const cwd = await dir();
    const shared = await discoverConfig({ cwd, env: { [SIM_URLS_ENV]: JSON.stringify(urls) } });
    expect(shared.fleet).toBeUndefined();
    expect(shared.config.providers.map((p) => p.baseURL)).toEqual([
      'http://127.0.0.1:1001',
      'http://127.0.0.1:1002',
      'http://127.0.0.1:1003',
    ]);
    // The guard does not refuse them: the primary already decided.
    const allowed = await discoverConfig({
      cwd,
      env: { [SIM_URLS_ENV]: JSON.stringify(urls) },
      refuseSimulated: 'refused',
    });
    expect(allowed.source.kind).toBe('simulated');
  });

  it('refuseSimulated: nothing configured is a configuration error with that message; --simulated skips file and keys', async () => {
    const cwd = await dir();
    await expect(discoverConfig({ cwd, env: {}, refuseSimulated: 'no providers' })).rejects.toThrow(
      'no providers',
    );
    await writeFile(join(cwd, 'flexiai.config.yaml'), provider('ignored'));
    const forced = await discoverConfig({
      cwd,
      env: { OPENAI_API_KEY: 'sk-ignored' },
      forceSimulated: true,
      simulate: false,
    });
    expect(forced.source.kind).toBe('simulated');
    expect(forced.config.providers[0]?.name).toBe('sim-openai');
  });

  it('the serve guard: a terminal may fall back to simulators; production or no terminal refuses, naming why', () => {
    expect(simulatedRefusal({ env: {}, interactive: true })).toBeUndefined();
    const headless = simulatedRefusal({ env: {}, interactive: false });
    expect(headless).toContain('not started from a terminal');
    expect(headless).toContain('--simulated');
    const production = simulatedRefusal({ env: { NODE_ENV: 'production' }, interactive: true });
    expect(production).toContain('NODE_ENV is "production"');
    const t = testIO({ interactive: true, env: { NODE_ENV: 'production' } });
    expect(currentSurroundings(t.io)).toEqual({ env: t.io.env, interactive: true });
  });
});
