/**
 * What the till does, in the service worker: every read and write of the device store and
 * every rule runs here, so the side panel is only a view (and stays small). Each function takes
 * plain arguments and returns plain data, so it can answer a message.
 */
import { hashPinSync, phoneHashOf, uuidv7, verifyPinHash } from '../../shared/protocol';
import {
  PHONE_PATTERN,
  isBirthdayInput,
  phoneOfInput,
  purchasePayload,
  quoteCheckout,
  quoteRefund,
  refundPayload,
  refundableQuantity,
  replay,
  summarize,
  type Line,
  type MemberSummary,
  type Payload,
  type Program,
  type Quote,
  type RefundQuote,
  type RuleError,
} from '../../shared/rules';
import type { Refusal } from '../../shared/ui';
import {
  checkoutContext,
  correctedNow,
  deviceOf,
  memberByPhoneHash,
  memberEvents,
  nameFromEvents,
  memberRow,
  ownEnrollment,
  memberStateOf,
  phoneHashesAsWritten,
  phoneWritingsOf,
  programsOf,
  recordEvents,
  rejectedEvents,
  type Draft,
  type DeviceDb,
} from '../../shared/storage';
import { deviceDb, syncClient } from './device';

export interface Staff {
  readonly staff_id: string;
  readonly name: string;
  readonly role: string;
}

/**
 * What an action did. A refusal of the rules also carries its code and details, so the panel
 * says it in the cashier's language (`message` is the rules' English, for logs and tests).
 */
export type Outcome<T> = { ok: true; value: T } | { ok: false; message: string; refusal?: Refusal };
const fail = <T>(message: string): Outcome<T> => ({ ok: false, message });
const refused = <T>(error: RuleError): Outcome<T> => ({
  ok: false,
  message: error.message,
  refusal: { code: error.code, details: error.details },
});

let turn: Promise<unknown> = Promise.resolve();

/**
 * `work`, run one call at a time with every other action so wrapped (sales, refunds,
 * enrollments, adjustments). Each checks the member's state and then records; two at once (a
 * double click, two side panels) both passed the check on the same state and spent the same
 * points or coupon twice.
 */
function oneAtATime<A, R>(work: (input: A) => Promise<R>): (input: A) => Promise<R> {
  return (input) => {
    const run = turn.then(() => work(input));
    turn = run.catch(() => undefined);
    return run;
  };
}

export interface SaleInput {
  readonly member_id: string;
  readonly amount: number;
  readonly lines: Line[];
  readonly redeem: number;
  readonly coupon: string | null;
  /** The POS's receipt number, when the bridge read one. */
  readonly receipt_id?: string | null;
  readonly staff_id: string | null;
}

/**
 * Who a PIN belongs to among the store's staff. Every hash is checked (as many as for a wrong
 * PIN): a PIN two of them share (given before the endpoint refused shared PINs, decision 0025)
 * names nobody, rather than whichever of them comes first.
 */
function staffWithPin(
  staff: readonly { staff_id: string; name: string; role: string; pin_hash: string }[],
  pin: string,
): Staff | 'pin_shared' | null {
  const matches = staff.filter((s) => verifyPinHash(pin, s.pin_hash));
  if (matches.length > 1) return 'pin_shared';
  const one = matches[0];
  return one ? { staff_id: one.staff_id, name: one.name, role: one.role } : null;
}

export async function unlock(pin: string): Promise<Staff | 'pin_shared' | null> {
  return staffWithPin((await deviceOf(deviceDb())).staff, pin);
}

/** What the till shows of a member: the profile's numbers, and the name to greet them by. */
export type MemberView = MemberSummary & { readonly name: string | null };

/**
 * The member as this till knows them; `fresh`: after one sync (caughtUp), so that what another
 * till recorded a moment ago (points spent there) is in the numbers.
 */
export async function member(memberId: string, fresh = false): Promise<MemberView> {
  if (fresh) await caughtUp();
  const db = deviceDb();
  const now = await correctedNow(db);
  const [programs, events] = await Promise.all([programsOf(db), memberEvents(db, memberId)]);
  return {
    ...summarize(replay(memberId, events, programs, now), programs.at(now)),
    name: nameFromEvents(events),
  };
}

/** How long a search that found nothing on this till waits for a sync (the customer waits). */
const CATCH_UP_WAIT_MS = 3_000;

/**
 * What this till has not pulled yet: a member who joined a moment ago at the kiosk or another
 * till (the till pulls every minute). One sync, waited for at most CATCH_UP_WAIT_MS; offline or
 * backing off, it says so at once. Whether it went through.
 */
