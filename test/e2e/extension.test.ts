/**
 * End to end in real Chromium (Debian's, driven by playwright-core): build the extension, load
 * it, pair it with the endpoint on loopback, unlock with a staff PIN, find a member, take the
 * cart from the demo POS page, sell with a coupon and points (the discount goes back into the
 * POS page), cut the endpoint, sell and refund offline, bring it back, and see the server's
 * numbers equal the panel's.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BrowserContext, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAccessibility } from '../support/axe';
import { browserDateTime, launchWithExtension } from '../support/chromium';
import { startServer, type Running } from '../support/server';
import { restoreSqlite } from '../../server/restore';

const root = resolve(import.meta.dirname, '../..');
const extensionDir = resolve(root, 'dist/extension');
const poll = { timeout: 15_000 };

describe('cashier extension in Chromium', () => {
  let server: Running;
  let context: BrowserContext;
  let profile: string;
  let extensionId: string;

  beforeAll(async () => {
    await build({ configFile: resolve(root, 'extension/vite.config.ts'), logLevel: 'warn' });
    server = await startServer('sqlite', {
      static: { '/demo-pos/': resolve(root, 'server/demo-pos') },
    });
    profile = mkdtempSync(join(tmpdir(), 'chromium-profile-'));
    // A till PC whose clock is set to another zone than the shop's (Seoul, the program's).
    context = await launchWithExtension(profile, extensionDir, 'America/Los_Angeles');
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
  const serverPoints = async (id: string): Promise<number> =>
    (await server.api('GET', `/customers/${id}/points`)).body.total_points;
  /** Asks the extension's service worker, from one of its pages. */
  const messenger =
    (page: Page) =>
    (message: unknown): Promise<{ ok?: boolean; pending?: number }> =>
      page.evaluate((m) => chrome.runtime.sendMessage(m), message) as Promise<{
        ok?: boolean;
        pending?: number;
      }>;
  /** A sale that reaches the endpoint; the member's points there after it. */
  const sellAndSync = async (page: Page, member: string, amount: number): Promise<number> => {
    const send = messenger(page);
    const sold = await send({
      kind: 'sell',
      member_id: member,
      amount,
      lines: [],
      redeem: 0,
      coupon: null,
      receipt_id: null,
      staff_id: null,
    });
    expect(sold.ok).toBe(true);
    expect(await send({ kind: 'sync-now' })).toMatchObject({ pending: 0 });
    return serverPoints(member);
  };
  /** The disk is lost and the owner restores `backup` (npm run admin -- restore). */
  const restoreEndpoint = async (backup: string): Promise<void> => {
    const file = server.file as string;
    server = await server.restart(async () => {
      await restoreSqlite(file, backup);
    });
  };

  it('pairs, unlocks, enrolls, sells from the POS cart with a coupon and points, sells and refunds offline, and agrees with the server', async () => {
    const origin = server.base.replace(/\/api\/v1$/, '');
    const park = (
      await server.api('POST', '/staff', {
        store_id: 'store-1',
        name: 'Park',
        pin: '2468',
        role: 'manager',
      })
    ).body.staff_id as string;
    const member = (
      await server.api('POST', '/customers', { name: 'Kim Minji', phone: '01012345678' })
    ).body;
    const device = (
      await server.api('POST', '/devices', { store_id: 'store-1', role: 'cashier', name: 'Till 1' })
    ).body;

    const options = await context.newPage();
    await options.goto(`chrome-extension://${extensionId}/options.html`);
    // Pasted as npm start prints the API: the endpoint is its origin.
    await options.fill('input[name=endpoint]', `${origin}/api/v1/`);
    await options.fill('input[name=pairing_code]', device.pairing_code);
    await checkAccessibility(options, 'options');
    await options.click('button[type=submit]');
    await expect
      .poll(async () => options.getByTestId('paired').textContent(), poll)
      .toContain(device.device_id);

    // The shop's POS page with a cart: 2 americanos and a bag of beans, 47,000 won.
    const pos = await context.newPage();
    await pos.goto(`${origin}/demo-pos/`);
    await pos.click('button[data-sku=americano]');
    await pos.click('button[data-sku=americano]');
    await pos.click('button[data-sku=beans-1kg]');
    await expect.poll(async () => pos.textContent('#cart-total'), poll).toBe('₩47,000');

    const panel = await context.newPage();
    panel.on('pageerror', (e) => console.error('side panel error:', e.message));
    await panel.goto(`chrome-extension://${extensionId}/sidepanel.html`);
    await panel.waitForSelector('input[name=staff_pin]');
    await checkAccessibility(panel, 'unlock');
    await panel.fill('input[name=staff_pin]', '1111');
    await panel.click('[data-testid=unlock] button');
    await expect.poll(async () => panel.locator('.error').textContent(), poll).toContain('PIN');
    await panel.fill('input[name=staff_pin]', '2468');
    await panel.click('[data-testid=unlock] button');
    await expect.poll(async () => panel.locator('input[name=search]').count(), poll).toBe(1);

    // A member who already has a card: found as a scanner would (digits + Enter).
    await expect
      .poll(async () => {
        await panel.fill('input[name=search]', member.card_number);
        await panel.press('input[name=search]', 'Enter');
        return panel.getByTestId('member').count();
      }, poll)
      .toBe(1);
    expect(await points(panel)).toBe('1,000P');
    await checkAccessibility(panel, 'member');

    // A new customer enrolls at the till (and gets the signup points and the welcome coupon).
    await panel.click('button[name=show-enroll]');
    await checkAccessibility(panel, 'enroll');
    // What the worker refuses outright (a name over 100 characters) is said, not swallowed.
    await panel.fill('input[name=enroll-name]', 'L'.repeat(101));
    await panel.fill('input[name=enroll-phone]', '010-9876-5432');
    await panel.click('button[name=enroll]');
    await expect.poll(async () => panel.locator('.error').textContent(), poll).toContain('name');
    await panel.fill('input[name=enroll-name]', 'Lee Seojun');
    await panel.fill('input[name=enroll-pin]', '5791');
    // Typos the endpoint would refuse are caught at the till, and nothing is recorded.
    await panel.fill('input[name=enroll-phone]', '010-98');
    await panel.fill('input[name=enroll-birthday]', '1992-07-14');
    await panel.click('button[name=enroll]');
    await expect.poll(async () => panel.locator('.error').textContent(), poll).toContain('6-15');
    await panel.fill('input[name=enroll-phone]', '010-9876-5432');
    await panel.fill('input[name=enroll-birthday]', '1992-13-45');
    await panel.click('button[name=enroll]');
    await expect
      .poll(async () => panel.locator('.error').textContent(), poll)
      .toContain('YYYY-MM-DD');
    await panel.fill('input[name=enroll-birthday]', '1992-07-14');
    await panel.click('button[name=enroll]');
    await expect.poll(async () => points(panel), poll).toBe('1,000P');
    // Greeted by name; the next tier by the name the program gives it, as the current one is.
    expect(await panel.getByTestId('name').textContent()).toBe('Lee Seojun');
    expect(await panel.getByTestId('to-next').textContent()).toBe('Silver: 600,000원');
    const newCard = (await panel.getByTestId('card').textContent()) ?? '';
    expect(newCard).toMatch(/^8\d{11}$/);
    // The same customer again, the number typed the international way: the till says to find
    // them, and finds them by it (the program's phone rule: +82 10... is 010...).
    await panel.click('button[name=show-enroll]');
    await panel.fill('input[name=enroll-name]', 'Lee S.');
    await panel.fill('input[name=enroll-phone]', '+82 10 9876 5432');
    await panel.click('button[name=enroll]');
    await expect
      .poll(async () => panel.locator('.error').textContent(), poll)
      .toContain('회원을 찾으세요');
    await panel.fill('input[name=search]', '+82 10-9876-5432');
    await panel.press('input[name=search]', 'Enter');
    await expect.poll(async () => panel.getByTestId('card').textContent(), poll).toBe(newCard);
    // He has a new phone number: another member's is refused; his new one is recorded, and the
    // till finds him by it at once (before it syncs).
    await panel.click('button[name=tab-adjust]');
    await checkAccessibility(panel, 'adjust');
    await panel.click('button[name=tab-details]');
    await checkAccessibility(panel, 'details');
    await panel.fill('input[name=details-phone]', '010-1234-5678');
    await panel.click('button[name=save-details]');
    await expect
      .poll(async () => panel.locator('.error').textContent(), poll)
      .toContain('회원을 찾으세요');
    await panel.fill('input[name=details-phone]', '010 2468 1357');
    await panel.fill('input[name=details-name]', 'Lee Seo-jun');
    await panel.click('button[name=save-details]');
    await expect
      .poll(async () => panel.getByTestId('message').textContent(), poll)
      .toContain('저장되었습니다');
    // Another member on screen first, so that finding him again is seen.
    await panel.fill('input[name=search]', '010-1234-5678');
    await panel.press('input[name=search]', 'Enter');
    await expect.poll(async () => panel.getByTestId('name').textContent(), poll).toBe('Kim Minji');
    await panel.fill('input[name=search]', '01024681357');
    await panel.press('input[name=search]', 'Enter');
    await expect
      .poll(async () => panel.getByTestId('name').textContent(), poll)
      .toBe('Lee Seo-jun');
    expect(await panel.getByTestId('card').textContent()).toBe(newCard);
    // Customers who joined at the kiosk a moment ago, after the till's last pull (it pulls every
    // minute): the till asks the endpoint when it finds nobody, and gets the member's events
    // (GET /sync/member). Jung's number cannot be enrolled a second time; Choi is found at the
    // first search, with one question to the endpoint (counted where it takes a lookup).
    expect(await messenger(panel)({ kind: 'sync-now' })).toMatchObject({ pending: 0 });
    await server.api('POST', '/customers', { name: 'Jung Hana', phone: '01077778888' });
    await panel.click('button[name=show-enroll]');
    await panel.fill('input[name=enroll-name]', 'Jung H.');
    await panel.fill('input[name=enroll-phone]', '010-7777-8888');
    await panel.click('button[name=enroll]');
    await expect
      .poll(async () => panel.locator('.error').textContent(), poll)
      .toContain('회원을 찾으세요');
    // While the till is to find members it does not hold, no sync of its may go through: its
    // timers (a minute's alarm, a second after a sale) could pull them first, and then it would
    // not need to ask. The endpoint answers its syncs 503 until the last look below.
    const prechecker = server.app.ctx.prechecker;
    const check = prechecker.check.bind(prechecker);
    prechecker.check = () =>
      Promise.resolve({ ok: false, status: 503, code: 'paused', message: 'paused by the test' });
    const choi = (
      await server.api('POST', '/customers', { name: 'Choi Yuna', phone: '01055556666' })
    ).body;
    const lookups = server.app.ctx.lookups;
    const asked: string[] = [];
    const take = lookups.take.bind(lookups);
    lookups.take = (key, now) => {
      asked.push(key);
      return take(key, now);
    };
    await panel.fill('input[name=search]', choi.card_number);
    await panel.press('input[name=search]', 'Enter');
    await expect.poll(async () => panel.getByTestId('name').textContent(), poll).toBe('Choi Yuna');
    expect(asked).toHaveLength(1);
    // A friend of a member this till does not hold yet joins with that member's code: the till
    // gets the referrer from the endpoint (and asks it whether the new number is anyone's).
    const kang = (
      await server.api('POST', '/customers', { name: 'Kang Dae', phone: '01044443333' })
    ).body;
    await panel.click('button[name=show-enroll]');
    await panel.fill('input[name=enroll-name]', 'Baek Ara');
    await panel.fill('input[name=enroll-phone]', '010-4444-2222');
    await panel.fill('input[name=enroll-referral]', kang.referral_code);
    await panel.click('button[name=enroll]');
    await expect.poll(async () => panel.getByTestId('name').textContent(), poll).toBe('Baek Ara');
    expect(asked).toHaveLength(3);
    lookups.take = take;
    prechecker.check = check;
    expect(await messenger(panel)({ kind: 'sync-now' })).toMatchObject({ pending: 0 });
    const baek = await server.app.ctx.db.get<{ referred_by: string | null }>(
      `SELECT referred_by FROM members WHERE name = 'Baek Ara'`,
    );
    expect(baek?.referred_by).toBe(kang.customer_id);
    // She spends her points at another till (here the API) a moment later: found again, the
    // till shows the points she has left once its sync is back, not the ones she spent.
    expect(await points(panel)).toBe('1,000P');
    const spent = await server.api('POST', `/customers/${choi.customer_id}/purchases`, {
      store_id: 'store-1',
      amount: 20_000,
      redeem_points: 1_000,
    });
    expect(spent.status).toBe(201);
    const left = await serverPoints(choi.customer_id);
    expect(left).toBeLessThan(1_000);
    await panel.fill('input[name=search]', choi.card_number);
    await panel.press('input[name=search]', 'Enter');
    await expect.poll(async () => points(panel), poll).toBe(`${left.toLocaleString('en-US')}P`);
    await panel.fill('input[name=search]', newCard);
    await panel.press('input[name=search]', 'Enter');
    await expect
      .poll(async () => panel.getByTestId('name').textContent(), poll)
      .toBe('Lee Seo-jun');
    await panel.click('button[name=tab-checkout]');

    await panel.click('button[name=take-cart]');
    await expect.poll(async () => panel.inputValue('input[name=amount]'), poll).toBe('47000');
    expect(await panel.locator('select[name=coupon] option').nth(1).textContent()).toMatch(
      /^가입 축하 10% 할인 \(WL-/,
    );
    await panel.selectOption('select[name=coupon]', { index: 1 }); // the welcome coupon, 10 % off
    // A refusal of the rules is said in the till's language, not in the rules' English.
    await panel.fill('input[name=redeem]', '500');
    await expect
      .poll(async () => panel.locator('.error').textContent(), poll)
      .toBe('포인트는 1,000P부터 사용할 수 있습니다');
    await panel.fill('input[name=redeem]', '1000');
    // 47,000 - 4,700 - 1,000 = 41,300 paid; first purchase x2 at 2 %: 1,652 points; 2 stamps.
    await expect
      .poll(async () => panel.getByTestId('quote').textContent(), poll)
      .toContain('41,300원');
    expect(await panel.getByTestId('quote').textContent()).toBe(
      '결제할 금액: 41,300원 · 쿠폰 할인 -4,700원 · 포인트 사용 1,000P · 적립 예정: 1,652P · 스탬프 +2',
    );
    await checkAccessibility(panel, 'checkout');
    await panel.click('button[name=confirm]');
    await expect.poll(async () => points(panel), poll).toBe('1,652P');
    // What the sale did, for the cashier to tell the customer.
    expect(await panel.getByTestId('message').textContent()).toBe(
      '기록되었습니다 · 결제: 41,300원 · 쿠폰 할인 -4,700원 · 포인트 사용 1,000P · 적립: 1,652P · 스탬프 +2',
    );
    await expect.poll(async () => pos.inputValue('#loyalty-discount'), poll).toBe('5700');
    const enrolled = async () =>
      (await server.api('GET', `/customers/lookup?card_number=${newCard}`)).body;
    // Lookups are limited to 60 a minute per token: a poll every 50 ms would use them up.
    const slowPoll = { ...poll, interval: 1_000 };
    await expect.poll(async () => (await enrolled()).points?.total_points, slowPoll).toBe(1_652);
    // The endpoint has his new number and name too.
    expect((await server.api('GET', '/customers/lookup?phone=01024681357')).body).toMatchObject({
      card_number: newCard,
      name: 'Lee Seo-jun',
    });
    expect((await enrolled()).stamps.count).toBe(2);
    expect((await enrolled()).name).toBe('Lee Seo-jun');
    const pinCheck = await server.api(
      'POST',
      `/customers/${(await enrolled()).customer_id}/pin/verify`,
      { pin: '5791' },
    );
    expect(pinCheck.status).toBe(200);
    expect(await serverPoints(member.customer_id)).toBe(1_000);

    // One americano comes back: refund by line. 42,500 of 47,000 stays: the sale keeps
    // floor(1,652 x 37,345 / 41,300) = 1,493 points and gives back 96 of the 1,000 redeemed.
    // The customer brings the receipt: the POS's receipt number finds the sale.
    const receipt = (await pos.textContent('#receipt-id'))?.trim() ?? '';
    expect(receipt).toMatch(/^R-/);
    await panel.click('button[name=tab-refund]');
    await panel.fill('[data-testid=refund] input[name=receipt]', 'R-NOSUCH');
    await panel.press('[data-testid=refund] input[name=receipt]', 'Enter');
    await expect.poll(() => panel.locator('[data-testid=refund] .purchase').count(), poll).toBe(0);
    await panel.fill('[data-testid=refund] input[name=receipt]', receipt);
    await panel.press('[data-testid=refund] input[name=receipt]', 'Enter');
    await expect.poll(() => panel.locator('[data-testid=refund] .purchase').count(), poll).toBe(1);
    expect(await panel.getByTestId('receipt-id').textContent()).toContain(receipt);
    await checkAccessibility(panel, 'refund');
    // On the shop's clock (the program's zone), as the kiosk and the receipt have it, not the PC's.
    const sold = (
      await server.api('GET', `/customers/${(await enrolled()).customer_id}/history`)
    ).body.items.find((i: { kind: string }) => i.kind === 'purchase');
    expect(await panel.getByTestId('purchase-at').textContent()).toBe(
      await browserDateTime(panel, sold.at, 'ko-KR', 'Asia/Seoul'),
    );
    await panel.click('button[name=refund-one-americano]');
    await expect.poll(async () => points(panel), poll).toBe('1,589P');
    // What the refund did, for the cashier to tell the customer.
    expect(await panel.getByTestId('message').textContent()).toMatch(
      /^환불되었습니다 · 환불 금액: [\d,]+원 · 적립 취소 -159P · 사용 포인트 반환 \+96P · 스탬프 -1$/,
    );
    await expect.poll(async () => (await enrolled()).points?.total_points, slowPoll).toBe(1_589);
    expect((await enrolled()).stamps.count).toBe(1);
    await panel.click('button[name=tab-checkout]');

    // Cut the endpoint: the till goes on selling and refunding; the events wait in the outbox.
    const port = new URL(origin).port;
    await server.app.close();
    await panel.fill('input[name=amount]', '20000');
    await panel.fill('input[name=redeem]', '');
    await panel.selectOption('select[name=coupon]', '');
    await expect.poll(async () => panel.getByTestId('quote').textContent(), poll).toContain('400P');
    // A busy cashier double-clicks: one sale.
    await panel.dblclick('button[name=confirm]');
    await expect.poll(async () => points(panel), poll).toBe('1,989P');
    await panel.click('button[name=tab-refund]');
    await panel.locator('[data-testid=refund] button[name=refund-all]').first().click();
    await expect.poll(async () => points(panel), poll).toBe('1,589P');
    await expect.poll(async () => panel.getByTestId('pending').textContent(), poll).toContain('2');
    await expect.poll(async () => panel.getByTestId('online').textContent(), poll).toBe('오프라인');
    await checkAccessibility(panel, 'refund (offline)');

    // Bring the endpoint back on the same port and database; sync; the numbers agree.
    server = await server.restart();
    expect(new URL(server.base).port).toBe(port);
    await panel.click('button[name=sync]');
    await expect
      .poll(async () => panel.getByTestId('pending').textContent(), { timeout: 20_000 })
      .toContain('0');
    const customerId = (await enrolled()).customer_id;
    expect(await serverPoints(customerId)).toBe(1_589);
    expect(await panel.getByTestId('rejected-list').count()).toBe(0);
    expect(await serverPoints(member.customer_id)).toBe(1_000);
    const history = (await server.api('GET', `/customers/${customerId}/history`)).body.items.map(
      (i: { kind: string; points: number }) => [i.kind, i.points],
    );
    expect(history).toEqual([
      ['refund_reversal', -400],
      ['purchase', 400],
      ['refund_restore', 96],
      ['refund_reversal', -159],
      ['purchase', 1_652],
      ['redeem', -1_000],
      ['signup', 1_000],
    ]);

    // Two sales at once (two side panels, or a click the panel did not catch) cannot both spend
    // the same points: the worker records one at a time, each checked after the one before.
    const both = await panel.evaluate(async (id) => {
      const sell = () =>
        chrome.runtime.sendMessage({
          kind: 'sell',
          member_id: id,
          amount: 10_000,
          lines: [],
          redeem: 1_589,
          coupon: null,
          receipt_id: null,
          staff_id: null,
        }) as Promise<{ ok: boolean; message?: string }>;
      return Promise.all([sell(), sell()]);
    }, customerId);
    expect(both.map((r) => r.ok).sort()).toEqual([false, true]);
    expect(both.find((r) => !r.ok)?.message).toBe('only 168 points are available');
    // A POS cart of 20,000 units (a mistyped quantity) is refused by the rules, in words.
    const huge = await panel.evaluate(
      (id) =>
        chrome.runtime.sendMessage({
          kind: 'quote',
          member_id: id,
          amount: 20_000 * 4_000,
          lines: [{ sku: 'americano', category: 'drink', quantity: 20_000, unit_price: 4_000 }],
          redeem: 0,
          coupon: null,
          receipt_id: null,
          staff_id: null,
        }) as Promise<{ ok: boolean; refusal?: { code: string } }>,
      customerId,
    );
    expect(huge).toMatchObject({ ok: false, refusal: { code: 'too_many_units' } });

    // Park leaves and the owner removes them: the next sync ends their session at this till,
    // and their PIN no longer unlocks it. An adjustment they approved at this till after their
    // removal (the till had not heard yet) is refused, and listed in the till's words.
    expect((await server.api('DELETE', `/staff/${park}`)).status).toBe(200);
    const adjusted = await panel.evaluate(
      (id) =>
        chrome.runtime.sendMessage({
          kind: 'adjust',
          member_id: id,
          points: 100,
          reason: 'goodwill',
          manager_pin: '2468',
          staff_id: null,
        }) as Promise<{ ok: boolean }>,
      customerId,
    );
    expect(adjusted.ok).toBe(true);
    await panel.click('button[name=sync]');
    await expect.poll(async () => panel.locator('input[name=staff_pin]').count(), poll).toBe(1);
    await expect
      .poll(async () => panel.getByTestId('rejected-list').textContent(), poll)
      .toContain('포인트 조정 · 이 기기나 직원에게 허용되지 않음');
    await panel.fill('input[name=staff_pin]', '2468');
    await panel.click('[data-testid=unlock] button');
    await expect.poll(async () => panel.locator('p.error').textContent(), poll).toContain('PIN');
    expect(await panel.locator('input[name=search]').count()).toBe(0);
  }, 180_000);

  it('sends again, by itself, the sale an endpoint restored from a backup lost, and says so', async () => {
    const panel = await context.newPage();
    await panel.goto(`chrome-extension://${extensionId}/sidepanel.html`);
    const member = (
      await server.api('POST', '/customers', { name: 'Seo', phone: '010-7777-1212', consent: true })
    ).body.customer_id as string;
    expect(await messenger(panel)({ kind: 'sync-now' })).toMatchObject({ pending: 0 });
    const backup = join(profile, 'backup.db');
    await server.app.ctx.db.run(`VACUUM INTO ?`, [backup]);
    // A sale after the nightly backup reaches the endpoint.
    const before = await sellAndSync(panel, member, 25_000);
    expect(before).toBeGreaterThan(1_000);
    // The disk is lost and the owner restores last night's backup.
    await restoreEndpoint(backup);
    expect(await serverPoints(member)).toBe(1_000);
    // The till is not paired again: its next sync finds the new ledger and sends the sale again.
    await panel.click('button[name=sync]');
    await expect.poll(async () => serverPoints(member), poll).toBe(before);
    await expect
      .poll(async () => panel.getByTestId('restored').textContent(), poll)
      .toContain('다시 보낸 기록: 1');
  }, 60_000);

  it('paired after the backup and again after the restore, sends again the sale it had synced', async () => {
    const panel = await context.newPage();
    await panel.goto(`chrome-extension://${extensionId}/sidepanel.html`);
    const pairOnOptions = async (): Promise<string> => {
      const made = (
        await server.api('POST', '/devices', {
          store_id: 'store-1',
          role: 'cashier',
          name: 'Till 1 again',
        })
      ).body as { device_id: string; pairing_code: string };
      const options = await context.newPage();
      await options.goto(`chrome-extension://${extensionId}/options.html`);
      await options.fill('input[name=endpoint]', server.base.replace(/\/api\/v1$/, ''));
      await options.fill('input[name=pairing_code]', made.pairing_code);
      await options.click('button[type=submit]');
      await expect
        .poll(async () => options.getByTestId('paired').textContent(), poll)
        .toContain(made.device_id);
      await options.close();
      return made.device_id;
    };
    const member = (
      await server.api('POST', '/customers', {
        name: 'Yoon',
        phone: '010-7777-3434',
        consent: true,
      })
    ).body.customer_id as string;
    const backup = join(profile, 'backup-2.db');
    await server.app.ctx.db.run(`VACUUM INTO ?`, [backup]);
    // The till is paired again after the nightly backup (it holds all it had synced: nothing
    // goes again), sells, and the sale reaches the endpoint.
    await pairOnOptions();
    expect(await messenger(panel)({ kind: 'sync-now' })).toMatchObject({ pending: 0 });
    const before = await sellAndSync(panel, member, 30_000);
    expect(before).toBeGreaterThan(1_000);
    await restoreEndpoint(backup);
    expect(await serverPoints(member)).toBe(1_000);
    // The restored endpoint does not know this identity: paired again on the options page, the
    // till sends the sale again under its new one, and says so.
    await pairOnOptions();
    await panel.reload();
    await panel.click('button[name=sync]');
    await expect.poll(async () => serverPoints(member), poll).toBe(before);
    await expect
      .poll(async () => panel.getByTestId('restored').textContent(), poll)
      .toContain('다시 보낸 기록: 1');
  }, 90_000);

  it('a PIN two of the staff share unlocks nobody and approves nothing, until one is changed', async () => {
    const add = async (name: string, pin: string, role: 'cashier' | 'manager') =>
      (await server.api('POST', '/staff', { store_id: 'store-1', name, pin, role })).body
        .staff_id as string;
    const han = await add('Han', '5678', 'manager');
    const jung = await add('Jung', '5679', 'cashier');
    // Given the same PIN before the endpoint refused it (decision 0025).
    await server.app.ctx.db.run(
      `UPDATE staff SET pin_hash = (SELECT pin_hash FROM staff WHERE staff_id = ?) WHERE staff_id = ?`,
      [han, jung],
    );
    const panel = await context.newPage();
    await panel.goto(`chrome-extension://${extensionId}/sidepanel.html`);
    const send = messenger(panel);
    expect(await send({ kind: 'sync-now' })).toMatchObject({ pending: 0 });
    await panel.fill('input[name=staff_pin]', '5678');
    await panel.click('[data-testid=unlock] button');
    await expect
      .poll(async () => panel.locator('p.error').textContent(), poll)
      .toContain('두 명 이상');
    expect(await panel.locator('input[name=search]').count()).toBe(0);
    const member = (
      await server.api('POST', '/customers', {
        name: 'Moon',
        phone: '010-7777-5656',
        consent: true,
      })
    ).body.customer_id as string;
    await send({ kind: 'sync-now' });
    expect(
      await send({
        kind: 'adjust',
        member_id: member,
        points: 500,
        reason: 'goodwill',
        manager_pin: '5678',
        staff_id: null,
      }),
    ).toMatchObject({ ok: false, message: 'pin_shared' });
    // The owner gives Jung a PIN of their own; after the next sync Han's unlocks as Han.
    expect((await server.api('PATCH', `/staff/${jung}`, { pin: '1357' })).status).toBe(200);
    await send({ kind: 'sync-now' });
    await panel.fill('input[name=staff_pin]', '5678');
    await panel.click('[data-testid=unlock] button');
    await expect.poll(async () => panel.locator('input[name=search]').count(), poll).toBe(1);
  }, 60_000);
});
