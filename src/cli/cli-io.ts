/** A stream a command writes to (process.stdout or process.stderr; a collecting stream in tests). */
export type CliOutput = NodeJS.WritableStream & { readonly isTTY?: boolean | undefined };

/**
 * What a command reads from and writes to its process, passed in so the commands run in process
 * in tests. Every command defaults to `processIO()`, the real process.
 */
export interface CliIO {
  stdout: CliOutput;
  stderr: CliOutput;
  env: NodeJS.ProcessEnv;
  /** The working directory (where flexiai.config.* is looked for, and relative paths start). */
  cwd: string;
  /** Whether stdin or stdout is a terminal: a person at a shell, not a container or a service. */
  interactive: () => boolean;
  /** Where SIGINT and SIGTERM (and a cluster worker's `disconnect`) arrive: `process`. */
  signals: Pick<NodeJS.EventEmitter, 'on' | 'once' | 'off'>;
}

/** The real process: its streams, environment, working directory and signals. */
export const processIO = (): CliIO => ({
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  // Read only when asked: touching process.stdin opens it.
  interactive: () => process.stdin.isTTY === true || process.stdout.isTTY === true,
  signals: process,
});
