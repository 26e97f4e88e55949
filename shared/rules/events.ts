/**
 * The ledger's event types: what each event says, as runtime schemas (types inferred from them).
 * The wire envelope (device chain, hash) is shared/protocol's; the rules need only these fields.
 *
 * An event records what the till decided (points earned, redeemed, coupon used). Everything that
 * follows from time or from the ledger itself (expiry, tiers, coupons issued at evaluations,
 * stamp cards, refund proportions) is derived by replay, so every replica computes it alike.
 */
import * as v from 'valibot';
import { MAX_POINTS } from './money';
import type { PhoneRule, Programs } from './program';
import { INSTANT_RULE, isIsoInstant } from './time';

const int = (min = 0) =>
  v.pipe(v.number(), v.safeInteger('must be a safe integer'), v.minValue(min));
const signedInt = v.pipe(v.number(), v.safeInteger('must be a safe integer'));
const text = (max = 200) => v.pipe(v.string(), v.maxLength(max));
const key = v.pipe(v.string(), v.minLength(1), v.maxLength(100));
const instant = v.pipe(v.string(), v.check(isIsoInstant, INSTANT_RULE));
/** A birthday with its year (YYYY-MM-DD) or without (--MM-DD, ISO 8601's form for that). */
export const BirthdaySchema = v.pipe(
  v.string(),
  v.regex(/^(\d{4}-|--)(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'must be YYYY-MM-DD or --MM-DD'),
);

/**
 * A birthday a person types: YYYY-MM-DD, a real date, from 1900 and not after `now`. (The
 * schema also takes --MM-DD and any year, as events from other channels may carry them.)
 */
export function isBirthdayInput(text: string, now: number): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return (
    date.getUTCFullYear() === y &&
    date.getUTCMonth() === mo - 1 &&
    date.getUTCDate() === d &&
    y >= 1900 &&
    date.getTime() <= now
  );
}

/**
 * A phone number as typed, as events carry it and as it is hashed: digits and a leading +. With
 * the program's phone rule, the shop's own country is written the national way, however it was
 * typed: `+82 10-1234-5678`, `0082 10 1234 5678` and `+82 (0)10 1234 5678` are all `01012345678`,
 * so a member enrolled at the till is found by a web shop that sends the international form.
 * Other countries' numbers keep their international form.
 */
export function phoneOfInput(text: string, rule?: PhoneRule): string {
  const typed = text.replace(/[\s().-]/g, '');
  if (!rule) return typed;
  const international = typed.startsWith('00') ? `+${typed.slice(2)}` : typed;
  const home = `+${rule.country_code}`;
  if (!international.startsWith(home)) return typed.startsWith('00') ? international : typed;
  const national = international.slice(home.length);
  // "+82 (0)10 ...": written with the national 0 already. (No number after a country code starts
  // with 0, so this is safe for a 0 prefix, and only for it.)
  if (rule.national_prefix === '0' && national.startsWith('0')) return national;
  return rule.national_prefix + national;
}

/**
 * Every way the program's versions write a typed number: the way of the version in force at
 * `at` first (the one a new member is stored and hashed under), then the others, each once.
 * The number is also taken in its international form under the rule in force (`010 1234 5678`
 * in Korea is `+82 10 1234 5678`), which a version without a rule kept as typed. A member is
 * found, and a second enrollment refused, by any of them: a member enrolled before the shop
 * changed its phone rule (or before it had one) keeps the hash made under the old rule, since
 * events are never rewritten (decision 0014).
 */
export function phoneWritings(text: string, programs: Programs, at: number): string[] {
  const rule = programs.at(at).phone;
  const current = phoneOfInput(text, rule);
  const forms = [text];
  if (rule && !current.startsWith('+') && current.startsWith(rule.national_prefix))
    forms.push(`+${rule.country_code}${current.slice(rule.national_prefix.length)}`);
  const out = [current];
  for (const p of programs.versions()) {
    for (const form of forms) {
      const written = phoneOfInput(form, p.phone);
      if (!out.includes(written)) out.push(written);
    }
  }
  return out;
}

/** What the events' schema takes as a phone number (6 to 15 digits, a leading + allowed). */
export const PHONE_PATTERN = /^\+?\d{6,15}$/;

