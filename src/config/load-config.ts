import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigurationError } from '../errors/configuration-error.js';
import type { FlexiAIConfig } from './config-schema.js';
import { parseConfig, type ParseConfigOptions } from './parse-config.js';

/** Reads a JSON or YAML file (by extension; YAML also reads JSON) and parses it as a configuration. */
export async function loadConfigFile(
  path: string,
  options: Omit<ParseConfigOptions, 'source'> = {},
): Promise<FlexiAIConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigurationError(
      `Cannot read configuration file ${path}${code ? ` (${code})` : ''}`,
      {
        cause: error,
      },
    );
  }
  let raw: unknown;
  try {
    raw = extname(path).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    // Parser messages quote the offending text, which may be a key: report the position only.
    throw new ConfigurationError(
      `Cannot parse configuration file ${path}: ${syntaxPosition(error, text)}`,
    );
  }
  return parseConfig(raw, { ...options, source: path });
}

function syntaxPosition(error: unknown, text: string): string {
  const yamlPos = (error as { linePos?: [{ line: number; col: number }] }).linePos?.[0];
  if (yamlPos) return `syntax error at line ${yamlPos.line}, column ${yamlPos.col}`;
  const offset = /position (\d+)/.exec(error instanceof Error ? error.message : '')?.[1];
  if (offset === undefined) return 'syntax error';
  const before = text.slice(0, Number(offset)).split('\n');
  return `syntax error at line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1}`;
}