async function caughtUp(): Promise<boolean> {
  return (await syncClient().syncWithin(CATCH_UP_WAIT_MS))?.ok === true;
}

/**
 * `look` on this till; else the member `search` names (a card number, member code or phone
 * number) is fetched from the endpoint with their events (fetchMember: a member who joined at
 * the kiosk a moment ago, or whom this till has not pulled yet) and `look` runs again, or
 * `found` with the member's id; only when the endpoint could not be asked, `look` once more
 * after one sync (caughtUp).
 */
async function hereOrFetched<T>(
  search: string,
  look: () => Promise<T | null | undefined>,
  found: (memberId: string) => Promise<T | null | undefined> = look,
): Promise<T | null> {
  const here = await look();
  if (here !== null && here !== undefined) return here;
  const fetched = await syncClient().fetchMember(search);
  if (fetched.found) return (await found(fetched.member_id)) ?? null;
  return !fetched.answered && (await caughtUp()) ? ((await look()) ?? null) : null;
}

/** Finds a member by card number, member code (referral code) or phone number (hereOrFetched). */
export async function find(search: string): Promise<string | null> {
  return search.trim()
    ? hereOrFetched(
        search,
        () => findHere(search),
        async (memberId) => memberId,
      )
    : null;
}

async function findHere(search: string): Promise<string | null> {
  const text = search.trim();
  if (!text) return null;
  const db = deviceDb();
  const device = await deviceOf(db);
  const row =
    (await memberRow(db, { card_number: text })) ?? (await memberRow(db, { referral_code: text }));
  if (row) return row.member_id;
  // Enrolled here and not synced yet: the outbox knows.
  const own = await ownEnrollment(
    db,
    (p) => p.card_number === text || p.referral_code === text.toUpperCase(),
  );
  if (own || text.replace(/[^\d]/g, '').length < 9) return own;
  return memberByPhoneHash(db, await phoneHashesAsWritten(db, device.phone_key, text));
}

export async function quote(input: SaleInput): Promise<Outcome<Quote>> {
  return (await quoteIn(input)).outcome;
}

/** Quotes on one consistent read of the device store (one IndexedDB transaction). */
async function quoteIn(
  input: SaleInput,
): Promise<{ outcome: Outcome<Quote>; now: number; program: Program; offline: boolean }> {
  const c = await checkoutContext(deviceDb(), input.member_id, Date.now());
  const amount =
    input.lines.length > 0
      ? input.lines.reduce((s, l) => s + l.quantity * l.unit_price, 0)
      : input.amount;
  const q = quoteCheckout(
    c.state,
    c.program,
    {
      amount,
      lines: input.lines,
      redeem_points: input.redeem,
      coupon_code: input.coupon,
      store_id: c.device.store_id,
      offline: c.offline,
    },
    c.now,
  );
  return {
    outcome: q.ok ? q : refused(q.error),
    now: c.now,
    program: c.program,
    offline: c.offline !== null,
  };
}

let pendingSync: ReturnType<typeof setTimeout> | undefined;

async function record(drafts: Draft[], now?: number, program?: Program): Promise<void> {
  const db = deviceDb();
  await recordEvents(
    db,
    drafts,
    now ?? (await correctedNow(db)),
    program ?? (await programsOf(db)).latest(),
  );
  // Push soon, once for a burst of sales (the alarm is the backstop if the worker is stopped).
  clearTimeout(pendingSync);
  pendingSync = setTimeout(() => void syncClient().sync(), 1_000);
}

async function sellNow(input: SaleInput): Promise<Outcome<{ discount: number; sale: Quote }>> {
  const { outcome: q, now, program, offline } = await quoteIn(input);
  if (!q.ok) return q;
  await record(
    [
      {
        type: 'purchase_recorded',
        member_id: input.member_id,
        staff_id: input.staff_id,
        payload: purchasePayload(
          q.value,
          { purchase_id: uuidv7(), receipt_id: input.receipt_id?.trim() || null },
          input.lines,
          offline,
        ),
      },
    ],
    now,
    program,
  );
  return { ok: true, value: { discount: q.value.amount - q.value.amount_paid, sale: q.value } };
}

/** A sale, recorded only after the sales before it (see oneAtATime). */
export const sell = oneAtATime(sellNow);

/**
 * A phone number as typed: as events carry it (the way the program in force writes it), its
 * hash, and the member who has it already, written any way the program's versions write it.
 * Not on this till, the holder is asked of the endpoint (hereOrFetched): a number given at the
 * kiosk a moment ago, or a member this till has not pulled yet, is taken.
 */
