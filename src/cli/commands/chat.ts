import { parseArgs } from 'node:util';
import { FlexiAI } from '../../client/flexiai.js';
import { FlexiAIError } from '../../errors/flexiai-error.js';
import { createLogger } from '../../internal/logger.js';
import type { Attempt } from '../../types/attempt.js';
import type { ChatMessage } from '../../types/message.js';
import { processIO, type CliIO } from '../cli-io.js';
import { describeSource, discoverConfig } from '../discover-config.js';
import { style } from '../style.js';
import { EXIT, UsageError } from '../usage-error.js';

export const chatHelp = `Usage: flexiai chat "prompt" [--model M] [--stream] [--system TEXT] [--config FILE] [--json]

Sends one chat request through FlexiAI (failover, circuit breakers, retries) and prints the answer.

  --model M       route name, provider name, provider/model or model id (default: every provider by priority)
  --stream        print tokens as they arrive
  --system TEXT   a system message
  --config FILE   configuration file (default: discovered; see flexiai serve --help)
  --json          print the whole unified response as JSON
  -h, --help      this text

Exit codes: 0 answered, 1 the request failed, 2 usage or configuration error.`;

const path = (attempts: readonly Attempt[]): string =>
  attempts
    .map(
      (a) => `${a.provider}:${a.ok ? 'ok' : (a.skipped ?? a.status ?? a.error?.name ?? 'failed')}`,
    )
    .join(' -> ');

export async function runChat(argv: string[], io: CliIO = processIO()): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      model: { type: 'string' },
      stream: { type: 'boolean' },
      system: { type: 'string' },
      config: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: true,
  });
  if (values.help) {
    io.stdout.write(`${chatHelp}\n`);
    return EXIT.ok;
  }
  const prompt = positionals.join(' ').trim();
  if (!prompt) throw new UsageError('a prompt is required: flexiai chat "your question"');

  const discovered = await discoverConfig({ configPath: values.config, cwd: io.cwd, env: io.env });
  io.stderr.write(`${style.dim(describeSource(discovered.source))}\n`);
  const logger = createLogger({ level: 'warn', destination: io.stderr });
  const client = await FlexiAI.create(discovered.config, { logger, env: false });
  const messages: ChatMessage[] = [
    ...(values.system ? [{ role: 'system' as const, content: values.system }] : []),
    { role: 'user', content: prompt },
  ];
  const request = { messages, ...(values.model ? { model: values.model } : {}) };
  try {
    if (values.stream && !values.json) {
      const stream = client.chatCompletionStream(request);
      for await (const chunk of stream) {
        if (chunk.type === 'text-delta') io.stdout.write(chunk.delta);
      }
      const final = await stream.finalResponse();
      io.stdout.write('\n');
      for (const call of final.toolCalls ?? [])
        io.stdout.write(`tool call: ${call.function.name}(${call.function.arguments})\n`);
      io.stderr.write(
        style.dim(
          `served by ${final.provider} (${final.model}) in ${Math.round(final.latencyMs)} ms [${path(final.attempts)}]\n`,
        ),
      );
    } else {
      const response = values.stream
        ? await client.chatCompletionStream(request).finalResponse()
        : await client.chatCompletion(request);
      if (values.json) {
        io.stdout.write(`${JSON.stringify(response, null, 2)}\n`);
      } else {
        io.stdout.write(`${response.content ?? ''}\n`);
        for (const call of response.toolCalls ?? [])
          io.stdout.write(`tool call: ${call.function.name}(${call.function.arguments})\n`);
        io.stderr.write(
          style.dim(
            `served by ${response.provider} (${response.model}) in ${Math.round(response.latencyMs)} ms [${path(response.attempts)}]\n`,
          ),
        );
      }
    }
    return EXIT.ok;
  } catch (error) {
    if (!FlexiAIError.isInstance(error)) throw error;
    if (
      error.code === 'validation_error' ||
      error.code === 'model_not_found' ||
      error.code === 'configuration_error'
    ) {
      io.stderr.write(`${style.red('error:')} ${error.message}\n`);
      return EXIT.usage;
    }
    io.stderr.write(`\n${style.red('request failed:')} ${error.message}\n`);
    return EXIT.requestFailed;
  } finally {
    await client.close();
    await discovered.fleet?.close();
  }
}
