/**
 * The kiosk end to end in real Chromium (Debian's, driven by playwright-core): build the PWA,
 * serve it from the endpoint on loopback, pair it as a kiosk, sync, cut the network, reload,
 * identify a member and see the numbers GET /customers/{id} gives; enroll and give feedback
 * offline and see them on the endpoint once the network is back; the 30 s idle reset; the PIN
 * lock; axe-core on every screen.
 */
import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatPoints, formatWon } from '../../shared/ui';
import { checkAccessibility } from '../support/axe';
import { launchChromium } from '../support/chromium';
import { startServer, type Running } from '../support/server';

const root = resolve(import.meta.dirname, '../..');
const kioskDir = resolve(root, 'dist/kiosk');
const poll = { timeout: 20_000 };

describe('kiosk PWA in Chromium', () => {
  let server: Running;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let origin: string;
  let served: string;
  const scanned: string[] = [];

  beforeAll(async () => {
    await build({ configFile: resolve(root, 'kiosk/vite.config.ts'), logLevel: 'warn' });
    // The endpoint serves a copy of the build, so a test can publish a new version of the app.
    served = mkdtempSync(join(tmpdir(), 'kiosk-served-'));
    cpSync(kioskDir, served, { recursive: true });
    server = await startServer('sqlite', { static: { '/kiosk/': served } });
    origin = server.base.replace(/\/api\/v1$/, '');
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1080, height: 1600 } });
    page = await context.newPage();
    if (process.env.KIOSK_DEBUG) page.on('console', (m) => console.log('[page]', m.text()));
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
    if (served) rmSync(served, { recursive: true, force: true });
  });

  /** axe-core on the screen as it is: no serious or critical violation. */
  async function axe(name: string): Promise<void> {
    scanned.push(name);
    await checkAccessibility(page, name);
  }

  const screen = () => page.locator('main').getAttribute('data-screen');
  const text = async (id: string) => (await page.getByTestId(id).textContent()) ?? '';

  /** Phone number and PIN on the keypad, from the start screen. */
  async function phoneAndPin(phone: string, pin: string): Promise<void> {
    await page.getByRole('button', { name: '전화번호 + PIN으로 조회' }).click();
    for (const d of phone) await page.click(`.keypad button[data-key="${d}"]`);
    await page.getByTestId('phone-next').click();
    for (const d of pin) await page.click(`.keypad button[data-key="${d}"]`);
    await page.getByTestId('phone-next').click();
  }

  async function identify(code: string): Promise<void> {
    await page.fill('#code', code);
    await page.press('#code', 'Enter');
    await expect.poll(screen, poll).toBe('member');
  }

  /** The member screen shows what the endpoint says of the member. */
  async function expectServerNumbers(id: string): Promise<void> {
    const profile = (await server.api('GET', `/customers/${id}`)).body;
    expect(await page.getByTestId('tier').getAttribute('data-tier')).toBe(profile.tier);
    expect(await text('available')).toBe(formatPoints(profile.points.available_points));
    expect(await text('pending')).toBe(formatPoints(profile.points.pending_points));
    expect(await text('expiring')).toContain(formatPoints(profile.points.points_expiring_soon));
    if (profile.next_tier)
      expect(await text('to-next')).toContain(formatWon(profile.amount_to_next_tier));
    expect(await page.locator('[data-testid=stamps] .stamp.on').count()).toBe(profile.stamps.count);
    const codes = await page.locator('[data-testid=coupons] code').allTextContents();
    expect(codes).toEqual(profile.coupons.map((c: { code: string }) => c.code));
  }

  it('pairs, syncs, works offline after a reload, and sends what was done offline once back', async () => {
    // A member with history: a purchase (points, a stamp, a coupon may be issued) and a PIN.
    const kim = (
      await server.api('POST', '/customers', {
        name: 'Kim Minji',
        phone: '01012345678',
        pin: '1357',
      })
    ).body;
    const sale = await server.api('POST', `/customers/${kim.customer_id}/purchases`, {
      store_id: 'store-1',
      amount: 520_000,
      lines: [
        { sku: 'LATTE', category: 'drink', quantity: 4, unit_price: 5_000 },
        { sku: 'BEANS', category: 'beans', quantity: 20, unit_price: 25_000 },
      ],
    });
    expect(sale.status).toBe(201);
    // Drinks give stamps; 500,000 in a month gives a coupon: both are on the kiosk screen.
    expect(sale.body.stamps_added).toBeGreaterThan(0);
    expect(sale.body.coupons_issued.length).toBeGreaterThan(0);
    const device = (
      await server.api('POST', '/devices', { store_id: 'store-1', role: 'kiosk', name: 'Kiosk 1' })
    ).body;

    await page.goto(`${origin}/kiosk/`);
    await expect.poll(screen, poll).toBe('setup');
    await axe('setup');
    await page.fill('input[name=pairing_code]', device.pairing_code);
    await page.getByRole('button', { name: '연결' }).click();
    await expect.poll(screen, poll).toBe('start');
    await expect.poll(() => text('as-of'), poll).toContain('기준');
    await axe('start');

    // The service worker holds the app before the network goes.
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    await expect
      .poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null), poll)
      .toBe(true);

    await context.setOffline(true);
    await page.reload();
    await expect.poll(screen, poll).toBe('start');
    await expect.poll(() => text('online'), poll).toContain('오프라인');

    // Identify offline by card number: the numbers are the endpoint's.
    await identify(kim.card_number);
    await expectServerNumbers(kim.customer_id);
    expect(await page.locator('[data-testid=coupons] svg.qr').count()).toBeGreaterThan(0);
    // Coupons are titled in the screen's language (the rules name them in English).
    expect(await page.locator('[data-testid=coupons] strong').allTextContents()).toContain(
      '이달의 구매 감사 5% 할인',
    );
    expect(await page.locator('h2#member-title').textContent()).toContain('K********');
    expect(await page.content()).not.toContain('Kim Minji');
    await axe('member');

    // Phone + PIN needs the endpoint: offline it says to use the card.
    await page.getByRole('button', { name: '처음으로' }).click();
    await page.getByRole('button', { name: '전화번호 + PIN으로 조회' }).click();
    await axe('phone');
    for (const d of '01012345678') await page.click(`.keypad button[data-key="${d}"]`);
    await page.getByTestId('phone-next').click();
    await axe('pin');
    for (const d of '1357') await page.click(`.keypad button[data-key="${d}"]`);
    await page.getByTestId('phone-next').click();
    await expect.poll(() => text('error'), poll).toContain('카드');

    // Enroll offline, then feedback.
    await page.getByRole('button', { name: '처음으로' }).click();
    await page.getByRole('button', { name: '회원 가입' }).click();
    await axe('enroll');
    await page.fill('input[name=name]', 'Lee Seojun');
    await page.fill('input[name=phone]', '010-9876-5432');
    await page.fill('input[name=birthday]', '1990-02-28');
    await page.fill('input[name=referral]', kim.referral_code);
    await page.fill('input[name=pin]', '2468');
    await page.getByRole('button', { name: '가입하기' }).click();
    // Consent is required and recorded: without it nothing is enrolled.
    await expect.poll(() => text('error'), poll).toContain('동의');
    await page.check('input[name=consent]');
    // A double tap enrolls once: two submits in the same moment, before the screen renders.
    await page.evaluate(() => {
      const form = document.querySelector('input[name=consent]')?.closest('form');
      form?.requestSubmit();
      form?.requestSubmit();
    });
    await expect.poll(screen, poll).toBe('enrolled');
    await axe('enrolled');
    const card = (await text('card-number')).replace(/\s/g, '');
    expect(card).toMatch(/^8\d{11}$/);
    await page.getByRole('button', { name: '내 멤버십 보기' }).click();
    await expect.poll(screen, poll).toBe('member');
    await page.getByRole('button', { name: '의견 남기기' }).click();
    await expect.poll(screen, poll).toBe('feedback');
    await axe('feedback');
    await page.click('label.score:has-text("9")');
    await page.fill('textarea[name=comment]', '직원이 친절해요');
    await page.getByRole('button', { name: '보내기' }).click();
    await expect.poll(() => text('notice'), poll).toContain('감사');
    await expect.poll(() => text('unsynced'), poll).toContain('2');
    // Nothing of it reached the endpoint yet.
    expect((await server.api('GET', `/customers/lookup?card_number=${card}`)).status).toBe(404);

    // The network comes back: the enrollment and the feedback go, unchanged.
    await context.setOffline(false);
    // Once a second: lookups are limited to 60 a minute per token, and a poll every 50 ms used
    // them all up when the sync took more than three seconds (then the lookup answered 429).
    let lee = { name: '', birthday: '', has_pin: false, customer_id: '' };
    await expect
      .poll(
        async () => {
          const found = await server.api('GET', `/customers/lookup?card_number=${card}`);
          if (found.status === 200) lee = found.body;
          return found.status;
        },
        { timeout: 30_000, interval: 1_000 },
      )
      .toBe(200);
    expect(lee.name).toBe('Lee Seojun');
    expect(lee.birthday).toBe('1990-02-28');
    expect(lee.has_pin).toBe(true);
    const feedback = (await server.api('GET', '/feedback')).body;
    expect(feedback.feedback).toEqual([
      expect.objectContaining({ member_id: lee.customer_id, score: 9, comment: '직원이 친절해요' }),
    ]);
    expect(feedback.nps).toBe(100);
    // The referral was recorded against Kim's code, and the phone only as its hash.
    const byPhone = await server.api('GET', '/customers/lookup?phone=01098765432');
    expect(byPhone.body.customer_id).toBe(lee.customer_id);
    expect(byPhone.body.phone).toBeNull();
    await expect.poll(() => text('online'), poll).toBe('온라인');
    await expect.poll(() => page.getByTestId('unsynced').count(), poll).toBe(0);

    // Online, phone + PIN works (checked by the endpoint); Lee bought at the till a moment ago,
    // and the sale is in the numbers the kiosk shows (it syncs once when it shows a member).
    const leeBought = await server.api('POST', `/customers/${lee.customer_id}/purchases`, {
      store_id: 'store-1',
      amount: 25_000,
    });
    expect(leeBought.status).toBe(201);
    await phoneAndPin('01098765432', '2468');
    await expect.poll(screen, poll).toBe('member');
    const leeNow = (await server.api('GET', `/customers/${lee.customer_id}`)).body.points;
    await expect.poll(() => text('available'), poll).toBe(formatPoints(leeNow.available_points));
    await expectServerNumbers(lee.customer_id);

    // Kim buys at the till a moment ago, after the kiosk's last sync: scanned now, her card
    // shows the points of that sale (the kiosk syncs once when it shows a member).
    const bought = await server.api('POST', `/customers/${kim.customer_id}/purchases`, {
      store_id: 'store-1',
      amount: 30_000,
    });
    expect(bought.status).toBe(201);
    const after = (await server.api('GET', `/customers/${kim.customer_id}`)).body.points;
    await page.getByRole('button', { name: '처음으로' }).click();
    await identify(kim.card_number);
    await expect.poll(() => text('available'), poll).toBe(formatPoints(after.available_points));

    // Park joined at the till a moment ago and tries the kiosk too: his number is taken (the
    // kiosk syncs once before it says so), and no second member is made.
    await server.api('POST', '/customers', { name: 'Park Minho', phone: '01044445555' });
    await page.getByRole('button', { name: '처음으로' }).click();
    await page.getByRole('button', { name: '회원 가입' }).click();
    await page.fill('input[name=name]', 'Park Minho');
    await page.fill('input[name=phone]', '010-4444-5555');
    await page.fill('input[name=pin]', '1234');
    await page.check('input[name=consent]');
    await page.getByRole('button', { name: '가입하기' }).click();
    await expect.poll(() => text('error'), poll).toContain('이미 가입된 전화번호');
    await page.getByRole('button', { name: '처음으로' }).click();
    await identify(kim.card_number);

    // English on a tap.
    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('en');
    expect(await text('available')).toMatch(/pts$/);
    await axe('member (English)');
    expect(scanned).toEqual([
      'setup',
      'start',
      'member',
      'phone',
      'pin',
      'enroll',
      'enrolled',
      'feedback',
      'member (English)',
    ]);
  }, 180_000);

  it('goes back to the start and forgets the member after 30 s without a touch', async () => {
    const park = (
      await server.api('POST', '/customers', { name: 'Park Jiho', phone: '01055556666' })
    ).body;
    // The page's clock is Playwright's: time flows, and the test can jump it forward.
    await page.clock.install();
    await page.goto(`${origin}/kiosk/`);
    await expect.poll(screen, poll).toBe('start');
    await page.fill('#code', park.card_number);
    await page.press('#code', 'Enter');
    await expect.poll(screen, poll).toBe('member');
    expect(await text('available')).toBe(
      formatPoints(
        (await server.api('GET', `/customers/${park.customer_id}`)).body.points.available_points,
      ),
    );
    await page.getByRole('button', { name: 'English' }).click();
    // 20 s in, a touch keeps it; 29 s after the touch it is still there; at 30 s it is gone.
    await page.clock.fastForward(20_000);
    expect(await screen()).toBe('member');
    await page.mouse.click(5, 400);
    await page.clock.fastForward(27_000);
    expect(await screen()).toBe('member');
    await expect.poll(() => page.locator('.idle').count(), poll).toBe(1);
    // Then the clock goes on a second at a time (each jump fires the page's due timers, even on
    // a machine too busy for the page's own ticks) until the screen resets: by 31 s after the
    // touch at the latest, give or take the page's half-second check.
    let after = 27_000;
    await expect
      .poll(async () => {
        await page.clock.fastForward(1_000);
        after += 1_000;
        return screen();
      }, poll)
      .toBe('start');
    expect(after).toBeGreaterThanOrEqual(29_000);
    expect(after).toBeLessThanOrEqual(31_000);
    expect(await page.getByTestId('available').count()).toBe(0);
    expect(await page.content()).not.toContain(park.card_number);
    expect(await page.content()).not.toContain('P********');
    expect(await page.locator('html').getAttribute('lang')).toBe('ko');
  }, 60_000);

  it('locks phone + PIN for a member after 5 wrong PINs, on the endpoint', async () => {
    const choi = (
      await server.api('POST', '/customers', {
        name: 'Choi Yuna',
        phone: '01077778888',
        pin: '8642',
      })
    ).body;
    await page.goto(`${origin}/kiosk/`);
    await expect.poll(screen, poll).toBe('start');
    // A card the kiosk does not hold yet: the endpoint hands her over (GET /sync/member, masked
    // for a kiosk), and now the kiosk knows her phone hash too.
    await page.fill('#code', choi.card_number);
    await page.press('#code', 'Enter');
    await expect.poll(screen, poll).toBe('member');
    const tryPin = async (pin: string) => {
      await page
        .getByRole('button', { name: '처음으로' })
        .click()
        .catch(() => undefined);
      await expect.poll(screen, poll).toBe('start');
      await phoneAndPin('01077778888', pin);
      await expect
        .poll(
          async () =>
            (await screen()) === 'member' || (await page.getByTestId('error').count()) > 0,
          poll,
        )
        .toBe(true);
      return (await screen()) === 'member' ? 'member' : await text('error');
    };
    for (let i = 1; i <= 4; i += 1) expect(await tryPin('1111')).toContain('올바르지 않습니다');
    expect(await tryPin('1111')).toContain('여러 번');
    // Locked: even the right PIN is refused now, by the endpoint.
    expect(await tryPin('8642')).toContain('여러 번');
    const check = await server.api('POST', `/customers/${choi.customer_id}/pin/verify`, {
      pin: '8642',
    });
    expect(check.status).toBe(429);
  }, 120_000);

  it('finds by phone and PIN a member it does not hold yet: the endpoint checks the PIN first', async () => {
    const seo = (
      await server.api('POST', '/customers', {
        name: 'Seo Yeon',
        phone: '01066664444',
        pin: '2580',
      })
    ).body;
    // The kiosk cannot pull her (its syncs fail): she is not held here.
    await page.route('**/api/v1/sync', (route) => route.abort('connectionrefused'));
    await page.goto(`${origin}/kiosk/`);
    await expect.poll(screen, poll).toBe('start');
    // A wrong PIN: refused by the endpoint, and nothing of her is on the kiosk.
    await phoneAndPin('01066664444', '1111');
    await expect.poll(() => text('error'), poll).toContain('올바르지 않습니다');
    expect(
      (await server.api('POST', `/customers/${seo.customer_id}/pin/verify`, { pin: '1111' })).body
        .error.details.attempts_left,
    ).toBe(3);
    await page
      .getByRole('button', { name: '처음으로' })
      .click()
      .catch(() => undefined);
    await expect.poll(screen, poll).toBe('start');
    await phoneAndPin('01066664444', '2580');
    await expect.poll(screen, poll).toBe('member');
    await expectServerNumbers(seo.customer_id);
    expect(await page.content()).not.toContain('Seo Yeon');
    await page.unroute('**/api/v1/sync');
  }, 120_000);

  it('applies a new version of the app only once the outbox is empty, with one reload', async () => {
    await page.goto(`${origin}/kiosk/`);
    await expect.poll(screen, poll).toBe('start');
    // The endpoint cannot take events for a while: an enrollment stays in the outbox.
    await page.route('**/api/v1/sync', (route) => route.abort('connectionrefused'));
    await page.getByRole('button', { name: '회원 가입' }).click();
    await page.fill('input[name=name]', 'Jung Hana');
    await page.fill('input[name=phone]', '01033334444');
    await page.fill('input[name=pin]', '9753');
    await page.check('input[name=consent]');
    await page.getByRole('button', { name: '가입하기' }).click();
    await expect.poll(screen, poll).toBe('enrolled');
    await page.getByRole('button', { name: '처음으로' }).click();
    await expect.poll(() => text('unsynced'), poll).toContain('1');
    await page.evaluate(() => {
      (window as unknown as { marker: string }).marker = 'before the update';
    });

    // A new version is published; the kiosk finds it and it waits.
    appendFileSync(join(served, 'sw.js'), '\n// a new version\n');
    await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.getRegistration();
      await registration?.update();
    });
    await expect.poll(() => text('status'), poll).toContain('새 버전');
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await page.waitForTimeout(2_000);
    expect(await page.evaluate(() => (window as unknown as { marker?: string }).marker)).toBe(
      'before the update',
    );
    expect(await text('unsynced')).toContain('1');

    // The endpoint is back: the enrollment goes, then the update applies with one reload.
    await page.unroute('**/api/v1/sync');
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { marker?: string }).marker), poll)
      .toBeUndefined();
    await expect.poll(screen, poll).toBe('start');
    expect((await server.api('GET', '/customers/lookup?phone=01033334444')).body.name).toBe(
      'Jung Hana',
    );
  }, 60_000);
});
