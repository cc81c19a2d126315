import { afterEach, describe, expect, it } from 'vitest';
import { CANARY } from '../helpers/canary.js';
import { startGatewayFixture, type GatewayFixture } from '../helpers/gateway-fixture.js';

/** `x-flexiai-attempts` on streams counts every upstream call up to and including the serving one. */
describe('x-flexiai-attempts on a stream, over HTTP', () => {
  let fx: GatewayFixture | undefined;
  afterEach(async () => {
    await fx?.close();
    fx = undefined;
  });

  const stream = (url: string) =>
    fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${CANARY.gateway}`, 'content-type': 'application/json' },
      body: JSON.stringify({ stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    });

  it('served at the first try: 1', async () => {
    fx = await startGatewayFixture();
    const res = await stream(fx.url);
    expect(await res.text()).toContain('data: [DONE]');
    expect(res.headers.get('x-flexiai-attempts')).toBe('1');
    expect(res.headers.get('x-flexiai-attempt-path')).toBe('a:ok');
  });

  it('served after a failover: 2, and the path shows both', async () => {
    fx = await startGatewayFixture();
    fx.sims[0]?.enqueue({ kind: 'status', status: 500 });
    const res = await stream(fx.url);
    expect(await res.text()).toContain('data: [DONE]');
    expect(res.headers.get('x-flexiai-attempts')).toBe('2');
    expect(res.headers.get('x-flexiai-attempt-path')).toBe('a:500,b:ok');
    expect(fx.sims.map((s) => s.chatCalls)).toEqual([1, 1]);
  });
});
