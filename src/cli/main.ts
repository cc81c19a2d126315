import { batchHelp, runBatchCommand } from './commands/batch.js';
import { chatHelp, runChat } from './commands/chat.js';
import { costHelp, runCost } from './commands/cost.js';
import { demoHelp, runDemo } from './commands/demo.js';
import { runServe, serveHelp } from './commands/serve.js';
import { runStatus, statusHelp } from './commands/status.js';
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

const commands: Record<
  string,
  { run: (argv: string[], io: CliIO) => Promise<number>; help: string }
> = {
  serve: { run: runServe, help: serveHelp },
  chat: { run: runChat, help: chatHelp },
  batch: { run: runBatchCommand, help: batchHelp },
  status: { run: runStatus, help: statusHelp },
  cost: { run: runCost, help: costHelp },
  demo: { run: runDemo, help: demoHelp },
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
  const command = commands[name];
  if (!command) throw new UsageError(`unknown command "${name}"`);
  return command.run(rest, io);
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
