/**
 * End to end in real Chromium (Debian's, driven by playwright-core): build the extension, load
 * it, pair it with the endpoint running on loopback, find a member, sell with points, cut the
 * endpoint, sell offline, bring it back, and see the server's numbers equal the panel's.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type Running } from '../support/server';

const root = resolve(import.meta.dirname, '../..');
const extensionDir = resolve(root, 'dist/extension');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

describe('cashier extension in Chromium', () => {
  let server: Running;
  let context: BrowserContext;
  let profile: string;
  let extensionId: string;

  beforeAll(async () => {
    await build({ configFile: resolve(root, 'extension/vite.config.ts'), logLevel: 'warn' });
    server = await startServer('sqlite');
    profile = mkdtempSync(join(tmpdir(), 'chromium-profile-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        `--disable-extensions-except=${extensionDir}`,
        `--load-extension=${extensionDir}`,
      ],
    });
    const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
    extensionId = new URL(worker.url()).host;
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await server?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  const points = async (panel: Page): Promise<string> =>
    (await panel.getByTestId('points').textContent()) ?? '';

  it('pairs, sells online and offline, and agrees with the server', async () => {
    const origin = server.base.replace(/\/api\/v1$/, '');
    const member = (
      await server.api('POST', '/customers', { name: 'Kim Minji', phone: '01012345678' })
    ).body;
    const device = (
      await server.api('POST', '/devices', { store_id: 'store-1', role: 'cashier', name: 'Till 1' })
    ).body;

    const options = await context.newPage();
    await options.goto(`chrome-extension://${extensionId}/options.html`);
    await options.fill('input[name=endpoint]', origin);
    await options.fill('input[name=pairing_code]', device.pairing_code);
    await options.click('button[type=submit]');
    await expect
      .poll(async () => options.getByTestId('paired').textContent(), { timeout: 15_000 })
      .toContain(device.device_id);

    const panel = await context.newPage();
    panel.on('pageerror', (e) => console.error('side panel error:', e.message));
    panel.on(
      'console',
      (m) => m.type() === 'error' && console.error('side panel console:', m.text()),
    );
    await panel.goto(`chrome-extension://${extensionId}/sidepanel.html`);
    // The member came down with the first sync: find it as a scanner would (digits + Enter).
    await expect
      .poll(
        async () => {
          await panel.fill('input[name=card]', member.card_number);
          await panel.press('input[name=card]', 'Enter');
          return (await panel.getByTestId('member').count()) > 0;
        },
        { timeout: 15_000 },
      )
      .toBe(true);
    expect(await points(panel)).toBe('1,000P');

    await panel.fill('input[name=amount]', '50000');
    await expect
      .poll(async () => panel.getByTestId('quote').textContent(), { timeout: 10_000 })
      .toContain('2,000P');
    await panel.click('button[name=confirm]');
    await expect.poll(async () => points(panel), { timeout: 10_000 }).toBe('3,000P');
    await expect
      .poll(
        async () =>
          (await server.api('GET', `/customers/${member.customer_id}/points`)).body.total_points,
        { timeout: 15_000 },
      )
      .toBe(3_000);

    // Cut the endpoint: the till goes on selling, and the sale waits in the outbox.
    const port = new URL(origin).port;
    await server.app.close();
    await panel.fill('input[name=amount]', '20000');
    await panel.fill('input[name=redeem]', '1000');
    await expect
      .poll(async () => panel.getByTestId('quote').textContent(), { timeout: 10_000 })
      .toContain('19,000원');
    await panel.click('button[name=confirm]');
    await expect
      .poll(async () => points(panel), { timeout: 10_000 })
      .toBe(`${(3_000 - 1_000 + 380).toLocaleString('en-US')}P`);
    await expect
      .poll(async () => panel.getByTestId('pending').textContent(), { timeout: 15_000 })
      .toContain('1');

    // Bring it back on the same port and database; sync; the server says what the panel said.
    server = await server.restart();
    expect(new URL(server.base).port).toBe(port);
    await panel.getByRole('button', { name: /동기화|Sync/ }).click();
    await expect
      .poll(
        async () =>
          (await server.api('GET', `/customers/${member.customer_id}/points`)).body.total_points,
        { timeout: 20_000 },
      )
      .toBe(2_380);
    await expect
      .poll(async () => panel.getByTestId('pending').textContent(), { timeout: 15_000 })
      .toContain('0');
  }, 120_000);
});
