import { parseArgs } from 'node:util';
import { FlexiAI } from '../../client/flexiai.js';
import { FlexiAIError } from '../../errors/flexiai-error.js';
import { createLogger, silentLogger } from '../../internal/logger.js';
import { fault } from '../../testing/faults.js';
import type { Attempt } from '../../types/attempt.js';
import { processIO, type CliIO } from '../cli-io.js';
import { startSimulatedFleet } from '../simulated-fleet.js';
import { formatTable, style, until } from '../style.js';
import { startGateway, type RunningGateway } from '../../gateway/start-gateway.js';
import { EXIT, UsageError } from '../usage-error.js';

export const demoHelp = `Usage: flexiai demo [--recovery-ms N] [--port N] [--hold]

Starts three simulated providers (OpenAI, Anthropic and Gemini wire formats) and walks through a
scripted outage, live: requests failing over, a circuit opening, a rate limit honoured, a stream
served while the primary is down, and the primary recovering through a half-open probe.
No account or key needed. The gateway's live dashboard is served while it runs (its URL is
printed first), so the outage can be watched there too.

  --recovery-ms N   how long the open circuit waits before probing (default 3000)
  --port N          port of the dashboard's gateway on 127.0.0.1 (default: a free one)
  --hold            keep the dashboard up after the walkthrough, until Ctrl-C
  -h, --help        this text`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const clock = () => new Date().toISOString().slice(11, 23);

function describePath(attempts: readonly Attempt[]): string {
  return attempts
    .map((a) => {
      if (a.ok) return style.green(`${a.provider}:ok`);
      if (a.skipped) return style.yellow(`${a.provider}:${a.skipped}`);
      return style.red(`${a.provider}:${a.status ?? a.error?.name ?? 'failed'}`);
    })
    .join(style.dim(' -> '));
}

/**
 * The demo's pauses, paced for a person watching. A test seam: tests shorten them to run the
 * same walkthrough in less time (the command line always uses {@link demoPacing}).
 */
export interface DemoPacing {
  /** With --hold, the pause before the walkthrough (time to open the dashboard). */
  holdStartMs: number;
  /** sim-claude's Retry-After in phase 3, in seconds; phase 4 waits that long for it. */
  rateLimitSeconds: number;
}

export const demoPacing: DemoPacing = { holdStartMs: 1_500, rateLimitSeconds: 2 };

