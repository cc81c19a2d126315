import { ConfigurationError } from '../errors/configuration-error.js';
import { FlexiAIError } from '../errors/flexiai-error.js';
import { style } from './style.js';
import { EXIT, UsageError } from './usage-error.js';

/** How the CLI reports an error that ended a command: the stderr text and the exit code. */
export function reportError(error: unknown): { text: string; exitCode: number } {
  if (
    error instanceof UsageError ||
    (error as { code?: string } | null)?.code?.startsWith?.('ERR_PARSE_ARGS')
  ) {
    return {
      text: `${style.red('usage error:')} ${(error as Error).message}\n(see flexiai --help)\n`,
      exitCode: EXIT.usage,
    };
  }
  if (ConfigurationError.isInstance(error)) {
    return {
      text: `${style.red('configuration error:')} ${error.message}\n`,
      exitCode: EXIT.usage,
    };
  }
  if (FlexiAIError.isInstance(error)) {
    return { text: `${style.red('error:')} ${error.message}\n`, exitCode: EXIT.requestFailed };
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return { text: `${style.red('unexpected error:')} ${detail}\n`, exitCode: EXIT.requestFailed };
}
