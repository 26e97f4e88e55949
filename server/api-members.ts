/** Members ("customers" in paths): enroll, read, look up, points, history, coupons, PIN check. */
import { uuidv7 } from '../shared/protocol';
import * as v from 'valibot';
import {
  BirthdaySchema,
  couponView,
  daysInMonth,
  formatInstant,
  isBirthdayInput,
  pointsView,
  summarize,
  type MemberState,
  type Payload,
  type Program,
} from '../shared/rules';
import { caller, requireMember, storeFor, type AppContext } from './context';
import { digits, hashPin, normalizePhone, phoneHash, referralCode, verifyPin } from './crypto';
import { ApiError, notFound } from './errors';
import type { Caller, Router } from './http';
import { changeFor, updateDetails } from './api-sync';
import { MEMBER_ROW, memberState, withWriter, type MemberColumns, type MemberRow } from './ledger';
import { asOf, id, instant, occurredAt, parse } from './validate';

const PhoneSchema = v.pipe(
  v.string(),
  v.transform(normalizePhone),
  v.regex(/^\+?\d{6,15}$/, 'must be a phone number of 6 to 15 digits'),
);

/**
 * A birthday as a person or a channel sends it: the events' form (YYYY-MM-DD or --MM-DD), and a
 * date that exists, with a year from 1900 and not after today (1990-02-30 is refused).
 */
const BirthdayInputSchema = v.pipe(
  BirthdaySchema,
  v.check((text) => {
    // Without its year, a leap year's days (29 February is a birthday).
    if (text.startsWith('--'))
      return Number(text.slice(5)) <= daysInMonth(2000, Number(text.slice(2, 4)));
    return isBirthdayInput(text, Date.now());
  }, 'must be a real date, from 1900 and not after today'),
);

const EnrollSchema = v.strictObject({
  name: v.pipe(v.string(), v.trim(), v.minLength(1, 'is required'), v.maxLength(100)),
  phone: PhoneSchema,
  birthday: v.optional(BirthdayInputSchema),
  referral_code: v.optional(v.pipe(v.string(), v.trim(), v.toUpperCase(), v.maxLength(20))),
  pin: v.optional(v.pipe(v.string(), v.regex(/^\d{4,6}$/, 'must be 4 to 6 digits'))),
  card_number: v.optional(
    v.pipe(v.string(), v.regex(/^[0-9A-Za-z-]{4,32}$/, 'must be 4-32 letters, digits or -')),
  ),
  consent: v.optional(v.boolean()),
  store_id: v.optional(id),
  occurred_at: v.optional(instant),
});

const UpdateSchema = v.pipe(
  v.strictObject({
    name: v.optional(
      v.pipe(v.string(), v.trim(), v.minLength(1, 'may not be empty'), v.maxLength(100)),
    ),
    /** null: the member no longer gives a number. */
    phone: v.optional(v.nullable(PhoneSchema)),
    birthday: v.optional(v.nullable(BirthdayInputSchema)),
    store_id: v.optional(id),
    occurred_at: v.optional(instant),
  }),
  v.check(
    (b) => b.name !== undefined || b.phone !== undefined || b.birthday !== undefined,
    'give name, phone or birthday',
  ),
);

const PinSchema = v.strictObject({
  pin: v.pipe(v.string(), v.regex(/^\d{4,6}$/, 'must be 4 to 6 digits')),
});

const PhonePinSchema = v.strictObject({ phone: PhoneSchema, pin: PinSchema.entries.pin });

const count = (max: number) =>
  v.pipe(
    v.string(),
    v.regex(/^\d{1,7}$/, 'must be a whole number'),
    v.transform(Number),
    v.maxValue(max, `must be at most ${max}`),
  );

/** `GET /customers`: the owner's list of members, optionally narrowed by a search text. */
const ListQuerySchema = v.strictObject({
  q: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(100))),
  limit: v.optional(v.pipe(count(200), v.minValue(1, 'must be at least 1'))),
  offset: v.optional(count(1_000_000)),
});

/** A search text as a LIKE pattern's literal part (%, _ and \ match only themselves). */
function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

const PIN_MAX_FAILURES = 5;
const PIN_LOCK_MS = 15 * 60_000;

function mask(text: string | null, keep: number, fromEnd: boolean): string | null {
  if (text === null) return null;
  if (text.length <= keep) return '*'.repeat(text.length);
  return fromEnd
    ? '*'.repeat(text.length - keep) + text.slice(-keep)
    : text.slice(0, keep) + '*'.repeat(text.length - keep);
}

