import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TimeoutError } from '../src/errors/timeout-error.js';
import { startBlackhole, type Blackhole } from '../src/testing/blackhole.js';
import { createFleet, userMessage, type Fleet } from './helpers/sim-fleet.js';

const tcpHandles = (): number =>
  process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap' || r === 'ConnectWrap')
    .length;

const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

describe('U9: a provider that never accepts the connection', () => {
  let blackhole: Blackhole;
  let fleet: Fleet;

  beforeAll(async () => {
    blackhole = await startBlackhole();
    fleet = await createFleet(2, (c) => ({
      ...c,
      providers: c.providers.map((p, i) =>
        i === 0 ? { ...p, baseURL: `${blackhole.url}/v1`, connectTimeoutMs: 250 } : p,
      ),
      circuitBreaker: { failureThreshold: 1_000 },
    }));
  });
  afterAll(async () => {
    await fleet.close();
    await blackhole.close();
  });

  it('aborts the attempt at the connect timeout, serves from B, and leaves no socket open', async () => {
    await fleet.ai.chatCompletion(userMessage('warm-up'));
    await settle();
    const baseline = tcpHandles();
    for (let i = 0; i < 5; i += 1) {
      const started = performance.now();
      const res = await fleet.ai.chatCompletion(userMessage(`n${i}`));
      const elapsed = performance.now() - started;
      expect(res.provider).toBe('b');
      const error = res.attempts[0]?.error as TimeoutError;
      expect(TimeoutError.isInstance(error)).toBe(true);
      expect(error.phase).toBe('connect');
      expect(elapsed).toBeGreaterThanOrEqual(240);
      expect(elapsed).toBeLessThan(10_000); // the 250 ms connect timeout, not the OS's minutes
    }
    await settle();
    expect(tcpHandles()).toBeLessThanOrEqual(baseline);
  });
});
