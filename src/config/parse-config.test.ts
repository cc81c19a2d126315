import type { OpenAIProviderConfig } from './provider-config-schema.js';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CANARY, expectNoCanary } from '../../test/helpers/canary.js';
import { ConfigurationError } from '../errors/configuration-error.js';
import { ENV_SETTINGS } from './env-overrides.js';
import { loadConfigFile } from './load-config.js';
import { parseConfig } from './parse-config.js';

const provider = { name: 'oa', type: 'openai', apiKey: CANARY.openai, model: 'gpt-4o-mini' };
const valid = { providers: [provider] };

function issuesOf(raw: unknown, env: Record<string, string> | false = false): string[] {
  try {
    parseConfig(raw, { env });
  } catch (error) {
    expect(ConfigurationError.isInstance(error)).toBe(true);
    const e = error as ConfigurationError;
    expectNoCanary(e.message, 'error message');
    expectNoCanary(JSON.stringify(e), 'serialized error');
    return e.issues.map((i) => `${i.path}: ${i.message}`);
  }
  throw new Error('expected a ConfigurationError');
}

describe('parseConfig', () => {
  it('fills defaults', () => {
    const config = parseConfig(valid, { env: false });
    expect(config.circuitBreaker).toEqual({
      failureThreshold: 5,
      recoveryTimeoutMs: 60_000,
      halfOpenMaxCalls: 1,
    });
    expect(config.retry).toMatchObject({ maxAttempts: 3, initialDelayMs: 250, maxDelayMs: 8_000 });
    expect(config.sync).toEqual({ backend: 'memory' });
    expect(config.providers[0]).toMatchObject({
      enabled: true,
      timeoutMs: 60_000,
      connectTimeoutMs: 5_000,
    });
  });

  describe('B1: rejects invalid configuration with the field path and no secret', () => {
    it.each([
      ['no providers', { providers: [] }, 'providers: must list at least one provider'],
      [
        'duplicate names',
        { providers: [provider, { ...provider }] },
        'providers.1.name: duplicate provider name "oa"',
      ],
      [
        'negative timeout',
        { providers: [{ ...provider, timeoutMs: -5 }] },
        'providers.0.timeoutMs',
      ],
      [
        'NaN timeout',
        { providers: [{ ...provider, connectTimeoutMs: Number.NaN }] },
        'providers.0.connectTimeoutMs',
      ],
      [
        'unknown field',
        { providers: [{ ...provider, timeoutMS: 5 }] },
        'providers.0: Unrecognized key: "timeoutMS"',
      ],
      [
        'route to nowhere',
        { ...valid, routes: { fast: ['nope'] } },
        'routes.fast.0: names no configured provider: "nope"',
      ],
      [
        'missing key',
        { providers: [{ name: 'x', type: 'openai', model: 'm' }] },
        'providers.0.apiKey',
      ],
      ['bad base URL', { providers: [{ ...provider, baseURL: 'ftp://x' }] }, 'providers.0.baseURL'],
      [
        'bad threshold',
        { ...valid, circuitBreaker: { failureThreshold: 0 } },
        'circuitBreaker.failureThreshold',
      ],
    ])('%s', (_name, raw, expected) => {
      expect(issuesOf(raw).join('\n')).toContain(expected);
    });

    it('a missing environment variable names the variable and the path', () => {
      const raw = { providers: [{ ...provider, apiKey: '${FLEXIAI_TEST_UNSET_KEY}' }] };
      expect(issuesOf(raw, {})).toEqual([
        'providers.0.apiKey: environment variable FLEXIAI_TEST_UNSET_KEY is not set',
      ]);
    });
  });

  it('resolves ${VAR} and ${VAR:-default}, and keeps $${VAR} literal', () => {
    const config = parseConfig(
      {
        providers: [
          {
            ...provider,
            apiKey: '${MY_KEY}',
            model: '${MODEL:-gpt-4o}',
            headers: { 'x-literal': '$${NOT_A_VAR}' },
          },
        ],
      },
      { env: { MY_KEY: CANARY.openai } },
    );
    const first = config.providers[0] as OpenAIProviderConfig;
    expect(first.type === 'openai' && first.apiKey.reveal()).toBe(CANARY.openai);
    expect(config.providers[0]?.model).toBe('gpt-4o');
    expect(config.providers[0]?.headers).toEqual({ 'x-literal': '${NOT_A_VAR}' });
  });

  it('applies FLEXIAI_* overrides and names the variable when one is invalid', () => {
    const config = parseConfig(valid, {
      env: {
        FLEXIAI_RETRY_MAX_ATTEMPTS: '5',
        FLEXIAI_LOGGING_LOG_CONTENT: 'true',
        FLEXIAI_SERVER_API_KEYS: 'k1, k2',
      },
    });
    expect(config.retry.maxAttempts).toBe(5);
    expect(config.logging.logContent).toBe(true);
    expect(config.server.apiKeys.map((k) => ('key' in k ? k.key : k).reveal())).toEqual([
      'k1',
      'k2',
    ]);
    expect(issuesOf(valid, { FLEXIAI_CIRCUIT_BREAKER_FAILURE_THRESHOLD: 'many' }).join()).toContain(
      'circuitBreaker.failureThreshold: Invalid input: expected number, received NaN (set by FLEXIAI_CIRCUIT_BREAKER_FAILURE_THRESHOLD)',
    );
  });

  it('lists its environment settings', () => {
    const names = ENV_SETTINGS.map((s) => s.env);
    expect(names).toEqual(
      expect.arrayContaining([
        'FLEXIAI_RETRY_MAX_ATTEMPTS',
        'FLEXIAI_SYNC_BACKEND',
        'FLEXIAI_SYNC_URL',
        'FLEXIAI_SERVER_PORT',
      ]),
    );
  });

  it('S4: secrets are masked under inspect, console.log and JSON.stringify', () => {
    const config = parseConfig({ ...valid, server: { apiKeys: [CANARY.gateway] } }, { env: false });
    expectNoCanary(JSON.stringify(config), 'JSON.stringify(config)');
    expectNoCanary(inspect(config, { depth: 10 }), 'util.inspect(config)');
    expectNoCanary(
      `${config.providers[0]?.type === 'openai' ? config.providers[0].apiKey : ''}`,
      'template',
    );
  });
});

