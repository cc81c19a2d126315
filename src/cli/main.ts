import { reportError } from './report-error.js';
import { processIO, type CliIO } from './cli-io.js';
import { EXIT, UsageError } from './usage-error.js';
import { packageVersion } from './version.js';

const help = `Usage: flexiai <command> [options]

Commands:
  serve     start the OpenAI-compatible gateway
  chat      send one prompt and print the answer
  batch     run an OpenAI Batch API file (chat completions, embeddings) with failover
  status    show a running gateway's providers and circuits
  cost      report spend from the cost ledger (by provider, model, route, key, day)
  demo      watch failover, circuit breaking and recovery on simulated providers

Run "flexiai <command> --help" for a command's options. Every command takes --config FILE
(default: flexiai.config.{yaml,yml,json} here, else provider keys from the environment, else
simulated providers).

Options: -h, --help (this text), -v, --version (the installed version)

Exit codes: 0 success, 1 the request failed, 2 usage or configuration error.`;

type Command = (argv: string[], io: CliIO) => Promise<number>;

/**
 * Each command's module, loaded only when that command runs: `flexiai --help` or `flexiai chat`
 * never loads the gateway, and `flexiai serve` never loads the batch runner.
 */
const commands: Record<string, () => Promise<Command>> = {
  serve: async () => (await import('./commands/serve.js')).runServe,
  chat: async () => (await import('./commands/chat.js')).runChat,
  batch: async () => (await import('./commands/batch.js')).runBatchCommand,
  status: async () => (await import('./commands/status.js')).runStatus,
  cost: async () => (await import('./commands/cost.js')).runCost,
  demo: async () => (await import('./commands/demo.js')).runDemo,
};

async function dispatch(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(`${help}\n`);
    return name ? EXIT.ok : EXIT.usage;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    io.stdout.write(`${packageVersion()}\n`);
    return EXIT.ok;
  }
  const load = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!load) throw new UsageError(`unknown command "${name}"`);
  return (await load())(rest, io);
}

/**
 * The `flexiai` command line: runs the command `argv` names and resolves to its exit code. An
 * error that ends the command is reported on stderr (no stack unless it is unexpected) with its
 * exit code (2 for usage and configuration errors). The entry point (index.ts) only sets the code.
 */
export async function runMain(argv: string[], io: CliIO = processIO()): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (error) {
    const { text, exitCode } = reportError(error);
    io.stderr.write(text);
    return exitCode;
  }
}
