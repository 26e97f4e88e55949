/** Purchases, quotes and refunds through the API (other channels; the tills use sync). */
import { uuidv7 } from '../shared/protocol';
import * as v from 'valibot';
import {
  LineSchema,
  RefundLineSchema,
  balanceOf,
  formatInstant,
  purchasePayload,
  quoteCheckout,
  quoteRefund,
  refundPayload,
  type ConflictKind,
  type MemberState,
  type Quote,
  type RuleError,
  type RuleErrorCode,
} from '../shared/rules';
import { caller, requireMember, storeFor, type AppContext } from './context';
import { ApiError, notFound } from './errors';
import type { Caller, Request, Router } from './http';
import { memberState, withWriter, type MemberRow } from './ledger';
import { id, instant, money, occurredAt, parse } from './validate';

const PurchaseSchema = v.pipe(
  v.strictObject({
    store_id: id,
    occurred_at: v.optional(instant),
    amount: money,
    lines: v.optional(v.pipe(v.array(LineSchema), v.maxLength(500))),
    redeem_points: v.optional(money),
    coupon_code: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(100)))),
    receipt_id: v.optional(v.pipe(v.string(), v.maxLength(100))),
  }),
  v.check(
    (b) =>
      !b.lines ||
      b.lines.length === 0 ||
      b.lines.reduce((s, l) => s + l.quantity * l.unit_price, 0) === b.amount,
    'amount must equal the sum of the lines',
  ),
);

const RefundSchema = v.pipe(
  v.strictObject({
    amount: v.optional(money),
    lines: v.optional(v.pipe(v.array(RefundLineSchema), v.minLength(1), v.maxLength(500))),
    occurred_at: v.optional(instant),
  }),
);

export function refused(error: RuleError): ApiError {
  return new ApiError(422, error.code, error.message, error.details);
}

function quoteBody(q: Quote, zone: string) {
  return {
    amount: q.amount,
    membership_discount: q.membership_discount,
    coupon_code: q.coupon_code,
    coupon_discount: q.coupon_discount,
    points_redeemed: q.points_redeemed,
    amount_paid: q.amount_paid,
    points_earned: q.points_earned,
    earn_rate_bp: q.earn_rate_bp,
    multiplier_bp: q.multiplier_bp,
    referral_bonus: q.referral_bonus,
    stamps_added: q.stamps_added,
    coupons_issued: q.coupons_issued.map((c) => ({
      ...c,
      valid_until: formatInstant(zone, c.valid_until),
    })),
    max_redeemable: q.max_redeemable,
    balance_after: q.balance_after,
  };
}

const CONFLICT_CODES: Partial<Record<ConflictKind, RuleErrorCode>> = {
  overdrawn: 'redeem_exceeds_balance',
  coupon_reused: 'coupon_used',
  coupon_unknown: 'coupon_not_found',
  refund_invalid: 'refund_exceeds_purchase',
};

/**
 * What an online sale or refund may not do: make the member's ledger show a conflict it did not
 * show before (a coupon used twice, points spent twice). Offline tills may, and the manager sees
 * it in the conflicts list; through the API it is refused, and the transaction rolls back.
 * It happens when the new event is dated before events recorded already (a backdated import, a
 * till whose clock ran ahead), which the check as of the event's own time cannot see.
 */
function refuseNewConflicts(before: MemberState, after: MemberState): void {
  const known = new Set(before.conflicts.map((c) => `${c.kind} ${c.event_id}`));
  const fresh = after.conflicts.find((c) => !known.has(`${c.kind} ${c.event_id}`));
  if (fresh)
    throw new ApiError(422, CONFLICT_CODES[fresh.kind] ?? 'ledger_conflict', fresh.detail, {
      conflict: fresh.kind,
    });
}

/** occurred_at as asked for (checked: not too far ahead), or undefined when not given. */
function requestedTime(occurred: string | undefined, now: number): number | undefined {
  return occurred === undefined ? undefined : occurredAt(occurred, now);
}

