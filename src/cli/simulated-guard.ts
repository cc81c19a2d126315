import { processIO, type CliIO } from './cli-io.js';

/** Where `flexiai serve` was started, as far as the simulated-providers guard cares. */
export interface ServeSurroundings {
  env: NodeJS.ProcessEnv;
  /** Whether stdin or stdout is a terminal (a person at a shell, not a container or a service). */
  interactive: boolean;
}

/** The surroundings of this process (or of the IO a command was given). */
export const currentSurroundings = (io: CliIO = processIO()): ServeSurroundings => ({
  env: io.env,
  interactive: io.interactive(),
});

/**
 * Why `serve` must not fall back to simulated providers here, or undefined when it may: a
 * gateway with no providers configured answers from local simulators, which is what a person
 * trying FlexiAI at a terminal wants, and never what a container or a service manager wants
 * (it would look healthy while answering nothing real). `--simulated` always allows it.
 */
export function simulatedRefusal(surroundings: ServeSurroundings): string | undefined {
  const production = surroundings.env.NODE_ENV === 'production';
  if (!production && surroundings.interactive) return undefined;
  const why = production ? 'NODE_ENV is "production"' : 'not started from a terminal';
  return (
    'no providers configured (no --config or FLEXIAI_CONFIG, no flexiai.config.{yaml,yml,json} ' +
    'in the working directory, no OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY or ' +
    `GOOGLE_API_KEY in the environment), and ${why}: refusing to serve simulated providers. ` +
    'Configure providers, or pass --simulated to run on simulated providers on purpose.'
  );
}