/** The profile of API.md; a kiosk (a public screen) gets personal data masked. */
export function profile(
  row: MemberRow,
  state: MemberState,
  program: Program,
  who: Caller | null,
): Record<string, unknown> {
  const kiosk = who?.kind === 'device' && who.role === 'kiosk';
  return {
    ...summarize(state, program),
    name: kiosk ? mask(row.name, 1, false) : row.name,
    phone: kiosk ? mask(row.phone, 4, true) : row.phone,
    birthday: kiosk ? null : row.birthday,
    has_pin: row.pin_hash !== null,
  };
}

async function uniqueValue(
  ctx: AppContext,
  column: 'card_number' | 'referral_code',
  make: () => string,
): Promise<string> {
  for (let i = 0; i < 20; i += 1) {
    const candidate = make();
    if (!(await ctx.db.get(`SELECT 1 AS one FROM members WHERE ${column} = ?`, [candidate])))
      return candidate;
  }
  throw new Error(`could not find a free ${column}`);
}

/**
 * The member with one of these phone hashes (the number written every way the program's versions
 * write it, the current way first): the first hash that has one wins.
 */
async function memberByPhone(ctx: AppContext, hashes: string[]): Promise<MemberRow | undefined> {
  const rows = await ctx.db.all<MemberRow>(
    `SELECT ${MEMBER_ROW} FROM members WHERE phone_hash IN (${hashes.map(() => '?').join(', ')})`,
    hashes,
  );
  for (const hash of hashes) {
    const row = rows.find((r) => r.phone_hash === hash);
    if (row) return row;
  }
  return undefined;
}

/** The member with this phone number, typed any usual way (memberByPhone over its writings). */
function memberWithNumber(ctx: AppContext, typed: string): Promise<MemberRow | undefined> {
  return memberByPhone(
    ctx,
    ctx.programs.phonesOf(normalizePhone(typed), ctx.now()).map((p) => phoneHash(ctx.phoneKey, p)),
  );
}

/** One of the caller's lookups (60 a minute a token), or a 429. */
function takeLookup(ctx: AppContext, who: Caller): void {
  if (!ctx.lookups.take(`lookup:${who.token_hash}`, ctx.now()))
    throw new ApiError(429, 'rate_limited', 'too many lookups; try again in a minute');
}

/** A member's applied events as a device pulls them, and the ledger's id (GET|POST /sync/member). */
async function memberChanges(ctx: AppContext, who: Caller, memberId: string) {
  const rows = await ctx.db.all<{ server_seq: number; member_id: string; body: string }>(
    `SELECT server_seq, member_id, body FROM events WHERE member_id = ? AND status = 'applied' ORDER BY server_seq`,
    [memberId],
  );
  return {
    member_id: memberId,
    changes: rows.map((r) => changeFor(who, r)),
    ledger_id: ctx.ledgerId,
  };
}

/**
 * A member's PIN, checked with its limit: five wrong tries lock it for 15 minutes. Throws the
 * answer's error (pin_not_set, pin_locked, pin_wrong); returns when the PIN is right.
 */
async function checkPin(ctx: AppContext, row: MemberColumns, pin: string): Promise<void> {
  if (!row.pin_hash) throw new ApiError(422, 'pin_not_set', 'this member has no PIN');
  const now = ctx.now();
  // The attempt is counted before the PIN is checked, in one statement: requests sent at
  // once (a script guessing) each get their own number, so at most five guesses are checked
  // before the lock. Counting after the check let them all read the same count.
  const counted = await ctx.db.get<{ pin_failures: number | string }>(
    `UPDATE members SET pin_failures = pin_failures + 1
       WHERE member_id = ? AND pin_locked_until_ms <= ? RETURNING pin_failures`,
    [row.member_id, now],
  );
  if (!counted) {
    const until = Number((await requireMember(ctx.db, row.member_id)).pin_locked_until_ms);
    throw new ApiError(429, 'pin_locked', 'too many wrong PINs; try again later', {
      retry_after_seconds: Math.max(1, Math.ceil((until - now) / 1000)),
    });
  }
  const attempt = Number(counted.pin_failures);
  const lock = async (): Promise<never> => {
    await ctx.db.run(
      `UPDATE members SET pin_failures = 0, pin_locked_until_ms = ? WHERE member_id = ?`,
      [now + PIN_LOCK_MS, row.member_id],
    );
    throw new ApiError(429, 'pin_locked', 'too many wrong PINs; locked for 15 minutes', {
      retry_after_seconds: PIN_LOCK_MS / 1000,
    });
  };
  // More attempts at once than are allowed: the ones past the fifth are not checked.
  if (attempt > PIN_MAX_FAILURES) await lock();
  if (await verifyPin(pin, row.pin_hash)) {
    await ctx.db.run(
      `UPDATE members SET pin_failures = 0, pin_locked_until_ms = 0 WHERE member_id = ?`,
      [row.member_id],
    );
    return;
  }
  if (attempt >= PIN_MAX_FAILURES) await lock();
  throw new ApiError(422, 'pin_wrong', 'wrong PIN', {
    attempts_left: PIN_MAX_FAILURES - attempt,
  });
}

