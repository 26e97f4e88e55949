/**
 * The owner's activity report: what the program did over a span of days (the shop's days, in
 * the program's time zone): members who joined, sales by members, points earned and used,
 * coupons used, refunds. Read from the ledger's applied events (the endpoint refuses a sale or
 * refund sent again, so each counts once); nothing is stored.
 */
import * as v from 'valibot';
import {
  civilDate,
  daysInMonth,
  dayNumber,
  formatDate,
  localDay,
  parseInstant,
  startOfLocalDay,
  type EventOf,
} from '../shared/rules';
import type { AppContext } from './context';
import { badRequest } from './errors';
import type { Router } from './http';
import { id, parse } from './validate';

/** The longest span one report covers (a year, a leap year's included). */
export const REPORT_MAX_DAYS = 366;

/**
 * Events read and counted between two turns of the endpoint's other work: a till's read waits
 * for one page at most (about 10 ms here). Larger pages made a report of a million events a
 * few seconds quicker and the tills' reads during it several times slower.
 */
export const REPORT_PAGE = 1_000;

/** The day number of a real date written YYYY-MM-DD, from 1970 to 2999; else NaN. */
function dayOf(text: string): number {
  const [y, m, d] = text.split('-').map(Number) as [number, number, number];
  const real = y >= 1970 && y <= 2999 && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
  return real ? dayNumber(y, m, d) : Number.NaN;
}

/** A date of the query, as its day number. */
const DateSchema = v.pipe(
  v.string(),
  v.regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date, YYYY-MM-DD'),
  v.transform(dayOf),
  v.check((day) => !Number.isNaN(day), 'must be a real date from 1970 to 2999'),
);

const ActivityQuerySchema = v.strictObject({
  from: DateSchema,
  to: DateSchema,
  store_id: v.optional(id),
});

/** What one day (or the whole span) shows. */
export interface Activity {
  new_members: number;
  purchases: number;
  /** Value of the goods sold to members, before discounts. */
  sales_amount: number;
  /** What the members paid, after coupons, member discounts and points. */
  amount_paid: number;
  points_earned: number;
  points_redeemed: number;
  coupons_used: number;
  refunds: number;
  amount_refunded: number;
  points_reversed: number;
}

const empty = (): Activity => ({
  new_members: 0,
  purchases: 0,
  sales_amount: 0,
  amount_paid: 0,
  points_earned: 0,
  points_redeemed: 0,
  coupons_used: 0,
  refunds: 0,
  amount_refunded: 0,
  points_reversed: 0,
});

type Counted =
  EventOf<'member_enrolled'> | EventOf<'purchase_recorded'> | EventOf<'purchase_refunded'>;

/** Adds one applied event to a day's figures and the span's; a purchase's member to `buyers`. */
function count(into: readonly Activity[], e: Counted, buyers: Set<string>): void {
  if (e.type === 'member_enrolled') {
    for (const a of into) a.new_members += 1;
    return;
  }
  if (e.type === 'purchase_recorded') {
    const p = e.payload;
    buyers.add(e.member_id);
    for (const a of into) {
      a.purchases += 1;
      a.sales_amount += p.amount;
      a.amount_paid += p.amount_paid;
      a.points_earned += p.points_earned;
      a.points_redeemed += p.points_redeemed;
      if (p.coupon_code) a.coupons_used += 1;
    }
    return;
  }
  const r = e.payload;
  for (const a of into) {
    a.refunds += 1;
    a.amount_refunded += r.amount_refunded;
    a.points_reversed += r.points_reversed;
  }
}

export function reportRoutes(router: Router, ctx: AppContext, page: number = REPORT_PAGE): void {
  router.add({
    method: 'GET',
    path: '/reports/activity',
    allow: ['admin'],
    handler: async (req) => {
      const query = parse(ActivityQuerySchema, Object.fromEntries(req.query), 'query');
      const first = query.from;
      const last = query.to;
      if (last < first) throw badRequest('invalid query: to: must not be before from');
      if (last - first + 1 > REPORT_MAX_DAYS)
        throw badRequest(`invalid query: to: a report covers at most ${REPORT_MAX_DAYS} days`);
      const zone = ctx.programs.programs().at(ctx.now()).time_zone;
      const start = startOfLocalDay(zone, first);
      const end = startOfLocalDay(zone, last + 1);
      // Events carry their own offset, so their text's date is within a day of the shop's:
      // the database narrows by text with a day to spare, and the exact instant decides here.
      // Read a page at a time, letting the endpoint serve the tills between pages: a busy
      // chain's month is a million events, which would otherwise hold its one thread for seconds.
      const total = empty();
      const days = Array.from({ length: last - first + 1 }, empty);
      const buyers = new Set<string>();
      for (let after = 0; ;) {
        const rows = await ctx.db.all<{ server_seq: number; body: string }>(
          `SELECT server_seq, body FROM events
            WHERE server_seq > ? AND status = 'applied'
              AND type IN ('member_enrolled', 'purchase_recorded', 'purchase_refunded')
              AND occurred_at >= ? AND occurred_at < ?` +
            (query.store_id === undefined ? '' : ` AND store_id = ?`) +
            ` ORDER BY server_seq LIMIT ${page}`,
          [
            after,
            formatDate(civilDate(first - 1)),
            formatDate(civilDate(last + 2)),
            ...(query.store_id === undefined ? [] : [query.store_id]),
          ],
        );
        for (const row of rows) {
          const e = JSON.parse(row.body) as Counted;
          const at = parseInstant(e.occurred_at);
          if (at < start || at >= end) continue;
          count([total, days[localDay(zone, at) - first] as Activity], e, buyers);
        }
        if (rows.length < page) break;
        after = Number((rows[rows.length - 1] as { server_seq: number }).server_seq);
        await new Promise((resolve) => setImmediate(resolve));
      }
      return {
        status: 200,
        body: {
          from: formatDate(civilDate(first)),
          to: formatDate(civilDate(last)),
          time_zone: zone,
          store_id: query.store_id ?? null,
          totals: { ...total, members_purchasing: buyers.size },
          days: days.map((a, i) => ({ date: formatDate(civilDate(first + i)), ...a })),
        },
      };
    },
  });
}