async function sale(ctx: AppContext, req: Request, record: boolean) {
  const who: Caller = caller(req.caller);
  const body = parse(PurchaseSchema, req.body);
  // The time asked for, checked before anything waits for the ledger (none: the server's clock
  // once the sale holds the ledger).
  const asked = requestedTime(body.occurred_at, ctx.now());
  const store = await storeFor(ctx.db, who, body.store_id);
  const memberId = req.params.id as string;
  const input = {
    amount: body.amount,
    lines: body.lines ?? [],
    redeem_points: body.redeem_points ?? 0,
    coupon_code: body.coupon_code ?? null,
    store_id: store,
  };
  if (!record) {
    const at = asked ?? ctx.now();
    const program = ctx.programs.programs().at(at);
    const row = await requireMember(ctx.db, memberId);
    const state = await memberState(ctx, ctx.db, row, at);
    const q = quoteCheckout(state, program, input, at);
    if (!q.ok) throw refused(q.error);
    return { status: 200, body: quoteBody(q.value, program.time_zone) };
  }
  return withWriter(ctx, async (w) => {
    // The clock is read once this sale holds the ledger (PostgreSQL: the server_seq lock;
    // SQLite: its turn in the group), so sales that waited for each other get increasing times
    // and each one's check sees the sale before it.
    const now = ctx.now();
    const at = asked ?? now;
    const program = ctx.programs.programs().at(at);
    const row = await requireMember(w.tx, memberId);
    const settled = Math.max(at, now);
    const before = await w.state(row, settled);
    const state = settled === at ? before : await w.state(row, at);
    const q = quoteCheckout(state, program, input, at);
    if (!q.ok) throw refused(q.error);
    const purchaseId = uuidv7();
    await w.serverEvent(
      store,
      'purchase_recorded',
      memberId,
      at,
      null,
      purchasePayload(
        q.value,
        { purchase_id: purchaseId, receipt_id: body.receipt_id ?? null },
        input.lines,
        false,
      ),
    );
    const after = await w.state(row, settled);
    refuseNewConflicts(before, after);
    return {
      status: 201,
      body: {
        purchase_id: purchaseId,
        ...quoteBody(q.value, program.time_zone),
        balance_after: balanceOf(after, program, settled).total,
      },
    };
  });
}

export function salesRoutes(router: Router, ctx: AppContext): void {
  router.add({
    method: 'POST',
    path: '/customers/:id/purchases',
    allow: ['admin', 'integration', 'device'],
    roles: ['cashier'],
    creates: true,
    handler: (req) => sale(ctx, req, true),
  });

  router.add({
    method: 'POST',
    path: '/customers/:id/quote',
    allow: ['admin', 'integration', 'device'],
    roles: ['cashier'],
    handler: (req) => sale(ctx, req, false),
  });

  router.add({
    method: 'POST',
    path: '/purchases/:id/refunds',
    allow: ['admin', 'integration', 'device'],
    roles: ['cashier'],
    creates: true,
    handler: async (req) => {
      const who = caller(req.caller);
      const body = parse(RefundSchema, req.body);
      const asked = requestedTime(body.occurred_at, ctx.now());
      const purchaseId = req.params.id as string;
      const found = await ctx.db.get<{ member_id: string; store_id: string }>(
        `SELECT member_id, store_id FROM purchases WHERE purchase_id = ?`,
        [purchaseId],
      );
      if (!found) throw notFound(`purchase ${purchaseId}`);
      // A refund is recorded by the store that gives the money back: a device's own store.
      const store = who.kind === 'device' ? (who.store_id as string) : found.store_id;
      return withWriter(ctx, async (w) => {
        // As for a sale: the time is read once the refund holds the ledger.
        const now = ctx.now();
        const at = asked ?? now;
        const program = ctx.programs.programs().at(at);
        const settled = Math.max(at, now);
        const row = (await w.member(found.member_id)) as MemberRow;
        const before = await w.state(row, settled);
        const state = settled === at ? before : await w.state(row, at);
        const input = body.lines
          ? { purchase_id: purchaseId, lines: body.lines, amount: body.amount }
          : { purchase_id: purchaseId, amount: body.amount };
        const q = quoteRefund(state, program, input, at);
        if (!q.ok) throw refused(q.error);
        const refundId = uuidv7();
        const f = q.value;
        await w.serverEvent(
          store,
          'purchase_refunded',
          row.member_id,
          at,
          null,
          refundPayload(refundId, f),
        );
        const after = await w.state(row, settled);
        refuseNewConflicts(before, after);
        return {
          status: 201,
          body: {
            refund_id: refundId,
            purchase_id: purchaseId,
            amount_refunded: f.amount_refunded,
            points_reversed: f.points_reversed + f.referral_reversed,
            points_restored: f.points_restored,
            coupon_restored: f.coupon_restored,
            stamps_removed: f.stamps_removed,
            balance_after: balanceOf(after, program, settled).total,
          },
        };
      });
    },
  });
}
