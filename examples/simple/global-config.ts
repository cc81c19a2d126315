/**
 * Global configuration: `FlexiAI.setGlobalConfig(config, defaults)` once, then the standalone
 * `@chat`, `ask` and `fn` anywhere. Decorator options override the global defaults, and options
 * returned with a prompt override both.
 *
 *   npx tsx examples/simple/global-config.ts
 */
import { FlexiAI, ask, chat, clearGlobalClient, prompt, silentLogger } from 'flexiai';
import { createSimulatedProvider } from 'flexiai/testing';

const sim = await createSimulatedProvider({ name: 'sim' });
const lastRequest = () =>
  sim.requests.at(-1)?.body as {
    temperature?: number;
    messages: { role: string; content: string }[];
  };

// Decorating before the global client exists is fine: it is looked up at each call.
class Writer {
  @chat()
  async title(topic: string): Promise<string> {
    return `A title for: ${topic}`;
  }

  @chat({ system: 'You write haiku.', temperature: 0.9 })
  async haiku(topic: string): Promise<string> {
    return topic;
  }

  @chat({ system: 'You write haiku.' })
  async calmHaiku(topic: string): Promise<string> {
    return prompt({ prompt: topic, temperature: 0 });
  }
}

try {
  await ask('Too early');
} catch (error) {
  console.log(`before setGlobalConfig: ${(error as Error).message.split(':')[0]}`);
}

FlexiAI.setGlobalConfig(
  { providers: [{ name: 'sim', type: 'openai-compatible', baseURL: sim.baseURL, model: 'sim-1' }] },
  { system: 'You are concise.', temperature: 0.2 },
  { logger: silentLogger, env: false },
);

const writer = new Writer();
console.log('ask:', await ask('Hello'));
for (const [label, call] of [
  ['global defaults', () => writer.title('tides')],
  ['decorator options', () => writer.haiku('tides')],
  ['per-call options', () => writer.calmHaiku('tides')],
] as const) {
  await call();
  const body = lastRequest();
  console.log(`${label}: system="${body.messages[0]?.content}" temperature=${body.temperature}`);
}

await clearGlobalClient(); // closes the client setGlobalConfig made
await sim.close();
