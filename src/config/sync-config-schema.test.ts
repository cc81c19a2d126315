import { describe, expect, it } from 'vitest';
import { parseConfig } from './parse-config.js';

const providers = [{ name: 'a', type: 'openai' as const, apiKey: 'k', model: 'm' }];
const PASSWORD = 'sk-proj-CANARY.openai0123456789abcdefABCDEF0123';

describe('sync config', () => {
  it('defaults to memory; redis fills its defaults', () => {
    expect(parseConfig({ providers }, { env: false }).sync).toEqual({ backend: 'memory' });
    const sync = parseConfig({ providers, sync: { backend: 'redis' } }, { env: false }).sync;
    expect(sync).toMatchObject({
      backend: 'redis',
      url: 'redis://127.0.0.1:6379',
      keyPrefix: 'flexiai:',
      commandTimeoutMs: 500,
      coalesceWindowMs: 50,
    });
  });

  it('moves a password out of the URL into a masked Secret', () => {
    const config = parseConfig(
      { providers, sync: { backend: 'redis', url: `redis://app:${PASSWORD}@cache:6380/2` } },
      { env: false },
    );
    expect(config.sync).toMatchObject({ url: 'redis://cache:6380/2', username: 'app' });
    const text = JSON.stringify(config);
    expect(text).not.toContain(PASSWORD);
    expect(config.sync.backend === 'redis' && config.sync.password?.reveal()).toBe(PASSWORD);
  });

  it('takes FLEXIAI_SYNC_* overrides, lists as host:port', () => {
    const config = parseConfig(
      { providers },
      {
        env: {
          FLEXIAI_SYNC_BACKEND: 'redis',
          FLEXIAI_SYNC_KEY_PREFIX: 'prod:',
          FLEXIAI_SYNC_SENTINELS: 's1:26379,[::1]:26380',
          FLEXIAI_SYNC_TLS: 'true',
          FLEXIAI_SYNC_PASSWORD: PASSWORD,
        },
      },
    );
    expect(config.sync).toMatchObject({
      keyPrefix: 'prod:',
      tls: true,
      sentinels: [
        { host: 's1', port: 26379 },
        { host: '::1', port: 26380 },
      ],
    });
    expect(JSON.stringify(config)).not.toContain(PASSWORD);
  });

  it('rejects bad values by path, never echoing them', () => {
    expect(() =>
      parseConfig(
        {
          providers,
          sync: { backend: 'redis', url: `http://x:${PASSWORD}@h`, commandTimeoutMs: 0 },
        },
        { env: false },
      ),
    ).toThrow(/sync\.url[\s\S]*sync\.commandTimeoutMs/);
    try {
      parseConfig(
        { providers, sync: { backend: 'redis', url: `http://x:${PASSWORD}@h` } },
        { env: false },
      );
    } catch (error) {
      expect(String(error)).not.toContain(PASSWORD);
    }
  });
});