describe('loadConfigFile', () => {
  it('reads YAML and JSON files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'flexiai-config-'));
    const yamlPath = join(dir, 'flexiai.config.yaml');
    await writeFile(
      yamlPath,
      'providers:\n  - name: oa\n    type: openai\n    apiKey: ${OA_KEY}\n    model: gpt-4o-mini\nroutes:\n  fast: [oa]\n',
    );
    const fromYaml = await loadConfigFile(yamlPath, { env: { OA_KEY: CANARY.openai } });
    expect(fromYaml.routes).toEqual({ fast: { providers: ['oa'], failoverOn: [] } });
    const jsonPath = join(dir, 'flexiai.config.json');
    await writeFile(jsonPath, JSON.stringify(valid));
    expect((await loadConfigFile(jsonPath, { env: false })).providers).toHaveLength(1);
  });

  it('reports unreadable and unparsable files without quoting their content', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'flexiai-config-'));
    await expect(loadConfigFile(join(dir, 'missing.yaml'))).rejects.toThrow(
      /Cannot read configuration file .*ENOENT/,
    );
    const bad = join(dir, 'bad.json');
    await writeFile(bad, `{"providers": [{"apiKey": ${CANARY.openai}}]}`);
    const error = await loadConfigFile(bad).catch((e: unknown) => e);
    expect(ConfigurationError.isInstance(error)).toBe(true);
    expectNoCanary((error as Error).message);
    const badYaml = join(dir, 'bad.yaml');
    await writeFile(badYaml, `providers:\n  - apiKey: "${CANARY.openai}\n   : : [`);
    const yamlError = await loadConfigFile(badYaml).catch((e: unknown) => e);
    expect((yamlError as Error).message).toMatch(/line \d+/);
    expectNoCanary((yamlError as Error).message);
  });
});
