#!/usr/bin/env node
import { chatHelp, runChat } from './commands/chat.js';
import { demoHelp, runDemo } from './commands/demo.js';
import { runServe, serveHelp } from './commands/serve.js';
import { runStatus, statusHelp } from './commands/status.js';
import { reportError } from './report-error.js';
import { EXIT, UsageError } from './usage-error.js';
import { packageVersion } from './version.js';

const help = `Usage: flexiai <command> [options]

Commands:
  serve     start the OpenAI-compatible gateway
  chat      send one prompt and print the answer
  status    show a running gateway's providers and circuits
  demo      watch failover, circuit breaking and recovery on simulated providers

Run "flexiai <command> --help" for a command's options. Every command takes --config FILE
(default: flexiai.config.{yaml,yml,json} here, else provider keys from the environment, else
simulated providers).

Options: -h, --help (this text), -v, --version (the installed version)

Exit codes: 0 success, 1 the request failed, 2 usage or configuration error.`;

const commands: Record<string, { run: (argv: string[]) => Promise<number>; help: string }> = {
  serve: { run: runServe, help: serveHelp },
  chat: { run: runChat, help: chatHelp },
  status: { run: runStatus, help: statusHelp },
  demo: { run: runDemo, help: demoHelp },
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${help}\n`);
    return name ? EXIT.ok : EXIT.usage;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    process.stdout.write(`${packageVersion()}\n`);
    return EXIT.ok;
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
    const { text, exitCode } = reportError(error);
    process.stderr.write(text);
    process.exitCode = exitCode;
  },
);
