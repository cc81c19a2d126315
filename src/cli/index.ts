import { ConfigurationError } from '../errors/configuration-error.js';
import { FlexiAIError } from '../errors/flexiai-error.js';
import { batchHelp, runBatchCommand } from './commands/batch.js';
import { chatHelp, runChat } from './commands/chat.js';
import { demoHelp, runDemo } from './commands/demo.js';
import { runServe, serveHelp } from './commands/serve.js';
import { runStatus, statusHelp } from './commands/status.js';
import { style } from './style.js';
import { EXIT, UsageError } from './usage-error.js';

const help = `Usage: flexiai <command> [options]

Commands:
  serve     start the OpenAI-compatible gateway
  chat      send one prompt and print the answer
  batch     run an OpenAI Batch API file (chat completions, embeddings) with failover
  status    show a running gateway's providers and circuits
  demo      watch failover, circuit breaking and recovery on simulated providers

Run "flexiai <command> --help" for a command's options. Every command takes --config FILE
(default: flexiai.config.{yaml,yml,json} here, else provider keys from the environment, else
simulated providers).

Exit codes: 0 success, 1 the request failed, 2 usage or configuration error.`;

const commands: Record<string, { run: (argv: string[]) => Promise<number>; help: string }> = {
  serve: { run: runServe, help: serveHelp },
  chat: { run: runChat, help: chatHelp },
  batch: { run: runBatchCommand, help: batchHelp },
  status: { run: runStatus, help: statusHelp },
  demo: { run: runDemo, help: demoHelp },
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${help}\n`);
    return name ? EXIT.ok : EXIT.usage;
  }
  const command = commands[name];
  if (!command) throw new UsageError(`unknown command "${name}"`);
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (
      error instanceof UsageError ||
      (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
    ) {
      process.stderr.write(
        `${style.red('usage error:')} ${(error as Error).message}\n(see flexiai --help)\n`,
      );
      process.exitCode = EXIT.usage;
    } else if (ConfigurationError.isInstance(error)) {
      process.stderr.write(`${style.red('configuration error:')} ${error.message}\n`);
      process.exitCode = EXIT.usage;
    } else if (FlexiAIError.isInstance(error)) {
      process.stderr.write(`${style.red('error:')} ${error.message}\n`);
      process.exitCode = EXIT.requestFailed;
    } else {
      process.stderr.write(
        `${style.red('unexpected error:')} ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exitCode = EXIT.requestFailed;
    }
  },
);
