import { EventEmitter } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { CliIO, CliOutput } from '../../src/cli/cli-io.js';

/** A stream that keeps what a command wrote. */
function collector(
  isTTY: boolean,
  onWrite?: (text: string) => void,
): { stream: CliOutput; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      text += chunk.toString();
      onWrite?.(text);
      callback();
    },
  });
  return { stream: Object.assign(stream, { isTTY }), text: () => text };
}

export interface TestIO {
  io: CliIO;
  stdout: () => string;
  stderr: () => string;
  /** Emit 'SIGINT', 'SIGTERM' or 'disconnect' here to signal the command. */
  signals: EventEmitter;
}

/**
 * The IO of a command run in process: collected stdout and stderr, an environment of only what
 * the test gives (no provider keys of whoever runs the tests), an empty working directory unless
 * one is given, no terminal unless asked, and signals the test sends.
 */
export function testIO(
  options: {
    cwd?: string;
    env?: NodeJS.ProcessEnv;
    interactive?: boolean;
    stdoutTTY?: boolean;
    stderrTTY?: boolean;
    /** Called inside each write to stderr, synchronously, with all of stderr so far. */
    onStderr?: (text: string) => void;
  } = {},
): TestIO {
  const out = collector(options.stdoutTTY ?? false);
  const err = collector(options.stderrTTY ?? false, options.onStderr);
  const signals = new EventEmitter();
  return {
    io: {
      stdout: out.stream,
      stderr: err.stream,
      env: { NO_COLOR: '1', ...options.env },
      cwd: options.cwd ?? mkdtempSync(join(tmpdir(), 'flexiai-cli-unit-')),
      interactive: () => options.interactive ?? false,
      signals,
    },
    stdout: out.text,
    stderr: err.text,
    signals,
  };
}