export async function runDemo(
  argv: string[],
  io: CliIO = processIO(),
  pacing: DemoPacing = demoPacing,
): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'recovery-ms': { type: 'string' },
      port: { type: 'string' },
      hold: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    io.stdout.write(`${demoHelp}\n`);
    return EXIT.ok;
  }
  const recoveryMs = Number(values['recovery-ms'] ?? 3000);
  const port = Number(values.port ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new UsageError('--port must be an integer from 0 to 65535');
  const fleet = await startSimulatedFleet();
  const [openai, claude] = fleet.sims;
  const ai = new FlexiAI(
    {
      ...fleet.config,
      circuitBreaker: { failureThreshold: 3, recoveryTimeoutMs: recoveryMs, halfOpenMaxCalls: 1 },
      retry: { maxAttempts: 2, initialDelayMs: 20, maxDelayMs: 200 },
    },
    { logger: silentLogger, env: false },
  );
  const out = (line: string) => io.stdout.write(`${line}\n`);
  let gateway: RunningGateway | undefined;
  try {
    gateway = await startGateway({
      client: ai,
      logger: createLogger({ level: 'silent' }),
      host: '127.0.0.1',
      port,
    });
  } catch (error) {
    await ai.close();
    await fleet.close();
    throw error;
  }
  ai.onCircuitStateChange((e) => {
    if (e.from === e.to) {
      if (e.reason === 'cooldown')
        out(
          `${style.dim(clock())}   ${style.yellow('~')} ${e.provider} cooling down until ${new Date(e.snapshot.cooldownUntil ?? 0).toISOString().slice(11, 19)}`,
        );
      return;
    }
    const color = e.to === 'open' ? style.red : e.to === 'closed' ? style.green : style.yellow;
    out(
      `${style.dim(clock())}   ${color('●')} circuit ${style.bold(e.provider)}: ${e.from} -> ${color(e.to)} (${e.reason})`,
    );
  });
  let n = 0;
  const ask = async (prompt: string) => {
    n += 1;
    try {
      const res = await ai.chatCompletion({ messages: [{ role: 'user', content: prompt }] });
      out(
        `${style.dim(clock())} #${String(n).padStart(2)} ${style.bold(res.provider.padEnd(10))} ${String(Math.round(res.latencyMs)).padStart(4)} ms  ${describePath(res.attempts)}`,
      );
    } catch (error) {
      out(
        `${style.dim(clock())} #${String(n).padStart(2)} ${style.red('failed')} ${FlexiAIError.isInstance(error) ? error.message.split('\n')[0] : String(error)}`,
      );
    }
  };
  const phase = (title: string) => out(`\n${style.cyan(style.bold(title))}`);

  try {
    out(
      style.bold(
        'FlexiAI demo — three simulated providers, priority: sim-openai > sim-claude > sim-gemini',
      ),
    );
    out(
      `Live dashboard: ${style.bold(`${gateway.url}/dashboard`)}   (Prometheus metrics: ${gateway.url}/metrics)`,
    );
    if (!values.hold) out(style.dim('(it closes with the demo; add --hold to keep it up)'));
    if (values.hold) await sleep(pacing.holdStartMs);
    phase('1. All providers healthy');
    for (let i = 0; i < 3; i += 1) await ask(`hello ${i}`);

    phase(
      '2. sim-openai starts failing with HTTP 503: requests fail over; after 3 failures its circuit opens',
    );
    openai?.setDefault(fault.status(503));
    for (let i = 0; i < 6; i += 1) await ask(`outage ${i}`);

    phase(
      `3. sim-claude rate-limits (429, Retry-After: ${pacing.rateLimitSeconds}): it cools down; sim-gemini serves`,
    );
    claude?.enqueue(fault.rateLimited(pacing.rateLimitSeconds));
    for (let i = 0; i < 3; i += 1) await ask(`busy ${i}`);

    phase('4. A streamed answer while sim-openai is open (tokens as they arrive)');
    claude?.enqueue(
      fault.ok({
        content: 'Streaming works while the primary is down: no splice, no surprise.',
        chunkChars: 6,
        chunkDelayMs: 40,
      }),
    );
    await sleep(pacing.rateLimitSeconds * 1000);
    const stream = ai.chatCompletionStream({
      messages: [{ role: 'user', content: 'stream please' }],
    });
    io.stdout.write(`${style.dim(clock())}     `);
    for await (const chunk of stream) if (chunk.type === 'text-delta') io.stdout.write(chunk.delta);
    const final = await stream.finalResponse();
    out(
      `\n${style.dim(clock())}     streamed by ${style.bold(final.provider)}  ${describePath(final.attempts)}`,
    );

    phase(
      `5. sim-openai recovers; after ${recoveryMs} ms one probe is let through and closes the circuit`,
    );
    openai?.reset();
    const openUntil = ai.getProviderStatus()[0]?.openUntil ?? Date.now();
    await sleep(Math.max(0, openUntil - Date.now()) + 50);
    for (let i = 0; i < 3; i += 1) await ask(`recovered ${i}`);

    phase('Provider status');
    out(
      formatTable(
        ai.getProviderStatus().map((p) => ({
          provider: p.name,
          circuit: p.state,
          failures: String(p.failures),
          'open for': until(p.openUntil),
          'cooling for': until(p.cooldownUntil),
          calls: String(ai.getRequestStats().providers[p.name]?.calls ?? 0),
        })),
      ),
    );
    if (values.hold) {
      out(`\nThe dashboard stays up at ${gateway.url}/dashboard. Ctrl-C to exit.`);
      await new Promise<void>((resolve) => {
        io.signals.once('SIGINT', resolve);
        io.signals.once('SIGTERM', resolve);
      });
    }
    return EXIT.ok;
  } finally {
    await gateway.close();
    await ai.close();
    await fleet.close();
  }
}
