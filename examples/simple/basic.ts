/**
 * The simple API, basic: `ai.ask` for one question, `ai.fn` to turn a function into a model call,
 * and `@ai.chat` on a class method. Runs on a simulated provider that echoes the prompt.
 *
 *   npx tsx examples/simple/basic.ts
 */
import { FlexiAI, silentLogger } from 'flexiai';
import { createSimulatedProvider } from 'flexiai/testing';

const sim = await createSimulatedProvider({ name: 'sim' });
const ai = new FlexiAI(
  { providers: [{ name: 'sim', type: 'openai-compatible', baseURL: sim.baseURL, model: 'sim-1' }] },
  { logger: silentLogger, env: false },
);

// 1. One question, the answer's text.
console.log('ask:', await ai.ask('What is the capital of France?'));

// 2. A function: its arguments become the prompt; calling it calls the model.
const translate = ai.fn(
  { name: 'translate' },
  (text: string, language: string) => `Translate into ${language}: ${text}`,
);
console.log('fn:', await translate('good morning', 'Italian'));

// 3. A decorated method: its body returns the prompt; callers get the answer (Promise<string>).
class Reviewer {
  @ai.chat()
  async review(code: string): Promise<string> {
    return `Review this code: ${code}`;
  }
}
console.log('decorator:', await new Reviewer().review('let x = 1'));

await ai.close();
await sim.close();
