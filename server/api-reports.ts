/**
 * The owner's reports, read from the ledger's applied events (the endpoint refuses a sale or
 * refund sent again, so each counts once); nothing is stored.
 *
 * - Activity: what the program did over a span of days (the shop's days, in the program's time
 *   zone): members who joined, sales by members, points earned and used, coupons used, refunds,
 *   and the benefits members used, most used first.
 * - Points: what the members hold at one moment, and its worth in money (the program's
 *   liability, PROGRAM.md section 10), with the points about to expire, the debts and the tiers.
 */
import * as v from 'valibot';
import {
  balanceOf,
  civilDate,
  couponSourceOf,
  daysInMonth,
  dayNumber,
  formatDate,
  formatInstant,
  localDay,
  parseInstant,
  replay,
  startOfLocalDay,
  summarize,
  type CouponSource,
  type EventOf,
  type LedgerEvent,
  type MemberState,
  type MemberSummary,
  type Payload,
  type Programs,
} from '../shared/rules';
import type { AppContext } from './context';
import type { MemberColumns } from './ledger';
import { badRequest } from './errors';
import type { Router } from './http';
import { asOf, id, parse } from './validate';

/** The longest span one report covers (a year, a leap year's included). */
export const REPORT_MAX_DAYS = 366;

/**
 * Events read and counted between two turns of the endpoint's other work: a till's read waits
 * for one page at most (about 10 ms here). Larger pages made a report of a million events a
 * few seconds quicker and the tills' reads during it several times slower.
 */
export const REPORT_PAGE = 1_000;

/**
 * Members replayed between two turns of the endpoint's other work, for the points report. A
 * member's whole history is read and replayed, so the page counts members, and few of them: a
 * hundred members of 2,000 events each is about as long a pause as the activity report's page.
 */
export const POINTS_REPORT_MEMBERS = 100;

/** Lets the endpoint do its other work (the tills' syncs and reads) before a report reads on. */
const otherWork = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

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
  /** `csv`: the days and the span's totals as a file for a spreadsheet. */
  format: v.optional(v.picklist(['json', 'csv'], 'must be json or csv')),
});

/** Only `as_of` (read by asOf, as on every read): anything else is refused, not ignored. */
const PointsQuerySchema = v.strictObject({ as_of: v.optional(v.string()) });

/** The members list: `as_of`, and the store they enrolled at. */
const MembersQuerySchema = v.strictObject({
  as_of: v.optional(v.string()),
  store_id: v.optional(id),
});

/**
 * Every member (in the order of their ids, a page of members at a time, with the endpoint's other
 * work between pages) and their state as of `at`, replayed as the points endpoint replays one.
 * Members who joined after `at` are left out. `store` narrows to the members who enrolled there.
 */
async function eachMemberState(
  ctx: AppContext,
  at: number,
  perPage: number,
  store: string | null,
  visit: (row: MemberColumns, state: MemberState) => void,
): Promise<void> {
  const programs = ctx.programs.programs();
  for (let after = ''; ;) {
    const members = await ctx.db.all<MemberColumns>(
      `SELECT * FROM members WHERE member_id > ? AND (? = '' OR store_id = ?)
        ORDER BY member_id LIMIT ${perPage}`,
      [after, store ?? '', store ?? ''],
    );
    if (members.length === 0) break;
    const ids = members.map((m) => m.member_id);
    const rows = await ctx.db.all<{ member_id: string; body: string }>(
      `SELECT member_id, body FROM events
        WHERE status = 'applied' AND member_id IN (${ids.map(() => '?').join(', ')})
        ORDER BY member_id, server_seq`,
      ids,
    );
    const events = new Map<string, LedgerEvent[]>(ids.map((id) => [id, []]));
    for (const r of rows) events.get(r.member_id)?.push(JSON.parse(r.body) as LedgerEvent);
    for (const m of members) {
      const state = replay(m.member_id, events.get(m.member_id) ?? [], programs, at);
      // A member who joined after `as_of` held nothing then.
      if (state.enrolled_at !== null) visit(m, state);
    }
    if (members.length < perPage) break;
    after = ids[ids.length - 1] as string;
    await otherWork();
  }
}

/**
 * A field of a CSV file (RFC 4180): quoted when it holds a comma, a quote or a line break. Text a
 * person typed (a name) that starts like a formula is prefixed with an apostrophe, so that a
 * spreadsheet shows it and does not run it.
 */
