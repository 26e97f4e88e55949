/**
 * Rules benchmark: a member with 10,000 events (three years of purchases, redemptions, refunds
 * and adjustments). Prints replay time and quote time on the replayed state.
 */
import {
  DEFAULT_PROGRAM,
  formatInstant,
  quoteCheckout,
  replay,
  singleProgram,
  type LedgerEvent,
  type Payload,
} from '../shared/rules';
import { report, time } from './stats';

export function memberHistory(
  count: number,
  memberId = 'bench-member',
): { events: LedgerEvent[]; end: number } {
  const events: LedgerEvent[] = [];
  let t = Date.parse('2023-01-02T09:00:00+09:00');
  const step = Math.floor((3 * 365 * 24 * 3_600_000) / count);
  let seq = 0;
  const push = (type: LedgerEvent['type'], payload: unknown): void => {
    seq += 1;
    events.push({
      event_id: `e-${seq}`,
      member_id: memberId,
      occurred_at: formatInstant('Asia/Seoul', t),
      store_id: 'store-1',
      device_id: 'till-1',
      seq,
      program_version: 1,
      type,
      payload,
    } as LedgerEvent);
  };
  push('member_enrolled', {
    card_number: 'card-1',
    referral_code: 'ref-1',
    referred_by: null,
    birthday: '--05-17',
    name: 'Bench',
    phone: null,
    phone_hash: null,
    consent: true,
  } satisfies Payload<'member_enrolled'>);
  let purchase = 0;
  while (events.length < count) {
    t += step;
    purchase += 1;
    const amount = 5_000 + ((purchase * 7_919) % 95_000);
    const redeem = purchase % 7 === 0 ? 1_000 : 0;
    const lines = [
      { sku: 'latte', category: 'drink', quantity: 1, unit_price: 5_000 },
      { sku: 'goods', category: 'goods', quantity: 1, unit_price: amount - 5_000 },
    ];
    push('purchase_recorded', {
      purchase_id: `p-${purchase}`,
      receipt_id: null,
      amount,
      lines,
      coupon_code: null,
      coupon_discount: 0,
      membership_discount: 0,
      points_redeemed: redeem,
      amount_paid: amount - redeem,
      points_earned: Math.floor(((amount - redeem) * 2) / 100),
      stamps_added: 1,
      offline: false,
    } satisfies Payload<'purchase_recorded'>);
    if (purchase % 10 === 0 && events.length < count) {
      t += 1_000;
      push('purchase_refunded', {
        refund_id: `r-${purchase}`,
        purchase_id: `p-${purchase}`,
        amount: 5_000,
        lines: [{ sku: 'latte', quantity: 1 }],
        amount_refunded: 0,
        points_reversed: 0,
        points_restored: 0,
        coupon_restored: false,
        stamps_removed: 1,
      } satisfies Payload<'purchase_refunded'>);
    }
  }
  return { events, end: t + 1_000 };
}

export function benchRules(): void {
  const history = memberHistory(10_000);
  const end = history.end;
  // Events as a device or the endpoint holds them: read back from storage (IndexedDB's
  // structured clone, the database's JSON), not the strings this script pieced together (V8
  // keeps a concatenated string as a rope, and every character read of it goes through the rope).
  const events = JSON.parse(JSON.stringify(history.events)) as LedgerEvent[];
  const programs = singleProgram(DEFAULT_PROGRAM);
  console.log(`\n# rules: one member with ${events.length} events (as read back from storage)`);
  // 200 timed runs after 50 untimed ones (the optimizing compiler has settled by then).
  const replayTiming = time(
    200,
    () => {
      replay('bench-member', events, programs, end);
    },
    50,
  );
  report('replay(10,000 events)', replayTiming, '< 10 ms');
  const state = replay('bench-member', events, programs, end);
  const input = {
    amount: 48_000,
    lines: [
      { sku: 'latte', category: 'drink', quantity: 2, unit_price: 5_500 },
      { sku: 'beans', category: 'goods', quantity: 1, unit_price: 37_000 },
    ],
    redeem_points: 2_000,
    store_id: 'store-1',
  };
  let sink = 0;
  const quoteTiming = time(20_000, () => {
    const q = quoteCheckout(state, DEFAULT_PROGRAM, input, end);
    if (q.ok) sink += q.value.points_earned;
  });
  report('quote on the replayed state', quoteTiming, '< 0.1 ms');
  if (sink === 0) throw new Error('quote benchmark computed nothing');
  console.log(
    `  (member: ${state.lots.length} lots, ${state.purchases.size} purchases, tier ${state.tier})`,
  );
}
