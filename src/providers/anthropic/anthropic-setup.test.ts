import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../errors/validation-error.js';
import { systemClock } from '../../internal/clock.js';
import { silentLogger } from '../../internal/logger.js';
import { fault } from '../../testing/faults.js';
import { createSimulatedProvider } from '../../testing/simulated-provider.js';
import { AnthropicProvider } from './anthropic-provider.js';
import {
  ANTHROPIC_KEY,
  anthropicCall,
  anthropicConfig,
  anthropicRequest,
  useAnthropicSim,
} from '../../../test/helpers/anthropic-fixture.js';

const KEY = ANTHROPIC_KEY;
const call = anthropicCall;
const request = anthropicRequest;

describe('AnthropicProvider input Anthropic cannot express', () => {
  const fx = useAnthropicSim();

  it.each([
    [
      'tool-call arguments that are not JSON',
      [
        {
          role: 'assistant' as const,
          toolCalls: [
            { id: 't', type: 'function' as const, function: { name: 'f', arguments: '{"a":' } },
          ],
        },
      ],
      'messages.0.toolCalls.0.function.arguments',
    ],
    [
      'tool-call arguments that are JSON but not an object',
      [
        {
          role: 'assistant' as const,
          toolCalls: [
            { id: 't', type: 'function' as const, function: { name: 'f', arguments: '[1]' } },
          ],
        },
      ],
      'messages.0.toolCalls.0.function.arguments',
    ],
    ['only system messages', [{ role: 'system' as const, content: 'x' }], 'messages'],
    [
      'an SVG data: URL',
      [
        {
          role: 'user' as const,
          content: [{ type: 'image' as const, url: 'data:image/svg+xml;base64,PHN2Zz4=' }],
        },
      ],
      'messages.0.content.0.url',
    ],
  ])('refuses %s with a ValidationError before any call', async (_what, messages, path) => {
    const error = await fx
      .provider()
      .chat(request({ messages }), call)
      .catch((e: unknown) => e);
    expect(ValidationError.isInstance(error)).toBe(true);
    expect((error as ValidationError).path).toBe(path);
    expect(fx.sim().requests).toHaveLength(0);
  });
});

describe('AnthropicProvider setup and health', () => {
  it('checks health with an authenticated GET /v1/models, cached', async () => {
    const sim = await createSimulatedProvider({ apiKey: KEY, wire: 'anthropic' });
    const provider = new AnthropicProvider(anthropicConfig({ baseURL: sim.baseURL }), {
      clock: systemClock,
      logger: silentLogger,
    });
    const first = await provider.healthCheck({ force: true });
    const second = await provider.healthCheck();
    expect(first.ok).toBe(true);
    expect(second).toBe(first);
    expect(sim.requests).toHaveLength(1);
    expect(sim.requests[0]).toMatchObject({ method: 'GET', url: '/v1/models?limit=1' });
    expect(sim.requests[0]?.headers['x-api-key']).toBe(KEY);
    expect(sim.chatCalls).toBe(0);

    const wrong = new AnthropicProvider(
      anthropicConfig({ baseURL: sim.baseURL, apiKey: 'sk-ant-wrong.key-0123456789' }),
      { clock: systemClock, logger: silentLogger },
    );
    const failed = await wrong.healthCheck();
    expect(failed.ok).toBe(false);
    expect(failed.error?.name).toBe('AuthenticationError');
    await Promise.all([provider.close(), wrong.close()]);
    await sim.close();
  });
});

describe('AnthropicProvider base URL', () => {
  it('posts to {baseURL}/v1/messages, trailing slash or not', async () => {
    const sim = await createSimulatedProvider({ apiKey: KEY, wire: 'anthropic' });
    const provider = new AnthropicProvider(anthropicConfig({ baseURL: `${sim.url}/` }), {
      clock: systemClock,
      logger: silentLogger,
    });
    sim.enqueue(fault.ok({ content: 'pong' }));
    expect((await provider.chat(request(), call)).content).toBe('pong');
    expect(sim.requests[0]?.path).toBe('/v1/messages');
    await provider.close();
    await sim.close();
  });
});