export function csvField(value: string | number | null, typed = false): string {
  if (value === null) return '';
  let text = String(value);
  if (typed && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The members file's columns: each heading with what it holds, from the member's row and the
 * profile's summary as of the file's moment (`typed`: text a person typed, see csvField).
 */
const MEMBER_COLUMNS: readonly (readonly [
  heading: string,
  value: (m: MemberColumns, c: MemberSummary) => string | number | null,
  typed?: boolean,
])[] = [
  ['customer_id', (m) => m.member_id],
  ['card_number', (m) => m.card_number, true],
  ['name', (m) => m.name, true],
  ['phone', (m) => m.phone],
  ['birthday', (m) => m.birthday],
  ['store_id', (m) => m.store_id],
  ['enrolled_at', (m) => m.enrolled_at],
  ['tier', (_, c) => c.tier_name, true],
  ['total_points', (_, c) => c.points.total_points],
  ['available_points', (_, c) => c.points.available_points],
  ['pending_points', (_, c) => c.points.pending_points],
  ['points_expiring_soon', (_, c) => c.points.points_expiring_soon],
  ['expiring_soon_before', (_, c) => c.points.expiring_soon_before],
  ['debt', (_, c) => c.points.debt],
  ['stamps', (_, c) => c.stamps.count],
  ['purchases', (_, c) => c.purchase_count],
  ['consent', (m) => (Number(m.consent) ? 'yes' : 'no')],
];

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
  | EventOf<'member_enrolled'>
  | EventOf<'purchase_recorded'>
  | EventOf<'purchase_refunded'>
  | EventOf<'coupon_used'>;

/** One benefit members used in a span: their points, a kind of coupon, or a member discount. */
export interface BenefitUse {
  readonly benefit: 'points' | 'coupon' | 'membership';
  /** What issued the coupons (couponSourceOf); null for points and the membership discount. */
  readonly source: CouponSource | null;
  /** Purchases it was used on (a coupon used on its own, without a sale, counts too). */
  uses: number;
  /** Its worth to the members, in minor units: the discounts, or the points' worth in money. */
  amount: number;
}

/**
 * The benefits members used, counted as sales are (PROGRAM.md section 10's "most used
 * benefit"): a sale that redeemed points and used a coupon counts once for each.
 */
export class BenefitTally {
  private readonly used = new Map<string, BenefitUse>();

  constructor(private readonly programs: Programs) {}

  add(benefit: BenefitUse['benefit'], source: CouponSource | null, amount: number): void {
    const key = benefitKey(benefit, source);
    let use = this.used.get(key);
    if (use === undefined) {
      use = { benefit, source, uses: 0, amount: 0 };
      this.used.set(key, use);
    }
    use.uses += 1;
    use.amount += amount;
  }

  /** A sale: its points (at the value of the program it was made under), coupon and discount. */
  purchase(p: Payload<'purchase_recorded'>, programVersion: number): void {
    if (p.points_redeemed > 0)
      this.add(
        'points',
        null,
        p.points_redeemed * this.programs.version(programVersion).point_value,
      );
    if (p.coupon_code) this.add('coupon', couponSourceOf(p.coupon_code), p.coupon_discount);
    if (p.membership_discount > 0) this.add('membership', null, p.membership_discount);
  }

  /** Most used first; of two used as often, the one worth more. */
  ranked(): BenefitUse[] {
    return [...this.used]
      .sort(([ka, a], [kb, b]) => b.uses - a.uses || b.amount - a.amount || ka.localeCompare(kb))
      .map(([, use]) => use);
  }
}

/** One name for a benefit: `points:`, `coupon:stamp_card`. */
function benefitKey(benefit: BenefitUse['benefit'], source: CouponSource | null): string {
  return `${benefit}:${source ?? ''}`;
}

/**
 * Adds one applied event to a day's figures and the span's; counts a purchase's member's
 * purchases in `buyers`, and the benefits a sale or a coupon used at the counter took.
 */
function count(
  into: readonly Activity[],
  e: Counted,
  buyers: Map<string, number>,
  benefits: BenefitTally,
): void {
  if (e.type === 'coupon_used') {
    // A coupon used at the counter, not on a sale (a service): its worth is not a sum of money.
    for (const a of into) a.coupons_used += 1;
    benefits.add('coupon', couponSourceOf(e.payload.code), 0);
    return;
  }
  if (e.type === 'member_enrolled') {
    for (const a of into) a.new_members += 1;
    return;
  }
  if (e.type === 'purchase_recorded') {
    const p = e.payload;
    buyers.set(e.member_id, (buyers.get(e.member_id) ?? 0) + 1);
    benefits.purchase(p, e.program_version);
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

/**
 * Of `members`, those with an applied purchase (at `store`, when one is given) whose text date is
 * before `day`: every one of them was made before the shop's `day + 1` began (an event's own
 * offset is within a day of the shop's). A page of members a query, the endpoint's other work
 * between pages. Each member's history is read only up to the first such purchase: a member of
 * three years is found at their first sale, not after all of them.
 */
async function boughtEarlier(
  ctx: AppContext,
  members: readonly string[],
  day: number,
  store: string | null,
  perPage: number,
): Promise<string[]> {
  const found: string[] = [];
  for (let i = 0; i < members.length; i += perPage) {
    const ids = members.slice(i, i + perPage);
    // A scalar subquery with LIMIT 1, not EXISTS: PostgreSQL may turn an EXISTS into a join
    // that reads the whole events table when it expects few earlier sales; this one it runs per
    // member, on the events_member index.
    const rows = await ctx.db.all<{ member_id: string }>(
      `SELECT m.member_id FROM members AS m
        WHERE m.member_id IN (${ids.map(() => '?').join(', ')})
          AND (SELECT 1 FROM events AS e WHERE e.member_id = m.member_id
            AND e.type = 'purchase_recorded' AND e.status = 'applied' AND e.occurred_at < ?` +
        (store === null ? '' : ` AND e.store_id = ?`) +
        ` LIMIT 1) IS NOT NULL`,
      [...ids, dayText(day), ...(store === null ? [] : [store])],
    );
    for (const r of rows) found.push(r.member_id);
    if (i + perPage < members.length) await otherWork();
  }
  return found;
}

/**
 * The activity report as a CSV file: a line for each day of the span (quiet days too, so that a
 * spreadsheet's dates run on), then the span's totals, under the JSON's field names.
 */
function activityFile(
  days: readonly Activity[],
  total: Activity,
  first: number,
  last: number,
  store: string | null,
): CsvAnswer {
  const columns = Object.keys(total) as (keyof Activity)[];
  const line = (label: string, a: Activity): string =>
    [label, ...columns.map((c) => String(a[c]))].join(',');
  const from = dayText(first);
  const to = dayText(last);
  return csvFile(
    [
      `date,${columns.join(',')}`,
      ...days.map((a, i) => line(dayText(first + i), a)),
      line('total', total),
    ],
    `activity-${store ?? 'all'}-${from}-${to}.csv`,
  );
}

/** A day number as the shop writes the date (YYYY-MM-DD). */
function dayText(day: number): string {
  return formatDate(civilDate(day));
}

interface CsvAnswer {
  readonly status: number;
  readonly body: null;
  readonly raw: { readonly type: string; readonly text: string; readonly filename: string };
}

/**
 * A CSV file as the answer: a byte order mark first (a spreadsheet then reads the text as UTF-8,
 * Korean names included), lines ending CRLF (RFC 4180).
 */
function csvFile(lines: readonly string[], filename: string): CsvAnswer {
  return {
    status: 200,
    body: null,
    raw: {
      type: 'text/csv; charset=utf-8',
      text: `\uFEFF${lines.join('\r\n')}\r\n`,
      filename,
    },
  };
}

export function reportRoutes(router: Router, ctx: AppContext, page: number = REPORT_PAGE): void {
  /** Members a query reads when it reads each one's whole history (points, members file, lookups). */
  const memberPage = Math.min(page, POINTS_REPORT_MEMBERS);
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
      const store = query.store_id ?? null;
      // The span before, of as many days: whose buyers came back is the span's retention.
      const before = first - (last - first + 1);
      const beforeStart = startOfLocalDay(zone, before);
      const start = startOfLocalDay(zone, first);
      const end = startOfLocalDay(zone, last + 1);
      // Events carry their own offset, so their text's date is within a day of the shop's:
      // the database narrows by text with a day to spare, and the exact instant decides here.
      // Read a page at a time, letting the endpoint serve the tills between pages: a busy
      // chain's month is a million events, which would otherwise hold its one thread for seconds.
      const total = empty();
      const days = Array.from({ length: last - first + 1 }, empty);
      /** The span's buyers, with their purchases in it. */
      const buyers = new Map<string, number>();
      /** Members who bought in the span before; and, from a day earlier, before the span. */
      const previous = new Set<string>();
      const boughtBefore = new Set<string>();
      const benefits = new BenefitTally(ctx.programs.programs());
      for (let after = 0; ;) {
        const rows = await ctx.db.all<{ server_seq: number; body: string }>(
          `SELECT server_seq, body FROM events
            WHERE server_seq > ? AND status = 'applied'
              AND type IN ('member_enrolled', 'purchase_recorded', 'purchase_refunded', 'coupon_used')
              AND occurred_at >= ? AND occurred_at < ?` +
            (store === null ? '' : ` AND store_id = ?`) +
            ` ORDER BY server_seq LIMIT ${page}`,
          [after, dayText(before - 1), dayText(last + 2), ...(store === null ? [] : [store])],
        );
        for (const row of rows) {
          const e = JSON.parse(row.body) as Counted;
          const at = parseInstant(e.occurred_at);
          if (at >= end) continue;
          if (at < start) {
            if (e.type !== 'purchase_recorded') continue;
            boughtBefore.add(e.member_id);
            if (at >= beforeStart) previous.add(e.member_id);
            continue;
          }
          count([total, days[localDay(zone, at) - first] as Activity], e, buyers, benefits);
        }
        if (rows.length < page) break;
        after = Number((rows[rows.length - 1] as { server_seq: number }).server_seq);
        await otherWork();
      }
      // The file holds the days and the totals only: no lookup of earlier buyers for it.
      if (query.format === 'csv') return activityFile(days, total, first, last, store);
      // The span's buyers not seen buying in the two spans: did they buy any time before?
      const unknown = [...buyers.keys()].filter((m) => !boughtBefore.has(m));
      for (const m of await boughtEarlier(ctx, unknown, before - 1, store, memberPage))
        boughtBefore.add(m);
      let repeat = 0;
      let returning = 0;
      let retained = 0;
      for (const [member, purchases] of buyers) {
        if (purchases >= 2) repeat += 1;
        if (boughtBefore.has(member)) returning += 1;
        if (previous.has(member)) retained += 1;
      }
      return {
        status: 200,
        body: {
          from: dayText(first),
          to: dayText(last),
          time_zone: zone,
          store_id: store,
          totals: {
            ...total,
            members_purchasing: buyers.size,
            average_purchase:
              total.purchases === 0 ? null : Math.floor(total.amount_paid / total.purchases),
            repeat_members: repeat,
            returning_members: returning,
          },
          retention: {
            from: dayText(before),
            to: dayText(first - 1),
            members_purchasing: previous.size,
            retained_members: retained,
            lost_members: previous.size - retained,
          },
          benefits: benefits.ranked(),
          days: days.map((a, i) => ({ date: dayText(first + i), ...a })),
        },
      };
    },
  });

  router.add({
    method: 'GET',
    path: '/reports/points',
    allow: ['admin'],
    handler: async (req) => {
      parse(PointsQuerySchema, Object.fromEntries(req.query), 'query');
      const at = asOf(req.query, ctx.now());
      const programs = ctx.programs.programs();
      const program = programs.at(at);
      const tiers = new Map<string, number>(program.tiers.map((t) => [t.id, 0]));
      const sum = { members: 0, points: 0, expiring: 0, debt: 0, inDebt: 0, spend: 0 };
      await eachMemberState(ctx, at, memberPage, null, (_, state) => {
        const b = balanceOf(state, program, at);
        sum.members += 1;
        sum.points += Math.max(0, b.total);
        sum.expiring += b.expiring_soon;
        sum.debt += b.debt;
        if (b.debt > 0) sum.inDebt += 1;
        // What they paid over their membership, less what was refunded (their months' spend).
        for (const month of state.months.values()) sum.spend += month.spend;
        tiers.set(state.tier, (tiers.get(state.tier) ?? 0) + 1);
      });
      return {
        status: 200,
        body: {
          as_of: formatInstant(program.time_zone, at),
          time_zone: program.time_zone,
          members: sum.members,
          points_outstanding: sum.points,
          liability: {
            amount: sum.points * program.point_value,
            currency: program.currency.code,
            exponent: program.currency.exponent,
          },
          lifetime_spend: {
            amount: sum.spend,
            average_per_member: sum.members === 0 ? null : Math.floor(sum.spend / sum.members),
            currency: program.currency.code,
            exponent: program.currency.exponent,
          },
          points_expiring_soon: sum.expiring,
          expiring_soon_days: program.expiry.expiring_soon_days,
          debt: sum.debt,
          members_in_debt: sum.inDebt,
          tiers: [...tiers].map(([tier, members]) => ({
            tier,
            name: program.tiers.find((t) => t.id === tier)?.name ?? tier,
            members,
          })),
        },
      };
    },
  });

  router.add({
    method: 'GET',
    path: '/reports/members',
    allow: ['admin'],
    handler: async (req) => {
      const query = parse(MembersQuerySchema, Object.fromEntries(req.query), 'query');
      const at = asOf(req.query, ctx.now());
      const program = ctx.programs.programs().at(at);
      const lines = [MEMBER_COLUMNS.map(([heading]) => heading).join(',')];
      await eachMemberState(ctx, at, memberPage, query.store_id ?? null, (m, state) => {
        // The numbers of the member's profile (GET /customers/{id}), as of the same moment.
        const c = summarize(state, program);
        lines.push(
          MEMBER_COLUMNS.map(([, value, typed]) => csvField(value(m, c), typed)).join(','),
        );
      });
      const day = formatInstant(program.time_zone, at).slice(0, 10);
      return csvFile(lines, `members-${query.store_id ?? 'all'}-${day}.csv`);
    },
  });
}