/**
 * The member a device's search names, as the device searches its own store: a card number, else
 * a member code (referral code, as written or in capitals), else (`byPhone`) a phone number
 * (nine digits or more).
 */
async function memberBySearch(
  ctx: AppContext,
  q: string,
  byPhone: boolean,
): Promise<MemberColumns | undefined> {
  const byCard = await ctx.db.get<MemberColumns>(`SELECT * FROM members WHERE card_number = ?`, [
    q,
  ]);
  if (byCard) return byCard;
  const byCode = await ctx.db.get<MemberColumns>(
    `SELECT * FROM members WHERE referral_code IN (?, ?)`,
    [q, q.toUpperCase()],
  );
  if (byCode || !byPhone || q.replace(/\D/g, '').length < 9) return byCode;
  return memberWithNumber(ctx, q);
}

async function loadProfile(ctx: AppContext, memberId: string, at: number) {
  const row = await requireMember(ctx.db, memberId);
  const state = await memberState(ctx, ctx.db, row, at);
  return { row, state, program: ctx.programs.programs().at(at) };
}

export function memberRoutes(router: Router, ctx: AppContext): void {
  router.add({
    method: 'POST',
    path: '/customers',
    allow: ['admin', 'integration', 'device'],
    roles: ['cashier', 'kiosk'],
    creates: true,
    handler: async (req) => {
      const who = caller(req.caller);
      const body = parse(EnrollSchema, req.body);
      const now = ctx.now();
      const at = occurredAt(body.occurred_at, now);
      const store = await storeFor(ctx.db, who, body.store_id);
      const [phone, ...earlier] = ctx.programs.phonesOf(body.phone, now) as [string, ...string[]];
      const hash = phoneHash(ctx.phoneKey, phone);
      if (await memberByPhone(ctx, [hash, ...earlier.map((p) => phoneHash(ctx.phoneKey, p))])) {
        throw new ApiError(409, 'conflict', 'a member with this phone number exists', {
          field: 'phone',
        });
      }
      if (
        body.card_number &&
        (await ctx.db.get(`SELECT 1 AS one FROM members WHERE card_number = ?`, [body.card_number]))
      ) {
        throw new ApiError(409, 'conflict', 'this card number belongs to another member', {
          field: 'card_number',
        });
      }
      let referrer: { member_id: string } | undefined;
      if (body.referral_code) {
        referrer = await ctx.db.get<{ member_id: string }>(
          `SELECT member_id FROM members WHERE referral_code = ?`,
          [body.referral_code],
        );
        if (!referrer)
          throw new ApiError(
            422,
            'referral_unknown',
            `no member has the referral code ${body.referral_code}`,
            { field: 'referral_code' },
          );
      }
      const memberId = uuidv7();
      const card =
        body.card_number ?? (await uniqueValue(ctx, 'card_number', () => `8${digits(11)}`));
      const code = await uniqueValue(ctx, 'referral_code', referralCode);
      const pinHash = body.pin ? await hashPin(body.pin) : null;
      const program = ctx.programs.programs().at(at);
      const result = await withWriter(ctx, async (w) => {
        w.insertMember({
          member_id: memberId,
          card_number: card,
          referral_code: code,
          phone,
          phone_hash: hash,
          name: body.name,
          birthday: body.birthday ?? null,
          pin_hash: pinHash,
          referred_by: referrer?.member_id ?? null,
          store_id: store,
          consent: body.consent ? 1 : 0,
          enrolled_at: formatInstant(program.time_zone, at),
        });
        await w.serverEvent(store, 'member_enrolled', memberId, at, null, {
          card_number: card,
          referral_code: code,
          referred_by: referrer?.member_id ?? null,
          birthday: body.birthday ?? null,
          name: body.name,
          phone,
          phone_hash: hash,
          consent: body.consent ?? false,
        });
        const row = (await w.member(memberId)) as MemberRow;
        return { row, state: await w.state(row, Math.max(at, now)) };
      });
      return { status: 201, body: profile(result.row, result.state, program, who) };
    },
  });

  router.add({
    method: 'PATCH',
    path: '/customers/:id',
    // A kiosk is a public screen: a member's details change at the till, the console or a channel.
    allow: ['admin', 'integration', 'device'],
    roles: ['cashier'],
    handler: async (req) => {
      const who = caller(req.caller);
      const memberId = req.params.id as string;
      const body = parse(UpdateSchema, req.body);
      const now = ctx.now();
      const at = occurredAt(body.occurred_at, now);
      const stored = await requireMember(ctx.db, memberId);
      const store = await storeFor(
        ctx.db,
        who,
        body.store_id ?? (who.kind === 'device' ? undefined : stored.store_id),
      );
      const payload: Payload<'member_updated'> = {};
      if (body.name !== undefined) payload.name = body.name;
      if (body.birthday !== undefined) payload.birthday = body.birthday;
      if (body.phone !== undefined) {
        const written = body.phone === null ? null : ctx.programs.phoneOf(body.phone, now);
        payload.phone = written;
        payload.phone_hash = written === null ? null : phoneHash(ctx.phoneKey, written);
      }
      const program = ctx.programs.programs().at(at);
      const result = await withWriter(ctx, async (w) => {
        const row = await w.member(memberId);
        if (!row) throw notFound(`customer ${memberId}`);
        // The number of another member is refused here (409), not kept flagged as from a till.
        if ((await updateDetails(ctx, w, row, payload, false)).length > 0) {
          throw new ApiError(409, 'conflict', 'a member with this phone number exists', {
            field: 'phone',
          });
        }
        await w.serverEvent(store, 'member_updated', memberId, at, null, payload);
        return { row, state: await w.state(row, Math.max(at, now)) };
      });
      return { status: 200, body: profile(result.row, result.state, program, who) };
    },
  });

  router.add({
    method: 'GET',
    path: '/customers',
    // Names and phone numbers of every member: the owner's, not a channel's or a device's.
    allow: ['admin'],
    handler: async (req) => {
      const query = parse(ListQuerySchema, Object.fromEntries(req.query), 'query');
      const limit = query.limit ?? 50;
      const offset = query.offset ?? 0;
      const text = query.q ?? '';
      // A name containing the text; a card number starting with it; a phone number containing
      // its digits, as typed or as the program writes numbers (the last four digits, say).
      const digitsOnly = text.replace(/[\s().-]/g, '');
      const phoneLike = /^\+?\d{2,}$/.test(digitsOnly);
      // The way the program in force writes the number, and the ways earlier versions did (a
      // member stored under an earlier phone rule is found by the whole number typed any way).
      const [written = '', ...earlier] = phoneLike
        ? ctx.programs.phonesOf(digitsOnly, ctx.now())
        : [];
      const rows = await ctx.db.all<MemberColumns>(
        `SELECT * FROM members
          WHERE ? = ''
             OR LOWER(name) LIKE ? ESCAPE '\\'
             OR card_number LIKE ? ESCAPE '\\'
             OR (? <> '' AND (phone LIKE ? ESCAPE '\\' OR phone LIKE ? ESCAPE '\\'))
             ${earlier.map(() => 'OR phone = ?').join(' ')}
          ORDER BY COALESCE(name, ''), member_id
          LIMIT ? OFFSET ?`,
        [
          text,
          `%${likeLiteral(text.toLowerCase())}%`,
          `${likeLiteral(text)}%`,
          written,
          `%${likeLiteral(digitsOnly)}%`,
          `%${likeLiteral(written)}%`,
          ...earlier,
          limit + 1,
          offset,
        ],
      );
      return {
        status: 200,
        body: {
          items: rows.slice(0, limit).map((r) => ({
            customer_id: r.member_id,
            name: r.name,
            phone: r.phone,
            card_number: r.card_number,
            store_id: r.store_id,
            enrolled_at: r.enrolled_at,
          })),
          next_offset: rows.length > limit ? offset + limit : null,
        },
      };
    },
  });

  router.add({
    method: 'GET',
    path: '/customers/lookup',
    allow: ['admin', 'integration', 'device'],
    handler: async (req) => {
      const who = caller(req.caller);
      takeLookup(ctx, who);
      const phone = req.query.get('phone');
      const card = req.query.get('card_number');
      let row: MemberRow | undefined;
      if (phone !== null) {
        row = await memberWithNumber(ctx, phone);
      } else if (card !== null) {
        row = await ctx.db.get<MemberRow>(
          `SELECT ${MEMBER_ROW} FROM members WHERE card_number = ?`,
          [card.trim()],
        );
      } else {
        throw new ApiError(400, 'invalid_input', 'give ?phone= or ?card_number=');
      }
      if (!row) throw notFound('customer');
      const at = asOf(req.query, ctx.now());
      const state = await memberState(ctx, ctx.db, row, at);
      return { status: 200, body: profile(row, state, ctx.programs.programs().at(at), who) };
    },
  });

  router.add({
    method: 'GET',
    path: '/sync/member',
    allow: ['device'],
    roles: ['cashier', 'kiosk'],
    handler: async (req) => {
      const who = caller(req.caller);
      const q = (req.query.get('q') ?? '').trim();
      if (!q || q.length > 100 || q.includes('\u0000'))
        throw new ApiError(
          400,
          'invalid_input',
          'give ?q= a card number, a member code or a phone number',
        );
      takeLookup(ctx, who);
      // A kiosk is a public screen: a phone number finds a member there only with their PIN.
      const row = await memberBySearch(ctx, q, who.role === 'cashier');
      if (!row) throw notFound('customer');
      return { status: 200, body: await memberChanges(ctx, who, row.member_id) };
    },
  });

  router.add({
    method: 'POST',
    path: '/sync/member',
    allow: ['device'],
    roles: ['cashier', 'kiosk'],
    handler: async (req) => {
      const who = caller(req.caller);
      const body = parse(PhonePinSchema, req.body);
      takeLookup(ctx, who);
      // Phone number + PIN, as at a kiosk: the PIN is checked (and limited) as by
      // POST /customers/{id}/pin/verify before anything of the member is handed over.
      const row = await memberWithNumber(ctx, body.phone);
      if (!row) throw notFound('customer');
      await checkPin(ctx, row, body.pin);
      return { status: 200, body: await memberChanges(ctx, who, row.member_id) };
    },
  });

  router.add({
    method: 'GET',
    path: '/customers/:id',
    allow: ['admin', 'integration', 'device'],
    handler: async (req) => {
      const at = asOf(req.query, ctx.now());
      const { row, state, program } = await loadProfile(ctx, req.params.id as string, at);
      return { status: 200, body: profile(row, state, program, req.caller) };
    },
  });

  router.add({
    method: 'GET',
    path: '/customers/:id/points',
    allow: ['admin', 'integration', 'device'],
    handler: async (req) => {
      const at = asOf(req.query, ctx.now());
      const { state, program } = await loadProfile(ctx, req.params.id as string, at);
      return {
        status: 200,
        body: { customer_id: state.member_id, ...pointsView(state, program, at) },
      };
    },
  });

  router.add({
    method: 'GET',
    path: '/customers/:id/history',
    allow: ['admin', 'integration', 'device'],
    handler: async (req) => {
      const at = asOf(req.query, ctx.now());
      const limit = Math.min(200, Math.max(1, Number(req.query.get('limit') ?? 50) || 50));
      const offset = Math.max(0, Number(req.query.get('offset') ?? 0) || 0);
      const { state, program } = await loadProfile(ctx, req.params.id as string, at);
      const all = state.movements.filter((m) => m.at <= at);
      const items = all
        .slice()
        .reverse()
        .slice(offset, offset + limit)
        .map((m) => ({
          at: formatInstant(program.time_zone, m.at),
          kind: m.kind,
          points: m.points,
          ref: m.ref,
          event_id: m.event_id,
        }));
      return {
        status: 200,
        body: {
          customer_id: state.member_id,
          items,
          total: all.length,
          offset,
          limit,
          next_offset: offset + limit < all.length ? offset + limit : null,
        },
      };
    },
  });

  router.add({
    method: 'GET',
    path: '/customers/:id/coupons',
    allow: ['admin', 'integration', 'device'],
    handler: async (req) => {
      const at = asOf(req.query, ctx.now());
      const { state, program } = await loadProfile(ctx, req.params.id as string, at);
      const coupons = [...state.coupons.values()]
        .sort((a, b) => a.valid_until - b.valid_until || (a.code < b.code ? -1 : 1))
        .map((c) => couponView(c, program.time_zone, at));
      return { status: 200, body: { customer_id: state.member_id, coupons } };
    },
  });

  router.add({
    method: 'POST',
    path: '/customers/:id/pin/verify',
    allow: ['admin', 'integration', 'device'],
    handler: async (req) => {
      const body = parse(PinSchema, req.body);
      await checkPin(ctx, await requireMember(ctx.db, req.params.id as string), body.pin);
      return { status: 200, body: { ok: true } };
    },
  });
}
