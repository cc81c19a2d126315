/**
 * Instance-based decorators: `@ai.chat` binds a method to one client, so two classes (or two
 * methods) can use different clients. Errors name the method and the providers tried.
 *
 *   npx tsx examples/simple/instance-based.ts
 */
import { ChatFunctionError, FlexiAI, silentLogger } from 'flexiai';
import { createSimulatedProvider, fault } from 'flexiai/testing';

const fastSim = await createSimulatedProvider({ name: 'fast' });
const smartSim = await createSimulatedProvider({ name: 'smart' });
const client = (name: string, baseURL: string) =>
  new FlexiAI(
    {
      providers: [{ name, type: 'openai-compatible', baseURL, model: `${name}-model` }],
      retry: { maxAttempts: 1 },
    },
    { logger: silentLogger, env: false },
  );
const fast = client('fast', fastSim.baseURL);
const smart = client('smart', smartSim.baseURL);

class Assistant {
  @fast.chat({ system: 'Answer in one line.' })
  async quick(question: string): Promise<string> {
    return question;
  }

  @smart.chat({ system: 'Think it through.' })
  async deep(question: string): Promise<string> {
    return question;
  }
}
const assistant = new Assistant();
console.log('quick:', await assistant.quick('2 + 2?'));
console.log('deep:', await assistant.deep('Why is the sky blue?'));
console.log(`calls: fast ${fastSim.chatCalls}, smart ${smartSim.chatCalls}`);

smartSim.enqueue(fault.status(500));
try {
  await assistant.deep('And at sunset?');
} catch (error) {
  if (ChatFunctionError.isInstance(error)) {
    console.log(
      `error: ${error.functionName} failed; providers tried: ${error.providers.join(', ')}; reason: ${error.reason}`,
    );
  }
}

await Promise.all([fast.close(), smart.close(), fastSim.close(), smartSim.close()]);