async function numberOf(
  db: DeviceDb,
  phoneKey: string,
  typed: string,
): Promise<{ phone: string; phone_hash: string; holder: string | null }> {
  const writings = await phoneWritingsOf(db, typed);
  const hashes = writings.map((w) => phoneHashOf(phoneKey, w));
  const holder = await hereOrFetched(typed, () => memberByPhoneHash(db, hashes));
  return { phone: writings[0] as string, phone_hash: hashes[0] as string, holder };
}

export interface EnrollInput {
  name: string;
  phone: string;
  birthday: string;
  referral: string;
  pin: string;
  staff_id: string | null;
}

async function enrollNow(input: EnrollInput): Promise<Outcome<string>> {
  const db = deviceDb();
  const device = await deviceOf(db);
  const referral = input.referral.trim();
  const referrer = referral
    ? await hereOrFetched(referral, () => memberRow(db, { referral_code: referral }))
    : null;
  if (referral && !referrer) return fail('referral_unknown');
  if (!input.name.trim()) return fail('name');
  const typed = phoneOfInput(input.phone);
  if (typed && !PHONE_PATTERN.test(typed)) return fail('phone_format');
  const number = typed ? await numberOf(db, device.phone_key, typed) : null;
  // Already a member (synced here, or enrolled here and not synced yet): find them instead.
  if (number?.holder) return fail('phone_taken');
  if (input.birthday.trim() && !isBirthdayInput(input.birthday.trim(), Date.now()))
    return fail('birthday_format');
  const pin = input.pin.trim();
  if (pin && !/^\d{4,6}$/.test(pin)) return fail('pin_format');
  const id = uuidv7();
  const card = `8${Array.from(crypto.getRandomValues(new Uint8Array(11)), (b) => String(b % 10)).join('')}`;
  const code = Array.from(
    crypto.getRandomValues(new Uint8Array(7)),
    (b) => '23456789ABCDEFGHJKLMNPQRSTUVWXYZ'[b % 32],
  ).join('');
  await record([
    {
      type: 'member_enrolled',
      member_id: id,
      staff_id: input.staff_id,
      payload: {
        card_number: card,
        referral_code: code,
        referred_by: referrer?.member_id ?? null,
        birthday: input.birthday.trim() || null,
        name: input.name.trim(),
        phone: number?.phone ?? null,
        phone_hash: number?.phone_hash ?? null,
        consent: true,
        pin_hash: pin ? hashPinSync(pin) : null,
      },
    },
  ]);
  return { ok: true, value: id };
}

export const enroll = oneAtATime(enrollNow);

export interface RecentPurchase {
  readonly purchase_id: string;
  readonly receipt_id: string | null;
  readonly at: number;
  readonly amount: number;
  readonly left: number;
  /** Units of each sku still refundable (refund by lines). */
  readonly lines: { sku: string; unit_price: number; left: number }[];
}

/**
 * The member's recent purchases with something left to refund, newest first; with a receipt
 * number, the purchase(s) rung up under it, however old.
 */
export async function recentPurchases(
  memberId: string,
  receipt?: string,
): Promise<RecentPurchase[]> {
  const db = deviceDb();
  const state = await memberStateOf(db, memberId, await correctedNow(db));
  const wanted = receipt?.trim();
  return [...state.purchases.values()]
    .filter((p) => p.refunded_gross < p.amount && (!wanted || p.receipt_id === wanted))
    .sort((a, b) => b.occurred_at - a.occurred_at)
    .slice(0, 10)
    .map((p) => ({
      purchase_id: p.purchase_id,
      receipt_id: p.receipt_id,
      at: p.occurred_at,
      amount: p.amount,
      left: p.amount - p.refunded_gross,
      lines: [...new Set(p.lines.map((l) => l.sku))].map((sku) => ({
        sku,
        unit_price: p.lines.find((l) => l.sku === sku)?.unit_price ?? 0,
        left: refundableQuantity(p, sku),
      })),
    }));
}

export interface RefundInput {
  member_id: string;
  purchase_id: string;
  amount?: number;
  lines?: { sku: string; quantity: number }[];
  staff_id: string | null;
}

