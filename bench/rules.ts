/**
 * Rules benchmark: a member with 10,000 events (three years of purchases, redemptions, refunds
 * and adjustments). Prints replay time and quote time on the replayed state.
 *
 * Ids are made as the tills make them: uuidv7 at the moment of the sale (shared/protocol), so a
 * member's purchase ids grow with time. A second replay line gives the same history with
 * purchase ids in no order (another channel's receipt numbers, say), which the purchase index
 * cannot keep as a sorted run (docs/decisions/0033).
 */
import {
  DEFAULT_PROGRAM,
  balanceOf,
  formatInstant,
  quoteCheckout,
  replay,
  singleProgram,
  type LedgerEvent,
  type Payload,
} from '../shared/rules';
import { uuidv7 } from '../shared/protocol';
import { report, time } from './stats';

/** How the history's purchase ids are made: by the tills (uuidv7, in time order) or in no order. */
type PurchaseIds = 'tills' | 'shuffled';

/** `count` uuidv7 ids from `t` on, in an order fixed by a seeded shuffle. */
function shuffledIds(count: number, t: number): string[] {
  const ids = Array.from({ length: count }, (_, i) => uuidv7(t + i));
  let seed = 12_345;
  for (let i = ids.length - 1; i > 0; i -= 1) {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    const j = seed % (i + 1);
    [ids[i], ids[j]] = [ids[j] as string, ids[i] as string];
  }
  return ids;
}

export function memberHistory(
  count: number,
  memberId = 'bench-member',
  purchaseIds: PurchaseIds = 'tills',
): { events: LedgerEvent[]; end: number } {
  const events: LedgerEvent[] = [];
  let t = Date.parse('2023-01-02T09:00:00+09:00');
  const step = Math.floor((3 * 365 * 24 * 3_600_000) / count);
  let seq = 0;
  const push = (type: LedgerEvent['type'], payload: unknown): void => {
    seq += 1;
    events.push({
      event_id: uuidv7(t),
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
  // In no order: as many ids, each purchase's taken from a list in a fixed shuffle.
  const shuffled = purchaseIds === 'shuffled' ? shuffledIds(count, t) : null;
  let purchaseId = '';
  while (events.length < count) {
    t += step;
    purchase += 1;
    const amount = 5_000 + ((purchase * 7_919) % 95_000);
    const redeem = purchase % 7 === 0 ? 1_000 : 0;
    const lines = [
      { sku: 'latte', category: 'drink', quantity: 1, unit_price: 5_000 },
      { sku: 'goods', category: 'goods', quantity: 1, unit_price: amount - 5_000 },
    ];
    purchaseId = shuffled ? (shuffled[purchase] as string) : uuidv7(t);
    push('purchase_recorded', {
      purchase_id: purchaseId,
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
        refund_id: uuidv7(t),
        purchase_id: purchaseId,
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
  // The same history with its purchase ids in no order: the index's fallback (decision 0033).
  const other = memberHistory(10_000, 'bench-member', 'shuffled');
  const otherEvents = JSON.parse(JSON.stringify(other.events)) as LedgerEvent[];
  const otherState = replay('bench-member', otherEvents, programs, other.end);
  const points = (st: typeof state): number => balanceOf(st, DEFAULT_PROGRAM).available;
  if (points(otherState) !== points(state) || otherState.purchases.size !== state.purchases.size)
    throw new Error(
      'the shuffled ids changed the replay: the benchmark would compare two histories',
    );
  // No target of its own: tills and the endpoint make uuidv7 ids, so this is the worst case.
  report(
    'replay, purchase ids in no order (worst case)',
    time(
      200,
      () => {
        replay('bench-member', otherEvents, programs, other.end);
      },
      50,
    ),
  );
}
