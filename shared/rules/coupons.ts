/**
 * Coupons and vouchers (PROGRAM.md section 6): deterministic codes for the coupons the rules
 * issue, validity, and the discount a coupon gives on a purchase.
 */
import { refuse, ok, type Result } from './errors';
import type { Line } from './events';
import { BP, mulDivFloor } from './money';
import type { CouponKind } from './program';
import type { Coupon, CouponSource, MemberState } from './state';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'; // Crockford base32: no I, L, O, U

/** FNV-1a over `text`, continuing from `h` (hashing two texts one after the other = hashing both). */
function fnv1a(text: string, h: number): number {
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** FNV-1a of the one character `code`, continuing from `h`. */
function fnv1aChar(code: number, h: number): number {
  return Math.imul(h ^ code, 0x01000193) >>> 0;
}

const BAR = 0x7c; // '|'
const DASH = 0x2d; // '-'

const PREFIX: Record<CouponSource, string> = {
  tier: 'TR',
  welcome: 'WL',
  birthday: 'BD',
  monthly_spend: 'MS',
  stamp_card: 'ST',
  consultation: 'CS',
  repurchase: 'RP',
  issued: 'IS',
};

/**
 * The code of a coupon the rules issue: the same on every replica (it is derived from the member
 * and what issued it), short enough to type, unambiguous to read aloud. Two FNV-1a hashes of
 * `${memberId}|${source}|${key}`, each taken over the three parts in turn (a replay makes many
 * codes: no joined text is built), five base-32 digits of each, lowest first.
 */
export function couponCode(source: CouponSource, memberId: string, key: string): string {
  let a = fnv1aChar(BAR, fnv1a(memberId, 0x811c9dc5));
  let b = fnv1aChar(BAR, fnv1a(memberId, 0x01234567));
  a = fnv1aChar(BAR, fnv1a(source, a));
  b = fnv1aChar(BAR, fnv1a(source, b));
  a = fnv1a(key, a);
  b = fnv1a(key, b);
  const prefix = PREFIX[source];
  // One flat string: prefix, dash and digits (a joined one would be a rope the Map flattens).
  return String.fromCharCode(
    prefix.charCodeAt(0),
    prefix.charCodeAt(1),
    DASH,
    digit(a),
    digit(a >>> 5),
    digit(a >>> 10),
    digit(a >>> 15),
    digit(a >>> 20),
    digit(b),
    digit(b >>> 5),
    digit(b >>> 10),
    digit(b >>> 15),
    digit(b >>> 20),
  );
}

/** Each rule prefix's source: PREFIX the other way round. */
const SOURCE_OF_PREFIX = new Map(
  (Object.entries(PREFIX) as [CouponSource, string][]).map(([source, prefix]) => [prefix, source]),
);

/** A code couponCode() makes: two letters, a dash, ten digits of ALPHABET. */
const RULE_CODE = new RegExp(`^([A-Z]{2})-[${ALPHABET}]{10}$`);

/**
 * What issued a coupon, read from its code: the rules' codes start with their source's prefix
 * (couponCode). Any other code (one a person or another channel chose, sent as a coupon_issued
 * event) is `issued`. Reports use it to say which benefits members used.
 */
export function couponSourceOf(code: string): CouponSource {
  const rule = RULE_CODE.exec(normalizeCode(code));
  return (rule && SOURCE_OF_PREFIX.get(rule[1] as string)) ?? 'issued';
}

function digit(n: number): number {
  return ALPHABET.charCodeAt(n & 31);
}

/** Codes are compared without case, spaces or dashes-vs-none differences a cashier may type. */
export function normalizeCode(code: string): string {
  return code.trim().toUpperCase();
}

export interface CouponSpec {
  readonly source: CouponSource;
  readonly key: string;
  readonly kind: CouponKind;
  readonly value: number;
  readonly name: string;
  readonly category: string | null;
  readonly valid_from: number;
  readonly valid_until: number;
  readonly first_purchase_only: boolean;
}

/** A coupon in a member's state (a class, not a literal: see state.ts and decision 0020). */
export class CouponRecord implements Coupon {
  status: 'active' | 'used' | 'voided' = 'active';
  used_at: number | null = null;
  used_on: string | null = null;
  constructor(
    readonly code: string,
    readonly kind: CouponKind,
    readonly value: number,
    readonly name: string,
    readonly category: string | null,
    readonly source: CouponSource,
    readonly valid_from: number,
    readonly valid_until: number,
    readonly first_purchase_only: boolean,
  ) {}
}

export function makeCoupon(memberId: string, spec: CouponSpec): Coupon {
  return new CouponRecord(
    couponCode(spec.source, memberId, spec.key),
    spec.kind,
    spec.value,
    spec.name,
    spec.category,
    spec.source,
    spec.valid_from,
    spec.valid_until,
    spec.first_purchase_only,
  );
}

export type CouponStatus = 'active' | 'used' | 'voided' | 'expired' | 'not_yet_valid';

export function couponStatus(coupon: Coupon, at: number): CouponStatus {
  if (coupon.status !== 'active') return coupon.status;
  if (at >= coupon.valid_until) return 'expired';
  if (at < coupon.valid_from) return 'not_yet_valid';
  return 'active';
}

/** The coupons a member can use now, soonest-ending first. */
export function usableCoupons(state: MemberState, at: number = state.as_of): Coupon[] {
  return [...state.coupons.values()]
    .filter(
      (c) =>
        couponStatus(c, at) === 'active' && !(c.first_purchase_only && state.purchase_count > 0),
    )
    .sort((a, b) => a.valid_until - b.valid_until || (a.code < b.code ? -1 : 1));
}

/**
 * The discount a coupon gives on a purchase of `amount` (after any membership discount `due`).
 * Percentage coupons apply to the purchase total before points are redeemed.
 */
export function couponDiscount(
  state: MemberState,
  code: string,
  amount: number,
  due: number,
  lines: readonly Line[],
  at: number,
): Result<{ coupon: Coupon; discount: number }> {
  const coupon = state.coupons.get(normalizeCode(code));
  if (!coupon) return refuse('coupon_not_found', `no coupon ${code} for this member`, { code });
  const status = couponStatus(coupon, at);
  switch (status) {
    case 'active':
      break;
    case 'used':
      return refuse('coupon_used', `coupon ${coupon.code} was already used`, { code: coupon.code });
    case 'voided':
      return refuse('coupon_voided', `coupon ${coupon.code} was voided`, { code: coupon.code });
    case 'expired':
      return refuse('coupon_expired', `coupon ${coupon.code} has expired`, { code: coupon.code });
    case 'not_yet_valid':
      return refuse('coupon_not_yet_valid', `coupon ${coupon.code} is not valid yet`, {
        code: coupon.code,
      });
    default: {
      const never: never = status;
      throw new TypeError(`unknown coupon status ${String(never)}`);
    }
  }
  if (coupon.first_purchase_only && state.purchase_count > 0) {
    return refuse('coupon_not_applicable', `coupon ${coupon.code} is for the first purchase only`, {
      code: coupon.code,
      reason: 'first_purchase',
    });
  }
  let discount: number;
  switch (coupon.kind) {
    case 'percent':
      discount = mulDivFloor(amount, coupon.value, BP);
      break;
    case 'fixed':
      discount = coupon.value;
      break;
    case 'free_item': {
      const prices = lines
        .filter((l) => coupon.category === null || l.category === coupon.category)
        .map((l) => l.unit_price);
      if (prices.length === 0) {
        return refuse(
          'coupon_not_applicable',
          `coupon ${coupon.code} needs an item of category ${coupon.category ?? 'any'} in the sale`,
          {
            code: coupon.code,
            reason: 'category',
            category: coupon.category,
          },
        );
      }
      const price = Math.max(...prices);
      discount = coupon.value > 0 ? Math.min(price, coupon.value) : price;
      break;
    }
    case 'service':
      return refuse(
        'coupon_not_applicable',
        `voucher ${coupon.code} is for a service, not a discount on a sale`,
        { code: coupon.code, reason: 'service' },
      );
    default: {
      const never: never = coupon.kind;
      throw new TypeError(`unknown coupon kind ${String(never)}`);
    }
  }
  return ok({ coupon, discount: Math.min(discount, due) });
}
