import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fault } from '../src/testing/faults.js';
import { CANARY, expectNoCanary } from './helpers/canary.js';
import { startGatewayFixture, type GatewayFixture } from './helpers/gateway-fixture.js';
import { launchChromium, requireChromium } from './helpers/headless-chromium.js';

// The page's DOM as the functions given to waitForFunction see it (they run in the browser; the
// page's CSP forbids evaluating strings).
declare const document: {
  querySelector(selector: string): { textContent: string | null } | null;
};

const enabled = requireChromium();
/** Where the screenshot goes; FLEXIAI_UPDATE_SCREENSHOT=1 also refreshes the one in docs/img. */
const OUTPUT = join(import.meta.dirname, '..', '.test-output');
const DOCS_IMAGE = join(import.meta.dirname, '..', 'docs', 'img', 'dashboard.png');

describe.runIf(enabled)('the live dashboard in headless Chromium', () => {
  let fx: GatewayFixture;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  const problems: string[] = [];

  const chat = (stream = false) =>
    fetch(`${fx.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${CANARY.gateway}`, 'content-type': 'application/json' },
      body: JSON.stringify({ stream, messages: [{ role: 'user', content: 'hi' }] }),
    }).then((res) => res.text());

  beforeAll(async () => {
    fx = await startGatewayFixture((c) => ({
      ...c,
      circuitBreaker: { failureThreshold: 2, recoveryTimeoutMs: 60_000 },
      retry: { ...c.retry, maxAttempts: 1 },
    }));
    browser = await launchChromium();
    page = await browser.context.newPage();
    page.on('console', (msg) => {
      if (msg.type() === 'error' || msg.type() === 'warning') problems.push(msg.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    // The page may only talk to the gateway itself.
    page.on('request', (request) => {
      if (!request.url().startsWith(fx.url) && !request.url().startsWith('data:'))
        problems.push(`external request: ${request.url()}`);
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await fx?.close();
  });

  it('asks for the key, and refuses a wrong one', async () => {
    await page.goto(`${fx.url}/dashboard`);
    await page.locator('#login').waitFor({ state: 'visible', timeout: 15_000 });
    await page.fill('#key', 'not-the-key');
    await page.click('#login button');
    await page.waitForFunction(
      () => document.querySelector('#error')?.textContent?.includes('not accepted'),
      null,
      { timeout: 15_000 },
    );
  });

  it('loads with the key from the URL fragment, and shows a circuit opening within 2 s', async () => {
    for (let i = 0; i < 6; i += 1) await chat(i % 2 === 1);
    await page.goto(`${fx.url}/dashboard#key=${encodeURIComponent(CANARY.gateway)}`);
    const state = (name: string) => page.locator(`tr[data-provider="${name}"] [data-testid=state]`);
    await state('a').waitFor({ timeout: 15_000 });
    expect(await state('a').textContent()).toBe('closed');
    // The key left the address bar at once.
    expect(page.url()).toBe(`${fx.url}/dashboard`);

    // The scripted outage: a answers 503; its second failure opens its circuit.
    fx.sims[0]?.setDefault(fault.status(503));
    for (let i = 0; i < 2; i += 1) await chat();
    expect(fx.client.getProviderStatus()[0]?.state).toBe('open');
    await page.waitForFunction(
      () =>
        document.querySelector('tr[data-provider="a"] [data-testid=state]')?.textContent === 'open',
      null,
      { timeout: 2_000, polling: 50 },
    );
    // The transition is marked on the timeline.
    await page
      .locator('#timeline g.transition[data-provider="a"][data-to="open"]')
      .waitFor({ state: 'attached', timeout: 15_000 });
    // A few seconds of traffic so the timeline has a line to draw (the page samples each second).
    const until = Date.now() + 3_000;
    for (let i = 0; Date.now() < until; i += 1) {
      await chat(i % 2 === 0);
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
    await page.waitForFunction(
      () =>
        Number(document.querySelector('tr[data-provider="b"] td:nth-child(8)')?.textContent) >= 8,
      null,
      { timeout: 15_000 },
    );
    expect(await page.locator('#status').textContent()).toBe('degraded');
    expect(await page.locator('#t-failover').textContent()).not.toBe('0%');

    await mkdir(OUTPUT, { recursive: true });
    await page.screenshot({ path: join(OUTPUT, 'dashboard.png'), fullPage: true });
    if (process.env.FLEXIAI_UPDATE_SCREENSHOT === '1')
      await page.screenshot({ path: DOCS_IMAGE, fullPage: true });

    // Only the 401 of the wrong key the first test typed may show as a console error.
    expect(problems.filter((p) => !p.includes('401'))).toEqual([]);
    // The key travelled as a header only: never in a server log line.
    expectNoCanary(fx.log.text(), 'gateway logs');
  });
});
