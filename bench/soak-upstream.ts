/**
 * Child process of the soak: healthy simulated providers that still fail 5% of calls, the way
 * real ones do (500, 503, a reset connection, a malformed body, a stream cut mid-way), answering in
 * 20-60 ms. Sends their base URLs to the parent (IPC).
 */
import { createSimulatedProvider, type Fault, type RecordedRequest } from '../src/testing/index.js';

const count = Number(process.argv[2] ?? '3');
const faultRate = Number(process.argv[3] ?? '0.05');

function reply(request: RecordedRequest): Fault {
  const delayMs = 20 + Math.floor(Math.random() * 40);
  if (Math.random() < faultRate) {
    const pick = Math.random();
    if (request.stream && pick < 0.3) return { kind: 'stream-cut', afterChunks: 2 };
    if (pick < 0.45) return { kind: 'status', status: 500, delayMs };
    if (pick < 0.65) return { kind: 'status', status: 503, delayMs };
    if (pick < 0.85) return { kind: 'reset' };
    return { kind: 'malformed', delayMs };
  }
  return request.stream
    ? { kind: 'ok', content: 'soak '.repeat(16), chunkChars: 10, chunkDelayMs: 5, delayMs }
    : { kind: 'ok', content: 'Hello from the soak upstream.', delayMs };
}

const sims = await Promise.all(
  Array.from({ length: count }, (_, i) =>
    createSimulatedProvider({ name: `soak${i}`, defaultReply: reply }),
  ),
);
// The simulators log every request; over a soak that log would grow without bound.
setInterval(() => {
  for (const sim of sims) sim.requests.length = 0;
}, 1_000).unref();
process.send?.(sims.map((s) => s.baseURL));
process.on('SIGTERM', () => {
  void Promise.all(sims.map((s) => s.close())).then(() => process.exit(0));
});
