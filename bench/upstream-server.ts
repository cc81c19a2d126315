/** Child process: starts N simulated providers and prints their base URLs as JSON. */
import { createSimulatedProvider, type SimWireName } from '../src/testing/index.js';

const count = Number(process.argv[2] ?? 1);
const wire = (process.argv[3] ?? 'openai') as SimWireName;
const sims = await Promise.all(
  Array.from({ length: count }, (_, i) =>
    createSimulatedProvider({
      wire,
      name: `up${i}`,
      defaultReply: { kind: 'ok', content: 'Hello from the simulated upstream.' },
    }),
  ),
);
process.stdout.write(`${JSON.stringify(sims.map((s) => s.baseURL))}\n`);
process.on('SIGTERM', () => {
  void Promise.all(sims.map((s) => s.close())).then(() => process.exit(0));
});
