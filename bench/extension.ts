/**
 * Extension benchmark in Chromium: a paired till whose device store holds 50,000 member
 * snapshots; from the side panel page, member lookup (find + member view) and checkout (quote +
 * recording the sale) through the service worker, median and p95; and the side panel's
 * JavaScript size gzipped.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { launchWithExtension } from '../test/support/chromium';
import { build } from 'vite';
import { startServer } from '../test/support/server';
import { fmt, summarizeTimes } from './stats';

const root = resolve(import.meta.dirname, '..');
const dir = resolve(root, 'dist/extension');

function sidePanelGzip(): number {
  const html = readFileSync(join(dir, 'sidepanel.html'), 'utf8');
  const files = [...html.matchAll(/(?:src|href)="\/([^"]+\.(?:js|css))"/g)].map(
    (m) => m[1] as string,
  );
  return files.reduce(
    (sum, f) => sum + gzipSync(readFileSync(join(dir, f)), { level: 9 }).length,
    0,
  );
}

export async function benchExtension(): Promise<void> {
  const members = Number(process.env.BENCH_DEVICE_MEMBERS ?? 50_000);
  console.log(
    `\n# extension: a till with ${members.toLocaleString()} member snapshots, in Chromium`,
  );
  await build({ configFile: resolve(root, 'extension/vite.config.ts'), logLevel: 'warn' });
  const server = await startServer('sqlite');
  const profile = mkdtempSync(join(tmpdir(), 'chromium-bench-'));
  const context = await launchWithExtension(profile, dir);
  try {
    const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
    const id = new URL(worker.url()).host;
    await server.api('POST', '/staff', {
      store_id: 'store-1',
      name: 'Bench',
      pin: '2468',
      role: 'cashier',
    });
    const device = (
      await server.api('POST', '/devices', {
        store_id: 'store-1',
        role: 'cashier',
        name: 'Bench till',
      })
    ).body;
    const options = await context.newPage();
    await options.goto(`chrome-extension://${id}/options.html`);
    await options.fill('input[name=endpoint]', server.base.replace(/\/api\/v1$/, ''));
    await options.fill('input[name=pairing_code]', device.pairing_code);
    await options.click('button[type=submit]');
    await options.getByTestId('paired').waitFor();
    await options.evaluate('globalThis.__name = (f) => f');

    // 50,000 members as the server would have sent them: enrollment + a purchase each.
    const t0 = performance.now();
    await options.evaluate(async (count) => {
      const db: IDBDatabase = await new Promise((ok, fail) => {
        const r = indexedDB.open('loyalty-device');
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
              card_number: `9${String(i).padStart(11, '0')}`,
              referral_code: `B${i}`,
              phone_hash: null,
              name: 'Bench',
              last_server_seq: i * 2 + 2,
              events: [
                {
                  ...base,
                  event_id: `e-${i}-1`,
                  seq: 1,
                  type: 'member_enrolled',
                  occurred_at: at,
                  payload: {
                    card_number: `9${String(i).padStart(11, '0')}`,
                    referral_code: `B${i}`,
                    referred_by: null,
                    birthday: null,
                    name: 'Bench',
                    phone: null,
                    phone_hash: null,
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
                    stamps_added: 0,
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

    const panel = await context.newPage();
    await panel.goto(`chrome-extension://${id}/sidepanel.html`);
    // tsx keeps function names with a __name helper the browser does not have.
    await panel.evaluate('globalThis.__name = (f) => f');
    const timings = await panel.evaluate(async (count) => {
      const ask = (m: unknown) => chrome.runtime.sendMessage(m);
      const lookups: number[] = [];
      const checkouts: number[] = [];
      for (let i = 0; i < 220; i += 1) {
        const n = (i * 7_919) % count;
        const card = `9${String(n).padStart(11, '0')}`;
        const a = performance.now();
        const memberId = await ask({ kind: 'find', search: card });
        await ask({ kind: 'member', member_id: memberId });
        const b = performance.now();
        const sale = {
          member_id: memberId,
          amount: 12_000 + i,
          lines: [],
          redeem: 0,
          coupon: null,
          staff_id: null,
        };
        await ask({ kind: 'quote', ...sale });
        const done = await ask({ kind: 'sell', ...sale });
        const c = performance.now();
        if (!done.ok) throw new Error(JSON.stringify(done));
        if (i >= 20) {
          lookups.push(b - a);
          checkouts.push(c - b);
        }
      }
      return { lookups, checkouts };
    }, members);
    const lookup = summarizeTimes(timings.lookups);
    const checkout = summarizeTimes(timings.checkouts);
    console.log(
      `  member lookup (find + view)            median ${fmt(lookup.median_ms).padStart(9)}   p95 ${fmt(lookup.p95_ms).padStart(9)}   (${lookup.runs} runs)   target < 20 ms`,
    );
    console.log(
      `  checkout (quote + record the sale)     median ${fmt(checkout.median_ms).padStart(9)}   p95 ${fmt(checkout.p95_ms).padStart(9)}   (${checkout.runs} runs)   target p95 < 30 ms`,
    );
    console.log(
      `  side panel JavaScript + CSS, gzipped   ${(sidePanelGzip() / 1024).toFixed(1)} KB   target <= 60 KB`,
    );
  } finally {
    await context.close();
    await server.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
