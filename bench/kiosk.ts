/**
 * Kiosk benchmark in Chromium: the PWA served by the endpoint, paired as a kiosk, its device
 * store holding 100,000 member snapshots. Measured: a reload with the network cut until the
 * start screen takes input (median of repeated runs); identification from the screen (card
 * number typed and submitted, until the member screen is drawn); the app's JS + CSS gzipped.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { launchChromium } from '../test/support/chromium';
import { build } from 'vite';
import { startServer } from '../test/support/server';
import { fmt, summarizeTimes } from './stats';

const root = resolve(import.meta.dirname, '..');
const dir = resolve(root, 'dist/kiosk');

function appGzip(): number {
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  const files = [...html.matchAll(/(?:src|href)="\/kiosk\/([^"]+\.(?:js|css))"/g)].map(
    (m) => m[1] as string,
  );
  return files.reduce(
    (sum, f) => sum + gzipSync(readFileSync(join(dir, f)), { level: 9 }).length,
    0,
  );
}

export async function benchKiosk(): Promise<void> {
  const members = Number(process.env.BENCH_KIOSK_MEMBERS ?? 100_000);
  console.log(`\n# kiosk: a PWA with ${members.toLocaleString()} member snapshots, in Chromium`);
  await build({ configFile: resolve(root, 'kiosk/vite.config.ts'), logLevel: 'warn' });
  const server = await startServer('sqlite', { static: { '/kiosk/': dir } });
  const origin = server.base.replace(/\/api\/v1$/, '');
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ viewport: { width: 1080, height: 1600 } });
    const page = await context.newPage();
    const device = (
      await server.api('POST', '/devices', { store_id: 'store-1', role: 'kiosk', name: 'Bench' })
    ).body;
    await page.goto(`${origin}/kiosk/`);
    await page.fill('input[name=pairing_code]', device.pairing_code);
    await page.click('button[type=submit]');
    await page.waitForSelector('main[data-screen=start]');
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    await page.evaluate('globalThis.__name = (f) => f');

    // 100,000 members as the endpoint would have sent them: enrollment + a purchase each.
    const t0 = performance.now();
    await page.evaluate(async (count) => {
      const db: IDBDatabase = await new Promise((ok, fail) => {
        const r = indexedDB.open('loyalty-kiosk');
        r.onsuccess = () => ok(r.result);
        r.onerror = () => fail(r.error);
      });
      const at = '2026-06-01T10:00:00+09:00';
      for (let start = 0; start < count; start += 5_000) {
        await new Promise<void>((ok, fail) => {
          const tx = db.transaction('members', 'readwrite');
          const store = tx.objectStore('members');
          for (let i = start; i < Math.min(count, start + 5_000); i += 1) {
            const member = `bench-${i}`;
            const card = `9${String(i).padStart(11, '0')}`;
            const base = {
              device_id: 'seed',
              store_id: 'store-1',
              staff_id: null,
              member_id: member,
              program_version: 1,
              prev_hash: '0'.repeat(64),
              hash: '0'.repeat(64),
            };
            store.put({
              member_id: member,
              card_number: card,
              referral_code: `B${i}`,
              phone_hash: `hash-${i}`,
              name: 'B****',
              last_server_seq: i * 2 + 2,
              events: [
                {
                  ...base,
                  event_id: `e-${i}-1`,
                  seq: 1,
                  type: 'member_enrolled',
                  occurred_at: at,
                  payload: {
                    card_number: card,
                    referral_code: `B${i}`,
                    referred_by: null,
                    birthday: null,
                    name: 'B****',
                    phone: null,
                    phone_hash: `hash-${i}`,
                    consent: true,
                  },
                },
                {
                  ...base,
                  event_id: `e-${i}-2`,
                  seq: 2,
                  type: 'purchase_recorded',
                  occurred_at: '2026-06-02T10:00:00+09:00',
                  payload: {
                    purchase_id: `p-${i}`,
                    receipt_id: null,
                    amount: 30_000,
                    lines: [],
                    coupon_code: null,
                    coupon_discount: 0,
                    membership_discount: 0,
                    points_redeemed: 0,
                    amount_paid: 30_000,
                    points_earned: 600,
                    stamps_added: 1,
                    offline: false,
                  },
                },
              ],
            });
          }
          tx.oncomplete = () => ok();
          tx.onerror = () => fail(tx.error);
        });
      }
      db.close();
    }, members);
    console.log(
      `  seeded ${members.toLocaleString()} member snapshots in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );

    // Offline reload until the start screen takes input.
    await context.setOffline(true);
    const reloads: number[] = [];
    for (let i = 0; i < 12; i += 1) {
      const a = performance.now();
      await page.reload({ waitUntil: 'commit' });
      await page.waitForSelector('main[data-screen=start] #code:not([disabled])');
      const b = performance.now();
      if (i >= 2) reloads.push(b - a);
    }
    if (!(await page.evaluate(() => navigator.serviceWorker.controller !== null)))
      throw new Error('the offline reloads were not served by the service worker');

    // Identification from the screen: type a card number, submit, until the member screen.
    await page.evaluate('globalThis.__name = (f) => f');
    const looks = await page.evaluate(async (count) => {
      const times: number[] = [];
      const screenIs = (name: string) =>
        new Promise<void>((ok) => {
          const check = () => document.querySelector(`main[data-screen=${name}]`) !== null;
          if (check()) return ok();
          const obs = new MutationObserver(() => {
            if (check()) {
              obs.disconnect();
              ok();
            }
          });
          obs.observe(document.body, { childList: true, subtree: true, attributes: true });
        });
      for (let i = 0; i < 120; i += 1) {
        const n = (i * 7_919) % count;
        const input = document.querySelector<HTMLInputElement>('#code');
        const form = input?.form;
        if (!input || !form) throw new Error('no code field on the start screen');
        input.value = `9${String(n).padStart(11, '0')}`;
        input.dispatchEvent(new Event('input', { bubbles: true }));
        await new Promise((ok) => requestAnimationFrame(ok));
        const a = performance.now();
        form.requestSubmit();
        await screenIs('member');
        const b = performance.now();
        if (!document.querySelector('[data-testid=available]')?.textContent?.includes('600'))
          throw new Error(`member ${n}: the points are not on screen`);
        if (i >= 20) times.push(b - a);
        const home = [...document.querySelectorAll('header button')][0] as HTMLButtonElement;
        home.click();
        await screenIs('start');
      }
      return times;
    }, members);
    const reload = summarizeTimes(reloads);
    const lookup = summarizeTimes(looks);
    console.log(
      `  offline reload to a usable start screen  median ${fmt(reload.median_ms).padStart(9)}   p95 ${fmt(reload.p95_ms).padStart(9)}   (${reload.runs} runs)   target < 1 s`,
    );
    console.log(
      `  identify by card (submit to member screen) median ${fmt(lookup.median_ms).padStart(9)}   p95 ${fmt(lookup.p95_ms).padStart(9)}   (${lookup.runs} runs)   target < 50 ms`,
    );
    console.log(
      `  kiosk JavaScript + CSS, gzipped          ${(appGzip() / 1024).toFixed(1)} KB   target <= 80 KB`,
    );
    await context.close();
  } finally {
    await browser.close();
    await server.close();
  }
}
