/**
 * The admin console end to end in real Chromium: build it, serve it from the endpoint on
 * loopback, and do what an owner does after a day with a till offline. Sign in (a wrong token
 * is refused), see which till has not synced for a day, hand out a pairing code that a device
 * then uses, read the conflicts and open the member concerned, find a member by a phone number
 * typed another way, read the kiosk's feedback, and publish a program version (a bad field is
 * named and nothing is published). axe-core on every screen.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordBackup } from '../../server/api-admin';
import { RESTORED_AT, writeMeta } from '../../server/context';
import { verifyPinHash } from '../../shared/protocol';
import { formatPoints, formatWon } from '../../shared/ui';
import { checkAccessibility } from '../support/axe';
import { browserDateTime, launchChromium } from '../support/chromium';
import {
  ADMIN_TOKEN,
  enrollment,
  purchase,
  startServer,
  TestDevice,
  type Running,
} from '../support/server';

const root = resolve(import.meta.dirname, '../..');
const poll = { timeout: 20_000 };
const DAY_MS = 24 * 3_600_000;

describe('admin console in Chromium', () => {
  let server: Running;
  let browser: Browser;
  let page: Page;
  let origin: string;
  /** The endpoint's clock runs this far from the real one (to make a till's last sync old). */
  let skew = 0;

  beforeAll(async () => {
    await build({ configFile: resolve(root, 'admin/vite.config.ts'), logLevel: 'warn' });
    server = await startServer('sqlite', {
      now: () => Date.now() + skew,
      static: { '/admin/': resolve(root, 'dist/admin') },
    });
    origin = server.base.replace(/\/api\/v1$/, '');
    browser = await launchChromium();
    // The owner's laptop in another zone than the shop's (Seoul, the program's).
    page = await (
      await browser.newContext({
        viewport: { width: 1280, height: 1000 },
        timezoneId: 'America/Los_Angeles',
      })
    ).newPage();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const alert = () => page.getByRole('alert').first().textContent();
  const tab = (name: string) => page.click(`button[name=tab-${name}]`);

  it('shows an owner what the tills did, and publishes the program', async () => {
    // A day ago Till 1 synced for the last time; Till 2 synced just now. Both spent the same
    // member's points offline: a conflict.
    skew = -2 * DAY_MS;
    const till1 = await TestDevice.pair(server, 'store-1', 'cashier', 'Till 1');
    const memberId = randomUUID();
    const enrolled = await till1.event(
      'member_enrolled',
      memberId,
      enrollment('8000000000017', 'ADMINQ1', { name: 'Choi Yuna', phone: '01055501234' }),
      Date.now() + skew,
    );
    expect((await till1.sync([enrolled])).body.acks[0].status).toBe('applied');
    skew = 0;
    const till2 = await TestDevice.pair(server, 'store-1', 'cashier', 'Till 2');
    const spend = (device: TestDevice, amount: number, at: number) =>
      device.event(
        'purchase_recorded',
        memberId,
        purchase(randomUUID(), amount, {
          points_redeemed: 1_000,
          amount_paid: amount - 1_000,
          points_earned: 0,
          offline: true,
        }),
        at,
      );
    const first = await spend(till2, 5_000, Date.now() - 60_000);
    const second = await spend(till2, 3_000, Date.now() - 30_000);
    expect((await till2.sync([first, second])).body.acks.map((a: any) => a.status)).toEqual([
      'applied',
      'applied',
    ]);
    const kiosk = await TestDevice.pair(server, 'store-1', 'kiosk', 'Kiosk 1');
    const feedback = [];
    for (const [score, comment] of [
      [10, 'kind staff'],
      [9, null],
      [3, 'slow'],
    ] as const)
      feedback.push(await kiosk.event('feedback_given', memberId, { score, comment }));
    expect((await kiosk.sync(feedback)).status).toBe(200);

    // Sign in, in Korean as the till and the kiosk: a wrong token is refused, and says where the
    // right one comes from.
    const response = await page.goto(`${origin}/admin/`);
    // The page that holds the admin token may not be framed, nor run scripts but its own (the
    // whole run below works under this policy).
    expect(response?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    const lang = () => page.locator('html').getAttribute('lang');
    await expect.poll(lang, poll).toBe('ko');
    expect(await page.locator('h1').textContent()).toBe('매장 멤버십 · 관리');
    await checkAccessibility(page, 'sign in');
    await page.fill('input[name=token]', 'not-the-admin-token-000000');
    await page.click('button[type=submit]');
    await expect.poll(alert, poll).toContain('관리자 토큰이 아닙니다');
    await page.fill('input[name=token]', ADMIN_TOKEN);
    await page.click('button[type=submit]');

    // Tills & kiosks: Till 1 stands out.
    const row = (name: string) => page.locator('tr', { hasText: name });
    await expect.poll(() => row('Till 1').count(), poll).toBe(1);
    expect(await row('Till 1').getAttribute('class')).toBe('stale');
    expect(await row('Till 1').textContent()).toContain('2일 전 · 하루 넘게 동기화되지 않음');
    await checkAccessibility(page, 'devices (Korean)');
    // Another admin removes a cashier while this page shows them: removing them again says
    // what happened in the console's words, with the endpoint's detail after it.
    const yoon = (
      await server.api('POST', '/staff', {
        store_id: 'store-1',
        name: 'Yoon Ara',
        role: 'cashier',
        pin: '1357',
      })
    ).body.staff_id;
    await tab('staff');
    await expect.poll(() => row('Yoon Ara').count(), poll).toBe(1);
    expect((await server.api('DELETE', `/staff/${yoon}`)).status).toBe(200);
    await row('Yoon Ara').locator('button[name=remove]').click();
    await page.click('button[name=confirm-remove]');
    await expect.poll(alert, poll).toBe(`찾을 수 없습니다: staff ${yoon} not found`);
    await tab('devices');
    // The rest in English, on a tap.
    await page.click('button[name=language]');
    await expect.poll(lang, poll).toBe('en');
    expect(await row('Till 1').textContent()).toContain('2 days ago · not synced for over a day');
    expect(await row('Till 2').getAttribute('class')).toBeNull();
    expect(await row('Till 2').locator('[data-field=last-sync]').textContent()).toMatch(
      /just now|min ago/,
    );
    expect(await row('Till 2').locator('[data-field=events]').textContent()).toBe('2');
    expect(await row('Till 1').locator('[data-field=events]').textContent()).toBe('1');
    // No backup was ever taken: the owner is told, and told how.
    expect(await page.getByTestId('backup').textContent()).toContain(
      'No backup yet: run npm run admin -- backup <file> daily',
    );
    expect(await page.getByTestId('backup').getAttribute('class')).toBe('warning');
    await checkAccessibility(page, 'devices');

    // A pairing code for a new kiosk, which a kiosk then uses.
    await page.selectOption('select[name=device-role]', 'kiosk');
    await page.click('button[name=get-code]');
    await expect.poll(alert, poll).toContain('name');
    await page.fill('input[name=device-name]', 'Kiosk 2');
    await page.click('button[name=get-code]');
    await expect.poll(() => page.getByTestId('pairing-code').count(), poll).toBe(1);
    const code = (await page.getByTestId('pairing-code').textContent()) ?? '';
    expect(code).toMatch(/^\d{8}$/);
    await expect.poll(() => row('Kiosk 2').textContent(), poll).toContain('Code given out');
    const paired = await server.api('POST', '/devices/pair', { pairing_code: code }, null);
    expect(paired.body).toMatchObject({ role: 'kiosk', store_id: 'store-1' });
    // The kiosk is retired: revoked (after a confirmation), its token no longer syncs. (The
    // nightly backup has run meanwhile: the line above the list says so.)
    await recordBackup(server.app.ctx.db, {
      at: new Date().toISOString(),
      file: '/srv/backups/loyalty.db',
      bytes: 4_096,
      members: 1_234,
      events: 5_678,
    });
    await page.reload();
    await expect
      .poll(() => page.getByTestId('backup').textContent(), poll)
      .toMatch(
        /^Last backup: (just now|\d+ min ago), to \/srv\/backups\/loyalty\.db \(1,234 members\)$/,
      );
    expect(await page.getByTestId('backup').getAttribute('class')).toBe('hint');
    expect(await page.getByTestId('restored').count()).toBe(0);
    // Restored from that backup a moment ago (npm run admin -- restore): the tills and kiosks
    // that have not synced since are named above it, for the two days records may wait on them.
    await writeMeta(server.app.ctx.db, RESTORED_AT, String(Date.now()));
    await page.reload();
    await expect
      .poll(() => page.getByTestId('restored').textContent(), poll)
      .toMatch(/^Restored from a backup (just now|\d+ min ago)\. Not synced since: .*Till 1/);
    expect(await page.getByTestId('restored').textContent()).toContain('Kiosk 2');
    expect(await page.getByTestId('restored').getAttribute('class')).toBe('warning');
    await checkAccessibility(page, 'devices after a restore');
    await server.app.ctx.db.run(`DELETE FROM meta WHERE key = 'restored_at'`);
    await expect.poll(() => row('Kiosk 2').count(), poll).toBe(1);
    await row('Kiosk 2').locator('button[name=revoke]').click();
    await page.click('button[name=cancel-revoke]');
    expect(await row('Kiosk 2').locator('[data-field=paired]').textContent()).not.toContain(
      'Revoked',
    );
    await row('Kiosk 2').locator('button[name=revoke]').click();
    await page.click('button[name=confirm-revoke]');
    await expect
      .poll(() => page.getByRole('status').first().textContent(), poll)
      .toBe('Kiosk 2 is revoked: it can no longer sync.');
    await expect
      .poll(() => row('Kiosk 2').locator('[data-field=paired]').textContent(), poll)
      .toMatch(/^Revoked /);
    expect(await row('Kiosk 2').locator('button[name=revoke]').count()).toBe(0);
    const kioskSync = await server.api(
      'POST',
      '/sync',
      { protocol: 1, device_id: paired.body.device_id, events: [], cursor: 0 },
      paired.body.token,
    );
    expect(kioskSync.status).toBe(401);

    // Staff: a cashier joins (a PIN that is not 4-8 digits is refused first), then leaves, and
    // the tills' next sync no longer carries them.
    await tab('staff');
    await page.fill('input[name=staff-name]', 'Han Jisoo');
    await page.fill('input[name=staff-pin]', '12');
    await page.click('button[name=add-staff]');
    await expect.poll(alert, poll).toContain('The PIN is 4 to 8 digits.');
    await page.fill('input[name=staff-pin]', '2468');
    await page.click('button[name=add-staff]');
    await expect
      .poll(() => page.getByRole('status').first().textContent(), poll)
      .toBe('Han Jisoo is added.');
    await expect.poll(() => row('Han Jisoo').count(), poll).toBe(1);
    expect(await row('Han Jisoo').textContent()).toContain('Cashier');
    await checkAccessibility(page, 'staff');
    const han = (await server.api('GET', '/staff?store_id=store-1')).body.staff.find(
      (x: { name: string }) => x.name === 'Han Jisoo',
    );
    expect((await till2.sync()).body.staff.map((x: any) => x.staff_id)).toContain(han.staff_id);
    // Another with Han's PIN is refused (each unlocks the tills with their own); Han forgets
    // his and gets a new one, which the tills take at their next sync.
    await page.fill('input[name=staff-name]', 'Kang Mirae');
    await page.fill('input[name=staff-pin]', '2468');
    await page.click('button[name=add-staff]');
    await expect.poll(alert, poll).toContain('another member of staff in this store');
    await row('Han Jisoo').getByRole('button', { name: 'Change PIN: Han Jisoo' }).click();
    await page.fill('input[name=new-pin]', '86420');
    await checkAccessibility(page, 'staff PIN');
    await page.click('button[name=save-pin]');
    await expect
      .poll(() => page.getByRole('status').first().textContent(), poll)
      .toContain("Han Jisoo's PIN is changed");
    const hanHash = (await till2.sync()).body.staff.find(
      (x: { staff_id: string }) => x.staff_id === han.staff_id,
    ).pin_hash;
    expect(verifyPinHash('86420', hanHash)).toBe(true);
    expect(verifyPinHash('2468', hanHash)).toBe(false);
    await row('Han Jisoo').getByRole('button', { name: 'Remove: Han Jisoo' }).click();
    expect(await row('Han Jisoo').textContent()).toContain('Remove Han Jisoo?');
    await page.click('button[name=confirm-remove]');
    await expect.poll(() => row('Han Jisoo').count(), poll).toBe(0);
    expect(await page.getByRole('status').first().textContent()).toContain('Han Jisoo is removed');
    expect((await till2.sync()).body.staff.map((x: any) => x.staff_id)).not.toContain(han.staff_id);

    // Conflicts: the second offline spend, and the member it concerns.
    await tab('conflicts');
    const conflict = page.locator('tr[data-conflict=overdrawn]');
    await expect.poll(() => conflict.count(), poll).toBe(1);
    expect(await conflict.textContent()).toContain(
      'Points spent beyond the balance offline (a debt)',
    );
    await checkAccessibility(page, 'conflicts');
    await conflict.getByRole('button', { name: 'Open member' }).click();
    const member = page.getByTestId('member');
    await expect
      .poll(() => member.locator('[data-field=card]').textContent(), poll)
      .toBe('8000000000017');
    const profile = (await server.api('GET', `/customers/${memberId}`)).body;
    expect(profile.points.debt).toBeGreaterThan(0);
    // On the shop's clock, as the tills and the kiosk show times.
    expect(await member.locator('[data-field=since]').textContent()).toBe(
      await browserDateTime(page, profile.enrolled_at, 'en-GB', 'Asia/Seoul'),
    );
    // Tiers by the names the program gives them, the next one too.
    expect(await member.locator('[data-field=tier]').textContent()).toBe(
      `Basic (${formatWon(profile.amount_to_next_tier, 'en')} more a month to Silver)`,
    );
    expect(await member.locator('[data-field=points]').textContent()).toContain(
      `a debt of ${formatPoints(profile.points.debt, 'en')}`,
    );
    await checkAccessibility(page, 'member');
    // Handled: the manager notes it and it leaves the open list; it shows among the handled.
    await tab('conflicts');
    await expect.poll(() => conflict.count(), poll).toBe(1);
    await page.fill('input[name=handled-note]', 'Called her: paid from her next points');
    await conflict.locator('button[name=mark-handled]').click();
    await expect.poll(() => conflict.count(), poll).toBe(0);
    expect(await page.locator('section[aria-labelledby=conflicts-title]').textContent()).toContain(
      'No conflicts.',
    );
    await page.check('input[name=show-handled]');
    await expect
      .poll(() => conflict.locator('[data-field=handled]').textContent(), poll)
      .toContain('Called her: paid from her next points');
    await checkAccessibility(page, 'conflicts handled');
    expect((await server.api('GET', '/conflicts')).body.conflicts).toEqual([]);

    // Members: the list, by name, twenty at a time.
    for (let i = 1; i <= 20; i += 1) {
      const made = await server.api('POST', '/customers', {
        name: `Member ${String(i).padStart(2, '0')}`,
        phone: `0107777${String(i).padStart(4, '0')}`,
      });
      expect(made.status).toBe(201);
    }
    await tab('conflicts');
    await tab('members');
    const listed = () => page.locator('[data-testid=member-list] tbody tr').count();
    await expect.poll(listed, poll).toBe(20);
    expect(
      await page.locator('[data-testid=member-list] tbody tr').first().textContent(),
    ).toContain('Choi Yuna');
    await page.click('button[name=more-members]');
    await expect.poll(listed, poll).toBe(21);
    expect(await page.locator('button[name=more-members]').count()).toBe(0);
    await checkAccessibility(page, 'member list');
    // Part of a name lists those who have it; a row opens its member.
    await page.fill('input[name=member-search]', 'member 1');
    await page.click('button[name=find]');
    await expect.poll(listed, poll).toBe(10);
    await page.getByRole('button', { name: 'Open member: Member 17' }).click();
    await expect.poll(() => member.locator('h3').textContent(), poll).toBe('Member 17');
    // Found by the phone number written the international way; an unknown one is said.
    await page.fill('input[name=member-search]', '+82 10-5550-0000');
    await page.click('button[name=find]');
    await expect
      .poll(alert, poll)
      .toContain('No member has this name, card number or phone number');
    await page.fill('input[name=member-search]', '+82 10-5550-1234');
    await page.click('button[name=find]');
    await expect.poll(() => member.locator('h3').textContent(), poll).toBe('Choi Yuna');
    // Her details corrected: another member's number is refused and nothing changes; then a new
    // number and her birthday are saved, and the endpoint finds her by the new number.
    await member.locator('button[name=edit-member]').click();
    await page.fill('input[name=member-phone]', '010-7777-0003');
    await page.click('button[name=save-member]');
    await expect.poll(alert, poll).toContain('a member with this phone number exists');
    await page.fill('input[name=member-phone]', '010-5550-9876');
    await page.fill('input[name=member-birthday]', '1994-03-08');
    await checkAccessibility(page, 'member details');
    await page.click('button[name=save-member]');
    await expect
      .poll(() => member.locator('[data-field=phone]').textContent(), poll)
      .toBe('01055509876');
    expect(await member.locator('[role=status]').textContent()).toContain('Saved');
    expect(await member.locator('[data-field=birthday]').textContent()).toBe('1994-03-08');
    const moved = await server.api('GET', '/customers/lookup?phone=01055509876');
    expect(moved.body).toMatchObject({ customer_id: memberId, birthday: '1994-03-08' });
    expect((await server.api('GET', '/customers/lookup?phone=01055501234')).status).toBe(404);
    // Every member as a file for a spreadsheet, with her new number and her points.
    const [file] = await Promise.all([
      page.waitForEvent('download'),
      page.click('button[name=download-members]'),
    ]);
    expect(file.suggestedFilename()).toMatch(/^members-(all|store-1)-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = readFileSync((await file.path()) as string, 'utf8');
    expect(csv.startsWith('\uFEFFcustomer_id,card_number,name,phone,')).toBe(true);
    const hers = csv.split('\r\n').find((line) => line.startsWith(memberId)) ?? '';
    expect(hers).toContain(',Choi Yuna,01055509876,1994-03-08,');
    expect(csv.split('\r\n').filter((line) => line.includes(',Member ')).length).toBe(20);
    await expect
      .poll(() => page.locator('[role=status]').first().textContent(), poll)
      .toContain(file.suggestedFilename());

    // Activity over the last week on the shop's calendar: the 21 who joined (one two days ago
    // at Till 1, twenty just now), and Till 2's two sales to Choi Yuna with 1,000 points each.
    await tab('report');
    const seoulDate = (ms: number) =>
      new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Seoul' }).format(ms);
    const span = { from: seoulDate(Date.now() - 7 * DAY_MS), to: seoulDate(Date.now()) };
    await page.fill('input[name=report-from]', span.from);
    await page.fill('input[name=report-to]', span.to);
    await page.click('button[name=show-report]');
    const totals = page.getByTestId('report-totals');
    const shown = (field: string) => totals.locator(`[data-field=${field}]`).textContent();
    await expect.poll(() => shown('new_members'), poll).toBe('21');
    expect(await shown('purchases')).toBe('2');
    expect(await shown('members_purchasing')).toBe('1');
    expect(await shown('sales_amount')).toBe('₩8,000');
    expect(await shown('points_redeemed')).toBe('2,000');
    expect(await shown('refunds')).toBe('0');
    // Who bought: Choi Yuna twice (a repeat buyer), new to buying; and the week before's
    // buyers who came back, as the endpoint counts them.
    const activity = (await server.api('GET', `/reports/activity?from=${span.from}&to=${span.to}`))
      .body;
    const buyers = page.getByTestId('report-buyers');
    const buyer = (field: string) => buyers.locator(`[data-field=${field}]`).textContent();
    expect(await buyer('average_purchase')).toBe(formatWon(activity.totals.average_purchase, 'en'));
    expect(activity.totals.average_purchase).toBe(activity.totals.amount_paid / 2);
    expect(await buyer('repeat_members')).toBe('1 (100%)');
    expect(await buyer('returning_members')).toBe('0 (0%)');
    const before = activity.retention;
    expect(before.to).toBe(seoulDate(Date.now() - 8 * DAY_MS));
    expect(await buyer('retained_members')).toBe(
      `${before.retained_members} of the ${before.members_purchasing} member${before.members_purchasing === 1 ? '' : 's'} who bought from ${before.from} to ${before.to}`,
    );
    // The benefits used: points, on both sales.
    expect(activity.benefits).toEqual([
      { benefit: 'points', source: null, uses: 2, amount: 2_000 },
    ]);
    const benefits = page.getByTestId('report-benefits');
    expect(await benefits.locator('dt').allTextContents()).toEqual(['Points']);
    expect(await benefits.locator('[data-field="points:"]').textContent()).toBe(
      '2 times, worth ₩2,000',
    );
    // The same days as a file for a spreadsheet: a line a day, then the totals.
    const [activityFile] = await Promise.all([
      page.waitForEvent('download'),
      page.click('button[name=download-activity]'),
    ]);
    expect(activityFile.suggestedFilename()).toMatch(
      new RegExp(`^activity-(all|store-1)-${span.from}-${span.to}\\.csv$`),
    );
    const dayLines = readFileSync((await activityFile.path()) as string, 'utf8')
      .trimEnd()
      .split('\r\n');
    expect(dayLines).toHaveLength(1 + 8 + 1);
    expect(dayLines.at(-1)).toMatch(/^total,21,2,8000,/);
    await expect
      .poll(() => page.locator('[role=status]').first().textContent(), poll)
      .toContain(activityFile.suggestedFilename());
    // The days with something in them, each on its own row.
    const days = await page.locator('[data-testid=report-days] tbody tr').count();
    expect(days).toBeGreaterThanOrEqual(1);
    expect(days).toBeLessThanOrEqual(2);
    // What the members hold now, shop-wide, as the endpoint's points report says: among it
    // the member who spent beyond the balance offline (the conflict above) owes points.
    const held = (await server.api('GET', '/reports/points')).body;
    expect(held.members).toBe(21);
    expect(held.points_outstanding).toBeGreaterThan(0);
    expect(held.members_in_debt).toBe(1);
    const heldCard = page.getByTestId('points-held');
    const heldText = (field: string) => heldCard.locator(`[data-field=${field}]`).textContent();
    await expect.poll(() => heldText('members'), poll).toBe('21');
    expect(await heldText('points_outstanding')).toBe(formatPoints(held.points_outstanding, 'en'));
    expect(await heldText('liability')).toBe(formatWon(held.liability.amount, 'en'));
    expect(held.lifetime_spend.average_per_member).toBe(
      Math.floor(held.lifetime_spend.amount / 21),
    );
    expect(await heldText('lifetime_spend')).toBe(
      formatWon(held.lifetime_spend.average_per_member, 'en'),
    );
    expect(await heldText('debt')).toBe(`${formatPoints(held.debt, 'en')} (1 member)`);
    expect(await heldText('tiers')).toBe(
      held.tiers
        .map((x: { name: string; members: number }) => `${x.name} ${x.members}`)
        .join(' · '),
    );
    expect(await heldCard.getByText('Expiring within 30 days').count()).toBe(1);
    await checkAccessibility(page, 'report');
    // Days when nothing happened say so.
    await page.fill('input[name=report-from]', '2025-01-01');
    await page.fill('input[name=report-to]', '2025-01-31');
    await page.click('button[name=show-report]');
    await expect.poll(() => shown('new_members'), poll).toBe('0');
    expect(await page.getByText('Nothing happened in these days.').count()).toBe(1);
    expect(await page.getByTestId('report-benefits').textContent()).toContain(
      'No points, coupons or member discounts were used in these days.',
    );

    // Feedback: 2 promoters and 1 detractor of 3 answers is an NPS of 33.
    await tab('feedback');
    await expect
      .poll(() => page.getByTestId('nps').textContent(), poll)
      .toContain('Net Promoter Score 33 from 3 answers');
    expect(await page.locator('td', { hasText: 'slow' }).count()).toBe(1);
    await checkAccessibility(page, 'feedback');

    // Program: a bad field is named and nothing is published; a good change is version 2.
    await tab('program');
    await expect
      .poll(() => page.getByTestId('program-version').textContent(), poll)
      .toContain('Version 1');
    await checkAccessibility(page, 'program');
    const definition = JSON.parse(await page.inputValue('textarea[name=program]'));
    definition.tiers[1].earn_rate_bp = 2.5;
    await page.fill('textarea[name=program]', JSON.stringify(definition, null, 2));
    await page.click('button[name=publish]');
    await expect.poll(alert, poll).toContain('tiers.1.earn_rate_bp');
    expect((await server.api('GET', '/program')).body.version).toBe(1);
    definition.tiers[1].earn_rate_bp = 350;
    definition.signup_bonus = 2_000;
    // The shop is in London after all: from version 2 its days and times are London's.
    definition.time_zone = 'Europe/London';
    await page.fill('textarea[name=program]', JSON.stringify(definition, null, 2));
    await page.click('button[name=publish]');
    await expect
      .poll(() => page.getByTestId('published').textContent(), poll)
      .toBe('Version 2 is published.');
    expect((await server.api('GET', '/program')).body).toMatchObject({
      version: 2,
      signup_bonus: 2_000,
    });
    await expect
      .poll(() => page.getByTestId('program-version').textContent(), poll)
      .toContain('Version 2');
    // Every time on screen follows the new zone at once, without a reload.
    await tab('conflicts');
    await page.check('input[name=show-handled]');
    await page
      .locator('tr[data-conflict=overdrawn]')
      .getByRole('button', { name: 'Open member' })
      .click();
    await expect
      .poll(() => member.locator('[data-field=since]').textContent(), poll)
      .toBe(await browserDateTime(page, profile.enrolled_at, 'en-GB', 'Europe/London'));

    // Integrations: a key for the web shop, shown once, which works; revoked, it no longer does.
    await tab('integrations');
    await expect.poll(() => page.getByText('No integration keys yet.').count(), poll).toBe(1);
    await page.click('button[name=make-key]');
    await expect.poll(alert, poll).toContain('Name what it is for');
    await page.fill('input[name=integration-name]', 'web shop');
    await page.click('button[name=make-key]');
    await expect.poll(() => page.getByTestId('integration-key').count(), poll).toBe(1);
    const key = (await page.getByTestId('integration-key').textContent()) ?? '';
    const keyWorks = async () =>
      (await server.api('GET', `/customers/${memberId}/points`, undefined, key)).status;
    expect(await keyWorks()).toBe(200);
    await expect
      .poll(() => row('web shop').locator('[data-field=status]').textContent(), poll)
      .toBe('Active');
    await checkAccessibility(page, 'integrations');
    await row('web shop').locator('button[name=revoke]').click();
    await page.click('button[name=confirm-revoke]');
    await expect
      .poll(() => page.getByRole('status').first().textContent(), poll)
      .toBe('The web shop key is revoked: it no longer works.');
    await expect
      .poll(() => row('web shop').locator('[data-field=status]').textContent(), poll)
      .toMatch(/^Revoked /);
    expect(await page.getByTestId('integration-key').count()).toBe(0);
    expect(await keyWorks()).toBe(401);

    // A token that stops working (replaced, revoked) while signed in: back to the sign-in,
    // saying why.
    await page.evaluate(() => sessionStorage.setItem('loyalty-admin-token', 'revoked-token-0000'));
    await page.reload();
    await expect.poll(alert, poll).toContain('The admin token no longer works');
    expect(await page.locator('input[name=token]').count()).toBe(1);
    await page.fill('input[name=token]', ADMIN_TOKEN);
    await page.click('button[type=submit]');
    await expect.poll(() => page.locator('button[name=sign-out]').count(), poll).toBe(1);

    // Signing out forgets the token, also across a reload; the language is remembered.
    await page.click('button[name=sign-out]');
    await page.reload();
    await expect.poll(() => page.locator('input[name=token]').count(), poll).toBe(1);
    expect(await lang()).toBe('en');
    expect(await page.locator('h1').textContent()).toBe('Store loyalty · Admin');
  }, 120_000);
});
