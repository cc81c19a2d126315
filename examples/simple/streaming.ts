/**
 * Streaming: `stream: true` makes a function or method return an `AsyncIterable<string>` of text.
 * Failover before the first text is invisible: here the primary fails and the backup streams.
 *
 *   npx tsx examples/simple/streaming.ts
 */
import { FlexiAI, prompt, silentLogger } from 'flexiai';
import { createSimulatedProvider, fault } from 'flexiai/testing';

const primary = await createSimulatedProvider({ name: 'primary' });
const backup = await createSimulatedProvider({ name: 'backup' });
const ai = new FlexiAI(
  {
    providers: [
      { name: 'primary', type: 'openai-compatible', baseURL: primary.baseURL, model: 'sim-1' },
      { name: 'backup', type: 'openai-compatible', baseURL: backup.baseURL, model: 'sim-1' },
    ],
  },
  { logger: silentLogger, env: false },
);

primary.enqueue(fault.status(503));
backup.enqueue(fault.ok({ chunks: ['Once ', 'upon ', 'a ', 'time...'] }));
const story = ai.fn({ stream: true }, (topic: string) => `Tell a story about ${topic}`);
const parts: string[] = [];
for await (const text of story('a lighthouse')) parts.push(text);
console.log(`fn stream: ${parts.map((p) => JSON.stringify(p)).join(' ')}`);

class Narrator {
  @ai.chat({ stream: true, system: 'You narrate.' })
  narrate(scene: string): AsyncIterable<string> {
    return prompt(`Narrate: ${scene}`);
  }
}
backup.enqueue(fault.ok({ chunks: ['The ', 'sea ', 'was ', 'calm.'] }));
primary.enqueue(fault.status(503));
let text = '';
for await (const delta of new Narrator().narrate('dawn')) text += delta;
console.log(`decorator stream: ${text}`);

await ai.close();
await primary.close();
await backup.close();
