import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FlexiAIConfig, FlexiAIConfigInput } from '../config/config-schema.js';
import { loadConfigFile } from '../config/load-config.js';
import { ConfigurationError } from '../errors/configuration-error.js';
import { parseConfig } from '../config/parse-config.js';
import {
  SIM_URLS_ENV,
  simulatedConfig,
  startSimulatedFleet,
  type SimulatedFleet,
} from './simulated-fleet.js';

export type ConfigSource =
  { kind: 'file'; path: string } | { kind: 'environment'; keys: string[] } | { kind: 'simulated' };

export interface DiscoveredConfig {
  config: FlexiAIConfig;
  source: ConfigSource;
  /** Running simulated providers to close on exit (only for the simulated default). */
  fleet?: SimulatedFleet;
}

const CANDIDATES = ['flexiai.config.yaml', 'flexiai.config.yml', 'flexiai.config.json'];

/** Provider keys looked for in the environment when there is no config file. */
const ENV_PROVIDERS: {
  env: string[];
  provider: (key: string) => FlexiAIConfigInput['providers'][number];
}[] = [
  {
    env: ['OPENAI_API_KEY'],
    provider: (key) => ({ name: 'openai', type: 'openai', apiKey: key, model: 'gpt-4o-mini' }),
  },
  {
    env: ['ANTHROPIC_API_KEY'],
    provider: (key) => ({
      name: 'anthropic',
      type: 'anthropic',
      apiKey: key,
      model: 'claude-sonnet-4-5',
    }),
  },
  {
    env: ['GEMINI_API_KEY', 'GOOGLE_API_KEY'],
    provider: (key) => ({ name: 'gemini', type: 'gemini', apiKey: key, model: 'gemini-2.5-flash' }),
  },
];

/**
 * Finds the configuration: `--config FILE` (or FLEXIAI_CONFIG); else flexiai.config.{yaml,yml,json}
 * in the working directory; else provider keys in the environment; else simulated providers.
 */
export async function discoverConfig(options: {
  configPath?: string | undefined;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Start the simulated providers when nothing else is found (default); `false` only describes them. */
  simulate?: boolean;
  /** Skip the file and the environment: simulated providers on purpose (`serve --simulated`). */
  forceSimulated?: boolean;
  /** When set, falling back to simulated providers throws a ConfigurationError with this message. */
  refuseSimulated?: string | undefined;
}): Promise<DiscoveredConfig> {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  if (options.forceSimulated) return simulated(env, options.simulate);
  const explicit = options.configPath ?? env.FLEXIAI_CONFIG;
  if (explicit) {
    const path = resolve(cwd, explicit);
    return { config: await loadConfigFile(path, { env }), source: { kind: 'file', path } };
  }
  const found = CANDIDATES.map((name) => resolve(cwd, name)).find((path) => existsSync(path));
  if (found)
    return { config: await loadConfigFile(found, { env }), source: { kind: 'file', path: found } };

  const fromEnv = ENV_PROVIDERS.flatMap(({ env: names, provider }) => {
    const name = names.find((n) => env[n]);
    return name ? [{ name, provider: provider(env[name] as string) }] : [];
  });
  if (fromEnv.length) {
    return {
      config: parseConfig({ providers: fromEnv.map((p) => p.provider) }, { env }),
      source: { kind: 'environment', keys: fromEnv.map((p) => p.name) },
    };
  }
  if (options.refuseSimulated && !env[SIM_URLS_ENV])
    throw new ConfigurationError(options.refuseSimulated);
  return simulated(env, options.simulate);
}

async function simulated(
  env: NodeJS.ProcessEnv,
  simulate: boolean | undefined,
): Promise<DiscoveredConfig> {
  const shared = env[SIM_URLS_ENV];
  if (shared) {
    const urls = JSON.parse(shared) as { openai: string; anthropic: string; gemini: string };
    return { config: parseConfig(simulatedConfig(urls), { env }), source: { kind: 'simulated' } };
  }
  if (simulate === false) {
    const placeholder = 'http://127.0.0.1:1';
    const config = simulatedConfig({
      openai: placeholder,
      anthropic: placeholder,
      gemini: placeholder,
    });
    return { config: parseConfig(config, { env }), source: { kind: 'simulated' } };
  }
  const fleet = await startSimulatedFleet();
  return { config: parseConfig(fleet.config, { env }), source: { kind: 'simulated' }, fleet };
}

/** One line saying where the configuration came from. */
export function describeSource(source: ConfigSource): string {
  switch (source.kind) {
    case 'file':
      return `configuration: ${source.path}`;
    case 'environment':
      return `configuration: provider keys from the environment (${source.keys.join(', ')}); no config file found`;
    case 'simulated':
      return 'no config file and no provider keys found: running on SIMULATED providers (local, no account needed)';
  }
}
