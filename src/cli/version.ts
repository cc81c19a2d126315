import { readFileSync } from 'node:fs';

/**
 * The installed package's version, read from its package.json: two levels up from this module
 * both in the source tree (src/cli/) and in the published bundle (dist/cli/).
 */
export function packageVersion(): string {
  const path = new URL('../../package.json', import.meta.url);
  const { version } = JSON.parse(readFileSync(path, 'utf8')) as { version?: unknown };
  if (typeof version !== 'string') throw new Error(`no version in ${path.pathname}`);
  return version;
}
