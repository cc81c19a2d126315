import { afterEach, describe, expect, it } from 'vitest';
import type { CacheConfigInput } from '../src/config/cache-config-schema.js';
import { fault } from '../src/testing/faults.js';
import { CANARY } from './helpers/canary.js';
import { startGatewayFixture, type GatewayFixture } from './helpers/gateway-fixture.js';

const SECOND_KEY = 'fk-gw-second-tenant-0123456789';

let fx: GatewayFixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

async function start(cache: CacheConfigInput | null = {}) {
  fx = await startGatewayFixture((config) => ({
    ...config,
    server: { ...config.server, apiKeys: [CANARY.gateway, SECOND_KEY] },
    ...(cache ? { cache } : {}),
  }));
  return fx;
}

function post(
  url: string,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
  key: string = CANARY.gateway,
) {
  return fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ messages: [{ role: 'user', content: 'Hi gateway' }], ...body }),
  });
}

/** The text of an SSE response, its deltas joined. */
async function sseText(res: Response): Promise<{ text: string; done: boolean }> {
  const raw = await res.text();
  const events = raw
    .split('\n\n')
    .map((e) => e.replace(/^data: /, '').trim())
    .filter(Boolean);
  const text = events
    .filter((e) => e !== '[DONE]')
    .map((e) => JSON.parse(e) as { choices?: { delta?: { content?: string } }[] })
    .map((e) => e.choices?.[0]?.delta?.content ?? '')
    .join('');
  return { text, done: events.at(-1) === '[DONE]' };
}

describe('gateway response cache', () => {
  it('x-flexiai-cache: miss, then hit without an upstream call, with the same completion', async () => {
    const { url, sims } = await start();
    const first = await post(url, {});
    expect(first.status).toBe(200);
    expect(first.headers.get('x-flexiai-cache')).toBe('miss');
    const firstBody = (await first.json()) as { id: string; choices: unknown[]; usage: unknown };
    const second = await post(url, {});
    expect(second.headers.get('x-flexiai-cache')).toBe('hit');
    expect(second.headers.get('x-flexiai-attempts')).toBe('0');
    const secondBody = (await second.json()) as typeof firstBody;
    expect(secondBody.choices).toEqual(firstBody.choices);
    expect(secondBody.usage).toEqual(firstBody.usage);
    expect(sims[0]!.chatCalls).toBe(1);
  });

  it('cache-control: no-cache and no-store bypass the cache', async () => {
    const { url, sims } = await start();
    await post(url, {});
    for (const value of ['no-cache', 'no-store', 'max-age=0, no-store']) {
      const res = await post(url, {}, { 'cache-control': value });
      expect(res.headers.get('x-flexiai-cache')).toBe('bypass');
      await res.arrayBuffer();
    }
    expect(sims[0]!.chatCalls).toBe(4);
    // A bypassed request stores nothing either.
    await post(
      url,
      { messages: [{ role: 'user', content: 'only bypassed' }] },
      { 'cache-control': 'no-store' },
    );
    const after = await post(url, { messages: [{ role: 'user', content: 'only bypassed' }] });
    expect(after.headers.get('x-flexiai-cache')).toBe('miss');
    expect(sims[0]!.chatCalls).toBe(6);
  });

  it('streams: the header goes out at commit; a hit replays the stored answer as SSE', async () => {
    const { url, sims } = await start();
    const live = await post(url, { stream: true });
    expect(live.headers.get('x-flexiai-cache')).toBe('miss');
    const liveText = await sseText(live);
    const replay = await post(url, { stream: true });
    expect(replay.headers.get('x-flexiai-cache')).toBe('hit');
    expect(replay.headers.get('content-type')).toContain('text/event-stream');
    const replayText = await sseText(replay);
    expect(replayText).toEqual(liveText);
    expect(replayText.done).toBe(true);
    // And a plain request is served from the streamed answer.
    const plain = await post(url, {});
    expect(plain.headers.get('x-flexiai-cache')).toBe('hit');
    expect(
      ((await plain.json()) as { choices: { message: { content: string } }[] }).choices[0]!.message
        .content,
    ).toBe(liveText.text);
    expect(sims[0]!.chatCalls).toBe(1);
  });

  it('C11 over HTTP: two gateway keys never share an entry', async () => {
    const { url, sims } = await start({ scope: 'key' });
    const a1 = await post(url, {}, {}, CANARY.gateway);
    const b1 = await post(url, {}, {}, SECOND_KEY);
    const a2 = await post(url, {}, {}, CANARY.gateway);
    const b2 = await post(url, {}, {}, SECOND_KEY);
    expect([a1, b1, a2, b2].map((r) => r.headers.get('x-flexiai-cache'))).toEqual([
      'miss',
      'miss',
      'hit',
      'hit',
    ]);
    expect(sims[0]!.chatCalls).toBe(2);
  });

  it('C10 over HTTP: a failed request is not cached', async () => {
    const { url, sims } = await start();
    for (const sim of sims) sim.enqueue(fault.status(500), fault.status(500), fault.status(500));
    const failed = await post(url, {});
    expect(failed.status).toBeGreaterThanOrEqual(500);
    await failed.arrayBuffer();
    const ok = await post(url, {});
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-flexiai-cache')).toBe('miss');
  });

  it('C9 over HTTP: 100 identical concurrent requests make one upstream call', async () => {
    const { url, sims } = await start();
    sims[0]!.setDefault(fault.slow(300, fault.ok({ content: 'only once' })));
    const responses = await Promise.all(Array.from({ length: 100 }, () => post(url, {})));
    const bodies = (await Promise.all(responses.map((r) => r.json()))) as {
      choices: { message: { content: string } }[];
    }[];
    expect(new Set(bodies.map((b) => b.choices[0]!.message.content))).toEqual(
      new Set(['only once']),
    );
    expect(responses.map((r) => r.headers.get('x-flexiai-cache')).sort()).toEqual([
      ...Array(99).fill('hit'),
      'miss',
    ]);
    expect(sims[0]!.chatCalls).toBe(1);
  });

  it('no header when no cache is configured', async () => {
    const { url } = await start(null);
    const res = await post(url, {});
    expect(res.headers.get('x-flexiai-cache')).toBeNull();
    const bypass = await post(url, {}, { 'cache-control': 'no-cache' });
    expect(bypass.status).toBe(200);
    expect(bypass.headers.get('x-flexiai-cache')).toBeNull();
  });
});