async function refundNow(input: RefundInput): Promise<Outcome<RefundQuote>> {
  const db = deviceDb();
  const now = await correctedNow(db);
  const q = quoteRefund(
    await memberStateOf(db, input.member_id, now),
    (await programsOf(db)).at(now),
    input.lines && input.lines.length > 0
      ? { purchase_id: input.purchase_id, lines: input.lines }
      : input.amount
        ? { purchase_id: input.purchase_id, amount: input.amount }
        : { purchase_id: input.purchase_id },
    now,
  );
  if (!q.ok) return refused(q.error);
  const f = q.value;
  await record([
    {
      type: 'purchase_refunded',
      member_id: input.member_id,
      staff_id: input.staff_id,
      payload: refundPayload(uuidv7(), f),
    },
  ]);
  return { ok: true, value: f };
}

export const refund = oneAtATime(refundNow);

/** A member's new phone number or corrected name, as the customer gives it at the till. */
export interface DetailsInput {
  member_id: string;
  name: string;
  phone: string;
  staff_id: string | null;
}

/**
 * Records a member_updated (the endpoint changes the member's row with it, and every device gets
 * it at its next sync). A number this till knows as another member's is refused here; the
 * endpoint flags one that only it knows.
 */
async function changeDetailsNow(input: DetailsInput): Promise<Outcome<null>> {
  const db = deviceDb();
  const device = await deviceOf(db);
  const name = input.name.trim();
  const typed = phoneOfInput(input.phone);
  if (!name && !typed) return fail('details_empty');
  if (typed && !PHONE_PATTERN.test(typed)) return fail('phone_format');
  const payload: Payload<'member_updated'> = {};
  if (name) payload.name = name;
  if (typed) {
    const { phone, phone_hash, holder } = await numberOf(db, device.phone_key, typed);
    if (holder !== null && holder !== input.member_id) return fail('phone_taken');
    payload.phone = phone;
    payload.phone_hash = phone_hash;
  }
  await record([
    { type: 'member_updated', member_id: input.member_id, staff_id: input.staff_id, payload },
  ]);
  return { ok: true, value: null };
}

export const changeDetails = oneAtATime(changeDetailsNow);

/** A manual adjustment: a reason and a manager's PIN. */
export interface AdjustInput {
  member_id: string;
  points: number;
  reason: string;
  manager_pin: string;
  staff_id: string | null;
}

async function adjustNow(input: AdjustInput): Promise<Outcome<null>> {
  const device = await deviceOf(deviceDb());
  // A cashier who has a manager's PIN would approve in the manager's name: a shared PIN approves
  // nothing.
  const manager = staffWithPin(device.staff, input.manager_pin);
  if (manager === 'pin_shared') return fail('pin_shared');
  if (!manager || manager.role !== 'manager') return fail('manager_pin_wrong');
  if (!Number.isSafeInteger(input.points) || input.points === 0 || input.reason.trim().length < 3)
    return fail('adjust_invalid');
  await record([
    {
      type: 'points_adjusted',
      member_id: input.member_id,
      staff_id: input.staff_id,
      payload: { points: input.points, reason: input.reason.trim(), approved_by: manager.staff_id },
    },
  ]);
  return { ok: true, value: null };
}

export const adjust = oneAtATime(adjustNow);

/** The POS page the cashier last worked in (the bridge says hello from it). */
async function posTab(): Promise<number | undefined> {
  const stored = await chrome.storage.session.get('pos_tab');
  return typeof stored.pos_tab === 'number' ? stored.pos_tab : undefined;
}

export async function takeCart(): Promise<{
  amount: number;
  lines: Line[];
  receipt_id: string | null;
} | null> {
  const tab = await posTab();
  if (tab === undefined) return null;
  try {
    return (
      ((await chrome.tabs.sendMessage(tab, { kind: 'read-cart' })) as
        { amount: number; lines: Line[]; receipt_id: string | null } | undefined) ?? null
    );
  } catch {
    return null;
  }
}

export async function writeDiscount(amount: number): Promise<boolean> {
  const tab = await posTab();
  if (tab === undefined) return false;
  return Boolean(
    await chrome.tabs.sendMessage(tab, { kind: 'write-discount', amount }).catch(() => false),
  );
}

export interface RejectedView {
  readonly event_id: string;
  readonly type: string;
  readonly reason: string | null;
  readonly message: string | null;
  readonly at: string;
}

/** Events the endpoint refused: kept, and shown with the reason it gave. */
export async function rejected(): Promise<RejectedView[]> {
  const rows = await rejectedEvents(deviceDb());
  return rows.map((r) => ({
    event_id: r.event_id,
    type: r.event.type,
    reason: r.reason,
    message: r.message,
    at: r.event.occurred_at,
  }));
}
