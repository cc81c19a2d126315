import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Debian's `chromium` package (installed by .ci/run). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const chromiumAvailable = (): boolean => existsSync(CHROMIUM);

/**
 * Whether browser tests run here. Locally a missing Chromium skips them with a loud warning; under
 * CI=true it is an error (CI installs the package, so its absence is a broken setup, not a skip).
 */
export function requireChromium(): boolean {
  if (chromiumAvailable()) return true;
  if (process.env.CI === 'true') {
    throw new Error(
      `CI=true but no Chromium at ${CHROMIUM}: .ci/run must apt-get install chromium`,
    );
  }
  process.stderr.write(
    `\n*** SKIPPING browser tests: no Chromium at ${CHROMIUM} (apt-get install -y chromium) ***\n\n`,
  );
  return false;
}

/** A fresh headless Chromium profile with no network of its own (no updates, sync or QUIC). */
export async function launchChromium(): Promise<{
  context: BrowserContext;
  close(): Promise<void>;
}> {
  const profile = await mkdtemp(join(tmpdir(), 'flexiai-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
