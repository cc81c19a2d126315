import { createReadStream } from 'node:fs';
import { appendFile, open, readFile, truncate } from 'node:fs/promises';
import { setMaxListeners } from 'node:events';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { runEach } from '../../client/batch.js';
import { FlexiAI } from '../../client/flexiai.js';
import { AbortedError } from '../../errors/aborted-error.js';
import { ValidationError } from '../../errors/validation-error.js';
import { convertFromOpenAIRequest } from '../../gateway/convert-from-openai-request.js';
import { toOpenAICompletion } from '../../gateway/convert-to-openai-response.js';
import { openAIChatRequestSchema } from '../../gateway/openai-chat-request-schema.js';
import {
  convertFromOpenAIEmbeddingRequest,
  parseEmbeddingBody,
  toOpenAIEmbeddingResponse,
} from '../../gateway/routes/embeddings.js';
import { createLogger } from '../../internal/logger.js';
import { toPathIssues } from '../../internal/zod-issues.js';
import {
  errorOutputLine,
  invalidOutputLine,
  okOutputLine,
  parseInputLine,
  type BatchInputLine,
} from '../batch-lines.js';
import { processIO, type CliIO } from '../cli-io.js';
import { describeSource, discoverConfig } from '../discover-config.js';
import { style } from '../style.js';
import { EXIT, UsageError } from '../usage-error.js';

export const batchHelp = `Usage: flexiai batch IN.jsonl [-o OUT.jsonl] [--concurrency N] [--config FILE]

Runs an OpenAI Batch API input file (one {"custom_id","method":"POST","url","body"} per line, url
/v1/chat/completions or /v1/embeddings) through FlexiAI and writes the Batch API output format
({"id","custom_id","response":{"status_code","request_id","body"},"error"}), one line per input
line, in completion order.

  -o, --output FILE   output file (default: IN with .output.jsonl); lines are appended
  --concurrency N     requests in flight at once (default 16)
  --config FILE       configuration file (default: discovered; see flexiai serve --help)
  -h, --help          this text

Resuming: custom_ids already in the output file are skipped, so an interrupted run (Ctrl-C) is
finished by running the same command again. Invalid lines are reported with their line number and
written as errors. Progress goes to stderr: a live line on a terminal, a plain line every few
seconds otherwise.

Exit codes: 0 every line answered, 1 some line failed (summary on stderr), 2 usage or
configuration error, 130 interrupted.`;

interface Runnable {
  lineNumber: number;
  line: BatchInputLine;
}

const defaultOutput = (input: string): string => `${input.replace(/\.jsonl?$/i, '')}.output.jsonl`;

/** custom_ids already written; a torn last line (a kill mid-write) is cut off first. */
async function readDone(path: string): Promise<Set<string>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Set();
    throw error;
  }
  if (text.length && !text.endsWith('\n')) {
    const keep = text.lastIndexOf('\n') + 1;
    await truncate(path, Buffer.byteLength(text.slice(0, keep)));
    text = text.slice(0, keep);
  }
  const done = new Set<string>();
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const id = (JSON.parse(line) as { custom_id?: unknown }).custom_id;
      if (typeof id === 'string') done.add(id);
    } catch {
      // A foreign line: ignored.
    }
  }
  return done;
}

const formatEta = (seconds: number): string =>
  !Number.isFinite(seconds)
    ? '?'
    : seconds >= 3600
      ? `${Math.floor(seconds / 3600)}h${Math.round((seconds % 3600) / 60)}m`
      : seconds >= 60
        ? `${Math.floor(seconds / 60)}m${Math.round(seconds % 60)}s`
        : `${Math.round(seconds)}s`;