/**
 * The most units one purchase may hold (the sum of its lines' quantities). Stamps come from
 * units and a stamp card's coupons from stamps, so without a bound one mistyped quantity
 * (1,000,000 for 1) would make every replica build a coupon per card: the quote would take
 * minutes and the endpoint would stall for everyone. A sale larger than this is split.
 */
export const MAX_UNITS = 10_000;

const quantity = v.pipe(int(1), v.maxValue(MAX_UNITS, `must be at most ${MAX_UNITS}`));

const pointsOf = (min = 0) =>
  v.pipe(int(min), v.maxValue(MAX_POINTS, `must be at most ${MAX_POINTS}`));

/** Units of a purchase's (or a refund's) lines. */
export function unitsOf(lines: readonly { readonly quantity: number }[]): number {
  let units = 0;
  for (let i = 0; i < lines.length; i += 1) units += (lines[i] as { quantity: number }).quantity;
  return units;
}

export const LineSchema = v.strictObject({
  sku: key,
  category: text(64),
  quantity,
  unit_price: int(0),
});

export const RefundLineSchema = v.strictObject({ sku: key, quantity });

export const MemberEnrolledSchema = v.strictObject({
  card_number: key,
  referral_code: key,
  /** Member id of the referrer, resolved from the referral code given at enrollment. */
  referred_by: v.nullable(key),
  birthday: v.nullable(BirthdaySchema),
  name: v.nullable(text(100)),
  /** Phone in E.164 digits; devices that must not hold it (kiosks) send only phone_hash. */
  phone: v.nullable(v.pipe(v.string(), v.regex(PHONE_PATTERN, 'must be 6-15 digits'))),
  phone_hash: v.nullable(text(128)),
  consent: v.boolean(),
  /**
   * The member's PIN as a scrypt hash (scrypt$N$r$p$salt$hash) when enrolled at a device. The
   * endpoint keeps it for PIN checks and never sends it on to other devices.
   */
  pin_hash: v.optional(
    v.nullable(
      v.pipe(
        v.string(),
        v.regex(/^scrypt\$\d+\$\d+\$\d+\$[\w-]+\$[\w-]+$/, 'must be a scrypt hash'),
      ),
    ),
  ),
});

export const MemberUpdatedSchema = v.strictObject({
  name: v.optional(v.nullable(text(100))),
  phone: v.optional(v.nullable(v.pipe(v.string(), v.regex(PHONE_PATTERN, 'must be 6-15 digits')))),
  phone_hash: v.optional(v.nullable(text(128))),
  birthday: v.optional(v.nullable(BirthdaySchema)),
});

export const PurchaseRecordedSchema = v.pipe(
  v.strictObject({
    purchase_id: key,
    receipt_id: v.nullable(text(100)),
    amount: int(0),
    lines: v.pipe(v.array(LineSchema), v.maxLength(500)),
    coupon_code: v.nullable(key),
    coupon_discount: int(0),
    membership_discount: int(0),
    points_redeemed: pointsOf(),
    amount_paid: int(0),
    points_earned: pointsOf(),
    stamps_added: int(0),
    offline: v.boolean(),
  }),
  v.check(
    (p) =>
      p.amount_paid === p.amount - p.coupon_discount - p.membership_discount - p.points_redeemed,
    'amount_paid must equal amount - coupon_discount - membership_discount - points_redeemed',
  ),
  v.check(
    (p) =>
      p.lines.length === 0 ||
      p.lines.reduce((s, l) => s + l.quantity * l.unit_price, 0) === p.amount,
    'amount must equal the sum of the lines',
  ),
  v.check((p) => unitsOf(p.lines) <= MAX_UNITS, `a purchase may hold at most ${MAX_UNITS} units`),
);

export const PurchaseRefundedSchema = v.strictObject({
  refund_id: key,
  purchase_id: key,
  /** Value of the goods returned (part of the purchase's amount). */
  amount: int(0),
  lines: v.pipe(v.array(RefundLineSchema), v.maxLength(500)),
  amount_refunded: int(0),
  points_reversed: pointsOf(),
  points_restored: pointsOf(),
  coupon_restored: v.boolean(),
  stamps_removed: int(0),
});

