/**
 * safeParseEnvelope picks the event type's schema by `type` instead of valibot's variant trying
 * each type in turn. It must answer exactly as the variant does: success, output and issues.
 */
import fc from 'fast-check';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, type EventType } from '../rules';
import { EventEnvelopeSchema, GENESIS_HASH, safeParseEnvelope } from './envelope';

const payloads: Record<EventType, Record<string, unknown>> = {
  member_enrolled: {
    card_number: '900000000001',
    referral_code: 'KIM-7Q2',
    referred_by: null,
    birthday: '--05-17',
    name: 'Kim',
    phone: null,
    phone_hash: null,
    consent: true,
  },
  member_updated: { name: 'Kim Minji', birthday: null },
  purchase_recorded: {
    purchase_id: 'p-1',
    receipt_id: null,
    amount: 10_000,
    lines: [{ sku: 'latte', category: 'drink', quantity: 2, unit_price: 5_000 }],
    coupon_code: null,
    coupon_discount: 0,
    membership_discount: 0,
    points_redeemed: 1_000,
    amount_paid: 9_000,
    points_earned: 180,
    stamps_added: 2,
    offline: false,
  },
  purchase_refunded: {
    refund_id: 'r-1',
    purchase_id: 'p-1',
    amount: 5_000,
    lines: [{ sku: 'latte', quantity: 1 }],
    amount_refunded: 4_500,
    points_reversed: 90,
    points_restored: 500,
    coupon_restored: false,
    stamps_removed: 1,
  },
  coupon_issued: {
    code: 'SORRY-1',
    kind: 'fixed',
    value: 3_000,
    name: 'Sorry about the wait',
    category: null,
    valid_from: '2026-03-01T00:00:00+09:00',
    valid_until: '2026-04-01T00:00:00+09:00',
    first_purchase_only: false,
  },
  coupon_used: { code: 'SORRY-1' },
  coupon_voided: { code: 'SORRY-1', reason: 'issued twice' },
  points_adjusted: { points: -300, reason: 'broken cup', approved_by: 'manager-1' },
  referral_rewarded: { referee_id: 'member-2', purchase_id: 'p-9', points: 1_000 },
  referral_reversed: { referee_id: 'member-2', purchase_id: 'p-9', points: 1_000 },
  partner_points_credited: { partner_id: 'airline', reference: 'AB-1', points: 250 },
  membership_started: { plan_id: 'plus', ends_at: '2026-04-01T00:00:00+09:00' },
  membership_cancelled: { plan_id: 'plus' },
  feedback_given: { score: 9, comment: null },
};

function envelope(type: EventType): Record<string, unknown> {
  return {
    event_id: '0b7d3c1e-8a7f-4c1e-9d55-7f1e2a3b4c5d',
    device_id: 'till-1',
    seq: 3,
    type,
    occurred_at: '2026-03-01T10:00:00+09:00',
    store_id: 'store-1',
    staff_id: null,
    member_id: 'member-1',
    program_version: 1,
    payload: structuredClone(payloads[type]),
    prev_hash: GENESIS_HASH,
    hash: 'a'.repeat(64),
  };
}

/** What a caller can see of a result: success, the output, and each issue's path and message. */
function seen(result: v.SafeParseResult<typeof EventEnvelopeSchema>): unknown {
  return result.success
    ? { success: true, output: result.output }
    : {
        success: false,
        issues: result.issues.map((i) => [v.getDotPath(i), i.message, i.expected, i.received]),
      };
}

const viaVariant = (x: unknown): unknown => seen(v.safeParse(EventEnvelopeSchema, x));
const viaType = (x: unknown): unknown => seen(safeParseEnvelope(x));

describe('safeParseEnvelope', () => {
  it('accepts a well-formed event of every type, as the variant does', () => {
    for (const type of EVENT_TYPES) {
      const event = envelope(type);
      expect(viaType(event)).toEqual({ success: true, output: event });
      expect(viaType(event)).toEqual(viaVariant(event));
    }
  });

  it('answers exactly as the variant for events with a field changed, removed or added', () => {
    const anyValue = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.constantFrom(...EVENT_TYPES, 'no_such_type', ''),
      fc.array(fc.integer(), { maxLength: 2 }),
      fc.dictionary(fc.string(), fc.integer(), { maxKeys: 2 }),
    );
    const change = fc.record({
      type: fc.constantFrom(...EVENT_TYPES),
      inPayload: fc.boolean(),
      action: fc.constantFrom('set', 'delete', 'add'),
      pick: fc.nat(),
      value: anyValue,
      name: fc.string({ maxLength: 8 }),
    });
    fc.assert(
      fc.property(change, ({ type, inPayload, action, pick, value, name }) => {
        const event = envelope(type);
        const target = new Map(
          Object.entries((inPayload ? event.payload : event) as Record<string, unknown>),
        );
        const keys = [...target.keys()];
        const field = keys[pick % keys.length] as string;
        if (action === 'set') target.set(field, value);
        else if (action === 'delete') target.delete(field);
        else target.set(name, value);
        const changed = inPayload
          ? { ...event, payload: Object.fromEntries(target) }
          : Object.fromEntries(target);
        expect(viaType(changed)).toEqual(viaVariant(changed));
      }),
      { numRuns: 2_000 },
    );
  });

  it('answers exactly as the variant for what is not an event at all', () => {
    for (const x of [null, undefined, 42, 'purchase_recorded', [], {}, { type: 7 }]) {
      expect(viaType(x)).toEqual(viaVariant(x));
    }
  });
});