export async function runBatchCommand(argv: string[], io: CliIO = processIO()): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      output: { type: 'string', short: 'o' },
      concurrency: { type: 'string' },
      config: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: true,
  });
  if (values.help) {
    io.stdout.write(`${batchHelp}\n`);
    return EXIT.ok;
  }
  const [input, ...extra] = positionals;
  if (!input || extra.length)
    throw new UsageError('exactly one input file is required: flexiai batch IN.jsonl');
  const concurrency = values.concurrency === undefined ? 16 : Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 10_000) {
    throw new UsageError('--concurrency must be an integer from 1 to 10000');
  }
  const output = values.output ?? defaultOutput(input);
  const inputPath = resolve(io.cwd, input);
  const outputPath = resolve(io.cwd, output);
  // Fail on an unreadable input before anything else, naming it (no stack: it is the caller's input).
  try {
    await (await open(inputPath, 'r')).close();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new UsageError(`cannot read the input file ${input} (${code})`);
  }

  const done = await readDone(outputPath);
  const discovered = await discoverConfig({ configPath: values.config, cwd: io.cwd, env: io.env });
  io.stderr.write(`${style.dim(describeSource(discovered.source))}\n`);
  const logger = createLogger({ level: 'error', destination: io.stderr });
  const client = await FlexiAI.create(discovered.config, { logger, env: false });

  // Serialised appends: one whole line per write, never interleaved.
  let writes = Promise.resolve();
  const write = (line: string): Promise<void> => {
    writes = writes.then(() => appendFile(outputPath, `${line}\n`));
    return writes;
  };

  const runnable: Runnable[] = [];
  const seen = new Set<string>();
  let invalid = 0;
  let skipped = 0;
  let lineNumber = 0;
  const reader = createInterface({ input: createReadStream(inputPath), crlfDelay: Infinity });
  for await (const text of reader) {
    lineNumber += 1;
    if (!text.trim()) continue;
    const parsed = parseInputLine(text);
    const customId = parsed.ok ? parsed.line.custom_id : (parsed.customId ?? `line-${lineNumber}`);
    if (done.has(customId)) {
      skipped += 1;
      seen.add(customId);
      continue;
    }
    if (seen.has(customId)) {
      invalid += 1;
      io.stderr.write(`line ${lineNumber}: duplicate custom_id "${customId}"\n`);
      // Written under a derived id, so the first line with this id keeps its own.
      await write(
        invalidOutputLine(
          `${customId}#line-${lineNumber}`,
          lineNumber,
          `duplicate custom_id "${customId}"`,
        ),
      );
      continue;
    }
    seen.add(customId);
    if (!parsed.ok) {
      invalid += 1;
      io.stderr.write(`line ${lineNumber}: ${parsed.message}\n`);
      await write(invalidOutputLine(customId, lineNumber, parsed.message));
      continue;
    }
    runnable.push({ lineNumber, line: parsed.line });
  }

  const controller = new AbortController();
  // Every line in flight listens to it.
  setMaxListeners(0, controller.signal);
  const onSigint = (): void => {
    if (controller.signal.aborted) return;
    io.stderr.write('\ninterrupted: finishing the lines in flight; run again to resume\n');
    controller.abort();
  };
  io.signals.on('SIGINT', onSigint);
  io.signals.on('SIGTERM', onSigint);

  const tty = io.stderr.isTTY === true;
  const started = performance.now();
  let failed = 0;
  let succeeded = 0;
  let costUsd = 0;
  const total = runnable.length;
  const progressLine = (settled: number): string => {
    const seconds = (performance.now() - started) / 1000;
    const rate = settled / Math.max(seconds, 0.001);
    const eta = formatEta((total - settled) / rate);
    const cost = costUsd > 0 ? `, $${costUsd.toFixed(4)}` : '';
    return `${settled}/${total} lines, ${rate.toFixed(1)}/s, ETA ${eta}, ${failed} failed${cost}`;
  };
  if (skipped) io.stderr.write(`resuming: ${skipped} lines already in ${output}\n`);
  let settledCount = 0;
  // Plain progress lines off a terminal. The interval also keeps the process alive while every
  // line in flight waits on a backoff or cooldown (those timers are unref'd).
  const ticker = setInterval(() => {
    if (!tty) io.stderr.write(`${progressLine(settledCount)}\n`);
  }, 5_000);

  const results = await runEach(
    total,
    async (index, signal) => {
      const { line } = runnable[index] as Runnable;
      const correlationId = `batch-${line.custom_id}`.slice(0, 128);
      if (line.url === '/v1/embeddings') {
        const body = parseEmbeddingBody(line.body);
        const response = await client.embed({
          ...convertFromOpenAIEmbeddingRequest(body),
          correlationId,
          ...(signal ? { signal } : {}),
        });
        return { response, body: toOpenAIEmbeddingResponse(response, body.encoding_format) };
      }
      const parsed = openAIChatRequestSchema.safeParse(line.body);
      if (!parsed.success) throw new ValidationError(toPathIssues(parsed.error));
      if (parsed.data.stream) {
        throw new ValidationError([{ path: 'stream', message: 'is not supported in a batch' }]);
      }
      const response = await client.chatCompletion({
        ...convertFromOpenAIRequest(parsed.data),
        correlationId,
        ...(signal ? { signal } : {}),
      });
      return { response, body: toOpenAICompletion(response), costUsd: response.costUsd };
    },
    {
      concurrency,
      signal: controller.signal,
      onProgress: (progress, settled) => {
        if (settled) {
          const item = runnable[settled.index] as Runnable;
          const { result } = settled;
          const id = item.line.custom_id;
          if (result.ok) {
            const value = result.response as { response: { correlationId: string }; body: unknown };
            succeeded += 1;
            costUsd = progress.costUsd;
            void write(okOutputLine(id, value.response.correlationId, value.body));
          } else if (!AbortedError.isInstance(result.error) || !controller.signal.aborted) {
            // An interrupted line is not written: the next run does it again.
            failed += 1;
            void write(errorOutputLine(id, `batch-${id}`.slice(0, 128), result.error));
          }
        }
        settledCount = progress.done;
        if (tty) io.stderr.write(`\r\x1b[K${progressLine(progress.done)}`);
      },
    },
  ).finally(() => clearInterval(ticker));
  await writes;
  io.signals.off('SIGINT', onSigint);
  io.signals.off('SIGTERM', onSigint);
  await client.close();
  if (tty) io.stderr.write('\n');

  const interrupted = controller.signal.aborted;
  const notRun = interrupted
    ? results.filter((r) => !r.ok && AbortedError.isInstance(r.error)).length
    : 0;
  const summary = `${succeeded} answered, ${failed} failed, ${invalid} invalid${skipped ? `, ${skipped} already done` : ''}${notRun ? `, ${notRun} left for the next run` : ''} -> ${output}`;
  if (interrupted) {
    io.stderr.write(`${style.yellow('interrupted:')} ${summary}\n`);
    return 130;
  }
  if (failed || invalid) {
    io.stderr.write(`${style.red('some lines failed:')} ${summary}\n`);
    return EXIT.requestFailed;
  }
  io.stderr.write(`${style.green('done:')} ${summary}\n`);
  return EXIT.ok;
}
