/**
 * The endpoint keeps each member's replayed state between events and between syncs, and
 * advances it by one event instead of replaying the member's whole history. Whatever the batches,
 * the gaps of time (months, tiers, expiry) and events that arrive out of time order, its checks
 * must be those of a replay from scratch: the same flags on every event, the same conflicts.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_PROGRAM,
  checkPurchase,
  checkRefund,
  programHistory,
  replay,
  type EventOf,
  type LedgerEvent,
} from '../../shared/rules';
import type { EventEnvelope } from '../../shared/protocol';
import { MemberCache, memberRow } from '../../server/ledger';
import {
  BACKENDS,
  TestDevice,
  enrollment,
  purchase,
  startServer,
  type Running,
} from '../support/server';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const programs = programHistory([{ program: DEFAULT_PROGRAM, effective_from: 0 }]);

type Step =
  | { kind: 'buy'; gap: number; amount: number; redeem: number; wrongBy: number; cut: boolean }
  | { kind: 'refund'; gap: number; which: number; half: boolean; cut: boolean };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('buy' as const),
      // Negative: the event is dated before the previous one (another till's clock).
      gap: fc.oneof(fc.integer({ min: 1, max: 80 * 24 }), fc.integer({ min: -30, max: -1 })),
      amount: fc.integer({ min: 1, max: 400 }).map((x) => x * 1_000),
      redeem: fc.constantFrom(0, 0, 500, 3_000, 40_000),
      wrongBy: fc.constantFrom(0, 0, 0, 7),
      cut: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('refund' as const),
      gap: fc.integer({ min: 1, max: 40 * 24 }),
      which: fc.nat(),
      half: fc.boolean(),
      cut: fc.boolean(),
    }),
  },
);

describe('the member cache', () => {
  it('lends a state once, and holds states for fewer members than events', () => {
    const cache = new MemberCache(4, 2);
    const held = (id: string) => ({
      state: replay(id, [], programs, 0),
      programs,
    });
    const a = held('a');
    cache.set('a', [], 1, a);
    expect(cache.takeState('a', 2)).toBeNull(); // another last_seq: stale
    expect(cache.takeState('a', 1)).toBe(a);
    expect(cache.takeState('a', 1)).toBeNull(); // lent: not twice
    cache.set('a', [], 1, a);
    cache.set('b', [], 1, held('b'));
    cache.set('c', [], 1, held('c'));
    expect(cache.states).toBe(2);
    expect(cache.takeState('a', 1)).toBeNull(); // the oldest state went
    expect(cache.get('a', 1)).toEqual([]); // its events stay
    expect(cache.takeState('c', 1)?.state.member_id).toBe('c');
    for (const id of ['d', 'e', 'f', 'g']) cache.set(id, [], 1);
    expect(cache.get('b', 1)).toBeUndefined(); // past the event limit: gone entirely
    expect(cache.states).toBe(0);
  });
});

describe.each(BACKENDS)('member states held between events on %s', (backend) => {
  let s: Running;
  let till: TestDevice;
  beforeAll(async () => {
    s = await startServer(backend);
    till = await TestDevice.pair(s, 'store-1', 'cashier', 'Till');
  });
  afterAll(async () => {
    await s.close();
  });

  it('checks every event as a replay from scratch would, whatever the batches and gaps', async () => {
    let flagged = 0;
    let conflicting = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 5, maxLength: 30 }), async (steps) => {
        const member = randomUUID();
        const start = Date.now() - 3 * 365 * DAY;
        let t = start;
        const enrolled = await till.event(
          'member_enrolled',
          member,
          enrollment(`card-${member}`, `R-${member}`),
          t,
        );
        const events: EventEnvelope[] = [enrolled];
        const cutAfter = new Set<number>([0]);
        const purchases: { id: string; amount: number }[] = [];
        for (const st of steps) {
          t = Math.max(start + HOUR, t + st.gap * HOUR);
          if (st.kind === 'buy') {
            const id = randomUUID();
            const redeem = Math.min(st.redeem, st.amount);
            const paid = st.amount - redeem;
            purchases.push({ id, amount: st.amount });
            events.push(
              await till.event(
                'purchase_recorded',
                member,
                purchase(id, st.amount, {
                  points_redeemed: redeem,
                  amount_paid: paid,
                  points_earned: Math.floor(paid / 50) + st.wrongBy,
                }),
                t,
              ),
            );
          } else if (purchases.length > 0) {
            const p = purchases[st.which % purchases.length] as { id: string; amount: number };
            const amount = st.half ? Math.floor(p.amount / 2) : p.amount;
            events.push(
              await till.event(
                'purchase_refunded',
                member,
                {
                  refund_id: randomUUID(),
                  purchase_id: p.id,
                  amount,
                  lines: [],
                  amount_refunded: amount,
                  points_reversed: Math.floor(amount / 50),
                  points_restored: 0,
                  coupon_restored: false,
                  stamps_removed: 0,
                },
                t,
              ),
            );
          }
          if (st.cut) cutAfter.add(events.length - 1);
        }

        // Pushed in the batches the steps cut.
        const acks: { event_id: string; status: string; flags?: unknown[] }[] = [];
        let batch: EventEnvelope[] = [];
        for (let i = 0; i < events.length; i += 1) {
          batch.push(events[i] as EventEnvelope);
          if (cutAfter.has(i) || i === events.length - 1) {
            const res = await till.sync(batch);
            expect(res.status, JSON.stringify(res.body)).toBe(200);
            acks.push(...res.body.acks);
            batch = [];
          }
        }
        expect(
          acks.map((a) => a.status),
          JSON.stringify(acks.filter((a) => a.status !== 'applied')),
        ).toEqual(events.map(() => 'applied'));
        // The member's row, as the ledger reads it, names the member's latest event, and the
        // cache holds the member under that key with exactly the events stored.
        const row = await memberRow(s.app.ctx.db, member);
        const latest = await s.app.ctx.db.get<{ latest: number }>(
          `SELECT MAX(server_seq) AS latest FROM events WHERE member_id = ?`,
          [member],
        );
        expect(Number(row?.last_seq)).toBe(Number(latest?.latest));
        expect(s.app.ctx.cache.get(member, Number(row?.last_seq))?.map((e) => e.event_id)).toEqual(
          events.map((e) => e.event_id),
        );

        // What a replay from scratch says at each event.
        const now = Date.now();
        const expectedConflicts = new Set<string>();
        for (let i = 1; i < events.length; i += 1) {
          const e = events[i] as EventOf<'purchase_recorded'> | EventOf<'purchase_refunded'>;
          const at = Date.parse(e.occurred_at);
          const before = replay(member, events.slice(0, i) as LedgerEvent[], programs, at);
          const flags =
            e.type === 'purchase_recorded'
              ? checkPurchase(before, DEFAULT_PROGRAM, e, at)
              : checkRefund(before, DEFAULT_PROGRAM, e, at);
          expect(acks[i]?.flags ?? [], `flags of event ${i}`).toEqual(flags);
          if (flags.length > 0) flagged += 1;
          if (e.type === 'purchase_refunded' || e.payload.points_redeemed > 0) {
            const after = replay(
              member,
              events.slice(0, i + 1) as LedgerEvent[],
              programs,
              Math.max(now, at),
            );
            for (const c of after.conflicts) expectedConflicts.add(`${c.event_id}:${c.kind}`);
          }
        }
        const listed = (await s.api('GET', '/conflicts')).body.conflicts as {
          member_id: string;
          event_id: string;
          kind: string;
        }[];
        const stored = listed
          .filter((c) => c.member_id === member)
          .map((c) => `${c.event_id}:${c.kind}`);
        expect(new Set(stored)).toEqual(expectedConflicts);
        if (stored.length > 0) conflicting += 1;
      }),
      { numRuns: 12 },
    );
    // The histories reached the cases that depend on the state: flags and conflicts.
    expect(flagged).toBeGreaterThan(0);
    expect(conflicting).toBeGreaterThan(0);
  });
});
