/**
 * npm run demo: seeds the default store with sample members and four months of history through
 * the API (the same rules and ledger as any channel), so a newcomer sees real numbers at once.
 * Safe to run twice: it seeds once per database.
 */
import { createApp } from './app';
import { bootstrap } from './bootstrap';
import { loadConfig } from './config';
import { createToken } from './api-admin';
import { openDatabase } from './db/database';
import { formatInstant } from '../shared/rules';

/** A small deterministic PRNG (mulberry32): the same demo every time. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const NAMES = [
  'Kim Minji',
  'Lee Seojun',
  'Park Jiwoo',
  'Choi Yuna',
  'Jung Hyunwoo',
  'Kang Soyeon',
  'Cho Minho',
  'Yoon Jisu',
  'Jang Taeyang',
  'Lim Hana',
  'Han Dohyun',
  'Oh Sena',
];
const PRODUCTS = [
  { sku: 'americano', category: 'drink', unit_price: 4_500 },
  { sku: 'latte', category: 'drink', unit_price: 5_500 },
  { sku: 'beans-1kg', category: 'goods', unit_price: 38_000 },
  { sku: 'tumbler', category: 'goods', unit_price: 29_000 },
  { sku: 'cake', category: 'food', unit_price: 7_500 },
  { sku: 'gift-set', category: 'goods', unit_price: 120_000 },
];

const config = loadConfig();
const db = await openDatabase(
  config.databaseUrl ? { url: config.databaseUrl } : { file: config.sqliteFile },
);
const app = await createApp(db);
const boot = await bootstrap(app.ctx, { adminToken: config.adminToken });
const seeded = await db.get(`SELECT value FROM meta WHERE key = 'demo_seeded'`);
if (seeded) {
  console.log('The demo data is there already (npm start shows it).');
  await app.close();
  process.exit(0);
}
const token = await createToken(app.ctx, 'admin', 'demo seeding');
const port = await app.listen(0);
const base = `http://127.0.0.1:${port}/api/v1`;
/** The fields of the API's answers the demo reads back. */
interface Json {
  customer_id: string;
  referral_code: string;
  card_number: string;
  available_points: number;
  purchase_id: string;
  tier: string;
  points: { total_points: number };
  coupons: { code: string; source: string; status: string }[];
}
const call = async (method: string, path: string, body?: unknown): Promise<Json> => {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as Json;
  if (res.status >= 400) throw new Error(`${method} ${path}: ${JSON.stringify(json)}`);
  return json;
};

const rnd = random(20261122);
const now = Date.now();
const DAY = 86_400_000;
const start = now - 120 * DAY;
const at = (ms: number): string => formatInstant('Asia/Seoul', ms);
const members: { id: string; name: string; code: string; card: string }[] = [];
for (const [i, name] of NAMES.entries()) {
  const referrer = i > 2 && rnd() < 0.3 ? members[Math.floor(rnd() * members.length)] : undefined;
  const m = await call('POST', '/customers', {
    name,
    phone: `0105${String(1000000 + i * 7919).slice(-7)}`,
    birthday: `19${80 + i}-${String((i % 12) + 1).padStart(2, '0')}-15`,
    pin: '1234',
    store_id: boot.store_id,
    referral_code: referrer?.code,
    occurred_at: at(start + i * 3 * DAY),
    consent: true,
  });
  members.push({ id: m.customer_id, name, code: m.referral_code, card: m.card_number });
}
/** Whether a sale would go through (the quote answers as the sale would), without recording it. */
const quoteOk = (memberId: string, body: unknown): Promise<boolean> =>
  call('POST', `/customers/${memberId}/quote`, body).then(
    () => true,
    () => false,
  );
let purchases = 0;
let refunds = 0;
let couponsUsed = 0;
for (const [i, m] of members.entries()) {
  // Big spenders first: tiers from PLATINUM down to BASIC.
  const visits = 4 + Math.floor(rnd() * 10) + (i < 3 ? 12 : 0);
  let t = start + i * 3 * DAY + DAY;
  for (let v = 0; v < visits && t < now - DAY; v += 1) {
    const lines = [];
    const count = 1 + Math.floor(rnd() * 3);
    for (let k = 0; k < count; k += 1) {
      const p = PRODUCTS[
        Math.floor(rnd() * (i < 3 ? PRODUCTS.length : 5))
      ] as (typeof PRODUCTS)[number];
      lines.push({ ...p, quantity: 1 + Math.floor(rnd() * (p.category === 'drink' ? 4 : 2)) });
    }
    const amount = lines.reduce((s, l) => s + l.quantity * l.unit_price, 0);
    const profile = await call(
      'GET',
      `/customers/${m.id}/points?as_of=${encodeURIComponent(at(t))}`,
    );
    const redeem =
      profile.available_points >= 2_000 && rnd() < 0.3
        ? Math.min(profile.available_points, Math.floor(amount / 2))
        : 0;
    const body = {
      store_id: boot.store_id,
      amount,
      lines,
      redeem_points: redeem >= 1_000 ? redeem : 0,
      occurred_at: at(t),
    };
    // Most members bring the welcome coupon to their first purchase, and some the coupons they
    // get later (a stamp card's free drink, a tier's or a birthday's discount): the owner's
    // report then shows which benefits are used most.
    const { coupons } = await call(
      'GET',
      `/customers/${m.id}/coupons?as_of=${encodeURIComponent(at(t))}`,
    );
    const usable = coupons.filter(
      (c) => c.status === 'active' && (c.source === 'welcome') === (v === 0),
    );
    const coupon = usable[Math.floor(rnd() * usable.length)];
    const bring = v === 0 ? 0.8 : 0.5;
    const withCoupon = coupon && rnd() < bring ? { ...body, coupon_code: coupon.code } : null;
    const used = withCoupon !== null && (await quoteOk(m.id, withCoupon));
    const sale = await call('POST', `/customers/${m.id}/purchases`, used ? withCoupon : body);
    purchases += 1;
    if (used) couponsUsed += 1;
    if (rnd() < 0.08) {
      await call('POST', `/purchases/${sale.purchase_id}/refunds`, {
        occurred_at: at(t + 2 * 3_600_000),
        amount: Math.max(1, Math.floor(amount / 2)),
      });
      refunds += 1;
    }
    t += Math.floor((3 + rnd() * 10) * DAY);
  }
}
await db.run(`INSERT INTO meta (key, value) VALUES ('demo_seeded', ?)`, [new Date().toISOString()]);
console.log(
  `Seeded store ${boot.store_id}: ${members.length} members, ${purchases} purchases (${couponsUsed} with a coupon), ${refunds} refunds over four months.`,
);
for (const m of members.slice(0, 5)) {
  const p = await call('GET', `/customers/${m.id}`);
  console.log(
    `  ${m.name.padEnd(14)} card ${m.card}  ${p.tier.padEnd(8)} ${String(p.points.total_points).padStart(7)} points  PIN 1234`,
  );
}
await db.run(`UPDATE tokens SET revoked_at = ? WHERE name = 'demo seeding'`, [
  new Date().toISOString(),
]);
if (boot.newAdminToken) console.log(`\nAdmin token (shown once, keep it): ${boot.newAdminToken}`);
await app.close();
