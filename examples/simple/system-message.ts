/**
 * A system message, set on a function or a decorator, with per-call options that override it.
 *
 *   npx tsx examples/simple/system-message.ts
 */
import { FlexiAI, prompt, silentLogger } from 'flexiai';
import { createSimulatedProvider } from 'flexiai/testing';

const sim = await createSimulatedProvider({ name: 'sim' });
const ai = new FlexiAI(
  { providers: [{ name: 'sim', type: 'openai-compatible', baseURL: sim.baseURL, model: 'sim-1' }] },
  { logger: silentLogger, env: false },
);
const systemOf = () =>
  (sim.requests.at(-1)?.body as { messages: { role: string; content: string }[] }).messages.find(
    (m) => m.role === 'system',
  )?.content;

await ai.ask('Hello', { system: 'You are a pirate.' });
console.log('ask system:', systemOf());

class Tutor {
  @ai.chat({ system: 'You explain things to a ten-year-old.', temperature: 0.3 })
  async explain(topic: string): Promise<string> {
    return `Explain ${topic}`;
  }

  @ai.chat({ system: 'You explain things to a ten-year-old.' })
  async explainTo(topic: string, audience: string): Promise<string> {
    // Options returned with the prompt override the decorator's, for this call only.
    return prompt({ prompt: `Explain ${topic}`, system: `You explain things to ${audience}.` });
  }
}
const tutor = new Tutor();
console.log('answer:', await tutor.explain('rainbows'));
console.log('decorator system:', systemOf());
await tutor.explainTo('rainbows', 'a physicist');
console.log('per-call system:', systemOf());

await ai.close();
await sim.close();
