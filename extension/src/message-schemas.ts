/**
 * The runtime schemas of the messages the service worker answers (it validates each one).
 * Strict: a field the worker does not know is an error, never silently dropped.
 */
import * as v from 'valibot';
import { LineSchema } from '../../shared/rules';

const id = v.pipe(v.string(), v.minLength(1), v.maxLength(100));
const staff = v.nullable(id);
/**
 * A cart line as the POS shows it. Its quantity is not bounded here: a cart over the rules'
 * MAX_UNITS is refused by the rules (`too_many_units`), in words the cashier reads.
 */
const CartLineSchema = v.strictObject({
  ...LineSchema.entries,
  quantity: v.pipe(v.number(), v.safeInteger(), v.minValue(1)),
});
const sale = {
  member_id: id,
  amount: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
  lines: v.pipe(v.array(CartLineSchema), v.maxLength(500)),
  redeem: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
  coupon: v.nullable(v.string()),
  receipt_id: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(100)))),
  staff_id: staff,
};

export const RequestSchema = v.variant('kind', [
  v.strictObject({ kind: v.literal('sync-now') }),
  v.strictObject({ kind: v.literal('status') }),
  v.strictObject({ kind: v.literal('pos-hello') }),
  v.strictObject({ kind: v.literal('unlock'), pin: v.pipe(v.string(), v.maxLength(16)) }),
  v.strictObject({ kind: v.literal('find'), search: v.pipe(v.string(), v.maxLength(100)) }),
  v.strictObject({ kind: v.literal('member'), member_id: id, fresh: v.optional(v.boolean()) }),
  v.strictObject({ kind: v.literal('quote'), ...sale }),
  v.strictObject({ kind: v.literal('sell'), ...sale }),
  v.strictObject({
    kind: v.literal('enroll'),
    name: v.pipe(v.string(), v.maxLength(100)),
    phone: v.pipe(v.string(), v.maxLength(30)),
    birthday: v.pipe(v.string(), v.maxLength(10)),
    referral: v.pipe(v.string(), v.maxLength(20)),
    pin: v.pipe(v.string(), v.maxLength(8)),
    staff_id: staff,
  }),
  v.strictObject({
    kind: v.literal('recent'),
    member_id: id,
    receipt: v.optional(v.pipe(v.string(), v.maxLength(100))),
  }),
  v.strictObject({
    kind: v.literal('refund'),
    member_id: id,
    purchase_id: id,
    amount: v.optional(v.pipe(v.number(), v.safeInteger(), v.minValue(1))),
    lines: v.optional(
      v.array(
        v.strictObject({ sku: id, quantity: v.pipe(v.number(), v.safeInteger(), v.minValue(1)) }),
      ),
    ),
    staff_id: staff,
  }),
  v.strictObject({ kind: v.literal('rejected') }),
  v.strictObject({
    kind: v.literal('adjust'),
    member_id: id,
    points: v.pipe(v.number(), v.safeInteger()),
    reason: v.pipe(v.string(), v.maxLength(500)),
    manager_pin: v.pipe(v.string(), v.maxLength(16)),
    staff_id: staff,
  }),
  v.strictObject({
    kind: v.literal('details'),
    member_id: id,
    name: v.pipe(v.string(), v.maxLength(100)),
    phone: v.pipe(v.string(), v.maxLength(30)),
    staff_id: staff,
  }),
  v.strictObject({ kind: v.literal('take-cart') }),
  v.strictObject({
    kind: v.literal('pos-discount'),
    amount: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
  }),
]);
