import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fault } from '../src/testing/faults.js';
import {
  createSimulatedProvider,
  type SimulatedProvider,
} from '../src/testing/simulated-provider.js';
import { startServe } from './helpers/run-cli.js';

const streamBody = (content: string) =>
  JSON.stringify({ stream: true, messages: [{ role: 'user', content }] });

/** Reads an SSE body until it ends (or is cut), returning the text received. */
async function readAll(response: Response): Promise<string> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return text;
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    return text; // a cut connection: what arrived is the evidence
  }
}

describe('W3: shutdown ends promptly and honestly (real `flexiai serve` processes)', () => {
  let dir: string;
  let sim: SimulatedProvider;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'flexiai-shutdown-'));
    sim = await createSimulatedProvider({ name: 'upstream' });
  });
  afterAll(() => sim.close());

  const config = async (name: string, shutdownTimeoutMs: number) => {
    const path = join(dir, name);
    await writeFile(
      path,
      `providers:\n  - name: up\n    type: openai-compatible\n    baseURL: ${sim.baseURL}\n    model: m\nserver:\n  port: 0\n  shutdownTimeoutMs: ${shutdownTimeoutMs}\nlogging:\n  level: error\n`,
    );
    return path;
  };

  it('exits as soon as nothing is in flight, with keep-alive connections open (not at the deadline)', async () => {
    sim.setDefault(fault.ok());
    // A deadline far beyond the test's patience: exiting at it would fail the test.
    const serve = await startServe(['--config', await config('prompt.yaml', 120_000)]);
    const post = (body: string) =>
      fetch(`${serve.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
    // Finished streams and plain calls leave idle keep-alive connections behind.
    for (let i = 0; i < 4; i += 1) {
      const res = await post(streamBody(`s${i}`));
      expect(await readAll(res)).toContain('[DONE]');
    }
    expect(
      (await post(JSON.stringify({ messages: [{ role: 'user', content: 'x' }] }))).status,
    ).toBe(200);
    // One busy request (700 ms upstream) still in flight when SIGTERM arrives: it completes.
    sim.setDefault(fault.slow(700, fault.ok()));
    const busy = post(JSON.stringify({ messages: [{ role: 'user', content: 'busy' }] }));
    await expect.poll(() => sim.chatCalls, { timeout: 10_000 }).toBe(6);
    const stopped = serve.stop('SIGTERM');
    const res = await busy;
    expect(res.status).toBe(200);
    expect(res.headers.get('connection')).toBe('close');
    expect(await stopped).toBe(0);
    sim.reset();
  }, 60_000);

  it.each([
    ['one process', [] as string[]],
    ['--workers 2', ['--workers', '2']],
  ])(
    'at the deadline a running stream ends with an SSE error event, not a silent cut (%s)',
    async (_label, extra) => {
      // A stream that would take 60 s: 120 chunks, 500 ms apart. The drain deadline (300 ms) ends
      // it long before: only where the deadline falls against the stream matters, not its length.
      sim.setDefault(fault.ok({ content: 'x'.repeat(480), chunkChars: 4, chunkDelayMs: 500 }));
      const serve = await startServe(['--config', await config('deadline.yaml', 300), ...extra]);
      const res = await fetch(`${serve.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: streamBody('long'),
      });
      expect(res.status).toBe(200);
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      let text = '';
      while (!text.includes('"content":"x')) {
        const { value } = await reader.read();
        text += decoder.decode(value, { stream: true });
      }
      const stopped = serve.stop('SIGTERM');
      for (;;) {
        const next = await reader.read().catch(() => ({ done: true, value: undefined }));
        if (next.done) break;
        text += decoder.decode(next.value, { stream: true });
      }
      const events = text
        .split('\n\n')
        .filter((e) => e.startsWith('data: '))
        .map((e) => e.slice(6));
      expect(events).not.toContain('[DONE]');
      const last = JSON.parse(events[events.length - 1] as string) as {
        error?: { code: string; type: string; message: string; param: null };
      };
      expect(last.error).toEqual({
        message: 'The gateway is shutting down',
        type: 'stream_interrupted',
        code: 'shutting_down',
        param: null,
      });
      expect(await stopped).toBe(0);
      sim.reset();
    },
    60_000,
  );
});