export const CouponIssuedSchema = v.strictObject({
  code: key,
  kind: v.picklist(['percent', 'fixed', 'free_item', 'service']),
  /** percent: basis points; fixed: minor units; free_item: cap (0 = none); service: 0. */
  value: int(0),
  name: text(100),
  category: v.nullable(text(64)),
  valid_from: instant,
  valid_until: instant,
  first_purchase_only: v.boolean(),
});

export const CouponUsedSchema = v.strictObject({ code: key });
export const CouponVoidedSchema = v.strictObject({ code: key, reason: text(200) });

export const PointsAdjustedSchema = v.pipe(
  v.strictObject({
    points: v.pipe(
      signedInt,
      v.minValue(-MAX_POINTS, `must be at least -${MAX_POINTS}`),
      v.maxValue(MAX_POINTS, `must be at most ${MAX_POINTS}`),
    ),
    reason: v.pipe(v.string(), v.minLength(3, 'a reason is required'), v.maxLength(500)),
    approved_by: key,
  }),
  v.check((p) => p.points !== 0, 'points must not be 0'),
);

export const ReferralRewardedSchema = v.strictObject({
  referee_id: key,
  purchase_id: key,
  points: pointsOf(1),
});
export const ReferralReversedSchema = ReferralRewardedSchema;

export const PartnerPointsCreditedSchema = v.strictObject({
  partner_id: key,
  reference: key,
  points: pointsOf(1),
});

export const MembershipStartedSchema = v.strictObject({ plan_id: key, ends_at: instant });
export const MembershipCancelledSchema = v.strictObject({ plan_id: key });

export const FeedbackGivenSchema = v.strictObject({
  score: v.pipe(v.number(), v.safeInteger(), v.minValue(0), v.maxValue(10)),
  comment: v.nullable(text(2000)),
});

/** Every event type and the schema of its payload. */
export const PAYLOAD_SCHEMAS = {
  member_enrolled: MemberEnrolledSchema,
  member_updated: MemberUpdatedSchema,
  purchase_recorded: PurchaseRecordedSchema,
  purchase_refunded: PurchaseRefundedSchema,
  coupon_issued: CouponIssuedSchema,
  coupon_used: CouponUsedSchema,
  coupon_voided: CouponVoidedSchema,
  points_adjusted: PointsAdjustedSchema,
  referral_rewarded: ReferralRewardedSchema,
  referral_reversed: ReferralReversedSchema,
  partner_points_credited: PartnerPointsCreditedSchema,
  membership_started: MembershipStartedSchema,
  membership_cancelled: MembershipCancelledSchema,
  feedback_given: FeedbackGivenSchema,
} as const;

export type EventType = keyof typeof PAYLOAD_SCHEMAS;
export const EVENT_TYPES = Object.keys(PAYLOAD_SCHEMAS) as EventType[];

/** The month (1-12) of a BirthdaySchema text, with or without its year. */
export function birthdayMonth(birthday: string): number {
  return Number(birthday.slice(-5, -3));
}

export type Payload<T extends EventType> = v.InferOutput<(typeof PAYLOAD_SCHEMAS)[T]>;
export type Line = v.InferOutput<typeof LineSchema>;
export type RefundLine = v.InferOutput<typeof RefundLineSchema>;

/** The fields of an event that the rules read. The protocol's envelope is a superset. */
export interface LedgerEventBase {
  readonly event_id: string;
  readonly member_id: string;
  readonly occurred_at: string;
  readonly store_id: string;
  readonly device_id: string;
  readonly seq: number;
  readonly program_version: number;
}

export type LedgerEvent = {
  [T in EventType]: LedgerEventBase & { readonly type: T; readonly payload: Payload<T> };
}[EventType];

export type EventOf<T extends EventType> = Extract<LedgerEvent, { type: T }>;

/**
 * Business order of a member's events: occurred_at, then device and its sequence, then id. Any
 * replica sorting the same events gets the same order, whatever order they arrived in.
 */
export function compareEvents(a: LedgerEvent, b: LedgerEvent, ta: number, tb: number): number {
  if (ta !== tb) return ta - tb;
  if (a.device_id !== b.device_id) return a.device_id < b.device_id ? -1 : 1;
  if (a.seq !== b.seq) return a.seq - b.seq;
  return a.event_id < b.event_id ? -1 : a.event_id > b.event_id ? 1 : 0;
}
