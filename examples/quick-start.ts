/**
 * Runs FlexiAI against two simulated OpenAI-wire providers with no account or key needed:
 * the primary fails, the circuit opens, requests fail over to the secondary, and the primary
 * recovers through a half-open probe.
 *
 *   npm start
 */
import { FlexiAI, silentLogger } from 'flexiai';
import { createSimulatedProvider, fault } from 'flexiai/testing';

const primary = await createSimulatedProvider({ name: 'primary' });
const secondary = await createSimulatedProvider({ name: 'secondary' });

const ai = new FlexiAI(
  {
    providers: [
      { name: 'primary', type: 'openai-compatible', baseURL: primary.baseURL, model: 'sim-large' },
      {
        name: 'secondary',
        type: 'openai-compatible',
        baseURL: secondary.baseURL,
        model: 'sim-small',
      },
    ],
    circuitBreaker: { failureThreshold: 3, recoveryTimeoutMs: 1_000 },
  },
  { logger: silentLogger, env: false },
);
ai.onCircuitStateChange((e) => {
  if (e.from !== e.to) console.log(`   circuit ${e.provider}: ${e.from} -> ${e.to} (${e.reason})`);
});

async function ask(prompt: string): Promise<void> {
  const res = await ai.chatCompletion({ messages: [{ role: 'user', content: prompt }] });
  const path = res.attempts
    .map((a) => `${a.provider}:${a.ok ? 'ok' : (a.skipped ?? a.status ?? 'failed')}`)
    .join(' -> ');
  console.log(`${prompt.padEnd(12)} served by ${res.provider.padEnd(9)} [${path}] ${res.content}`);
}

console.log('1. Both providers healthy');
await ask('request 1');

console.log('2. The primary starts failing with HTTP 500');
primary.setDefault(fault.status(500));
for (let i = 2; i <= 6; i += 1) await ask(`request ${i}`);

console.log('3. The primary recovers; after recoveryTimeoutMs one probe closes the circuit');
primary.reset();
await new Promise((resolve) => setTimeout(resolve, 1_100));
for (let i = 7; i <= 8; i += 1) await ask(`request ${i}`);

console.log('\nProvider status:');
console.table(
  ai
    .getProviderStatus()
    .map((s) => ({ name: s.name, state: s.state, healthy: s.healthy, failures: s.failures })),
);
await ai.close();
await primary.close();
await secondary.close();
