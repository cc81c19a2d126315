/**
 * A user middleware and an event listener, on simulated providers (no keys needed):
 *   npx tsx examples/middleware.ts
 * `redactEmails` rewrites prompts before routing; `budgetGuard` refuses requests over a token
 * allowance before any provider is called; an `attempt` listener prints every upstream call.
 */
import { FlexiAI, FlexiAIError, silentLogger, type ChatMiddleware } from 'flexiai';
import { createSimulatedProvider, fault } from 'flexiai/testing';

const redactEmails: ChatMiddleware = {
  name: 'redact-emails',
  transformRequest: (request) => ({
    ...request,
    messages: request.messages.map((m) =>
      typeof m.content === 'string'
        ? { ...m, content: m.content.replace(/[\w.+-]+@[\w-]+\.[\w.]+/g, '[email]') }
        : m,
    ),
  }),
};

class TokenAllowanceError extends FlexiAIError {
  constructor() {
    super('invalid_request', 'Token allowance used up');
  }
}

function budgetGuard(allowance: number): ChatMiddleware {
  let used = 0;
  return {
    name: 'budget-guard',
    async wrapChat({ next, request }) {
      if (used >= allowance) throw new TokenAllowanceError();
      const response = await next(request);
      used += response.usage.totalTokens;
      return response;
    },
  };
}

const primary = await createSimulatedProvider({ name: 'primary' });
const backup = await createSimulatedProvider({ name: 'backup' });
const ai = new FlexiAI(
  {
    providers: [
      { name: 'primary', type: 'openai-compatible', baseURL: primary.baseURL, model: 'sim-1' },
      { name: 'backup', type: 'openai-compatible', baseURL: backup.baseURL, model: 'sim-2' },
    ],
  },
  { logger: silentLogger },
).use(redactEmails, budgetGuard(60));

ai.on('attempt', (e) =>
  console.log(`  attempt: ${e.provider} ${e.outcome}${e.status ? ` (${e.status})` : ''}`),
);

primary.enqueue(fault.status(503));
const res = await ai.chatCompletion({
  messages: [{ role: 'user', content: 'Write to jane.doe@example.com' }],
});
console.log(`answer from ${res.provider}: ${res.content}`);

try {
  for (;;) await ai.chatCompletion({ messages: [{ role: 'user', content: 'more' }] });
} catch (error) {
  console.log(`refused: ${(error as Error).message}`);
}

await ai.close();
await Promise.all([primary.close(), backup.close()]);
