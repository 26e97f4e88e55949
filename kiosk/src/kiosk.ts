/**
 * What the kiosk does with the device store: pair, identify a walk-up member (card or member
 * code offline; phone number + PIN with an online PIN check), show their numbers, enroll, and
 * take feedback. A kiosk records only `member_enrolled` and `feedback_given`: it never records a
 * purchase or spends points (the endpoint refuses those from a kiosk too).
 *
 * Every function returns plain data; errors are word keys of ./words so the screen can say them
 * in the member's language.
 */
import { hashPinSync, uuidv7 } from '../../shared/protocol';
import {
  formatInstant,
  isBirthdayInput,
  localDay,
  nextTier,
  replay,
  startOfLocalDay,
  summarize,
  type LedgerEvent,
  type MemberSummary,
  type MovementKind,
  type Program,
} from '../../shared/rules';
import {
  correctedNow,
  endpointBase,
  deviceOf,
  memberByPhoneHash,
  nameFromEvents,
  memberEvents,
  memberRow,
  ownEnrollment,
  outboxCount,
  phoneHashesAsWritten,
  pairingRequest,
  programsOf,
  recordEvents,
  savePairing,
  syncStateOf,
  type Draft,
  type Pairing,
} from '../../shared/storage';
import { deviceDb, syncClient } from './device';
import type { KioskWord } from './words';

export type Outcome<T> =
  { ok: true; value: T } | { ok: false; error: KioskWord; detail?: number | string };
const fail = <T>(error: KioskWord, detail?: number | string): Outcome<T> =>
  detail === undefined ? { ok: false, error } : { ok: false, error, detail };

export interface KioskStatus {
  readonly paired: boolean;
  readonly store_id: string | null;
  /** The last time the kiosk heard from the endpoint (what the numbers are "as of"). */
  readonly last_sync: number | null;
  readonly offline_since: number | null;
  /** Enrollments and feedback not yet on the endpoint. */
  readonly unsynced: number;
  readonly paused: string | null;
  /** The program's time zone (times are shown in it). */
  readonly time_zone: string;
}

export async function status(): Promise<KioskStatus> {
  const db = deviceDb();
  const device = await db.device.get('self');
  const sync = await syncStateOf(db);
  return {
    paired: device !== undefined,
    store_id: device?.store_id ?? null,
    last_sync: sync.last_success_at,
    offline_since: sync.offline_since,
    unsynced: device ? await outboxCount(db) : 0,
    paused: sync.paused,
    time_zone: (await programsOf(db)).latest().time_zone,
  };
}

/** Pairs this screen with the endpoint as a kiosk (a one-time code from the admin). */
export async function pair(endpoint: string, code: string): Promise<Outcome<null>> {
  const base = endpointBase(endpoint);
  const request = await pairingRequest(deviceDb(), code);
  let res: Response;
  try {
    res = await fetch(`${base}/api/v1/devices/pair`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request),
    });
  } catch {
    return fail('endpoint_unreachable');
  }
  const body = (await res.json().catch(() => null)) as
    (Pairing & { error?: { message: string } }) | null;
  if (!res.ok || !body) return fail('pairing_refused', body?.error?.message ?? String(res.status));
  if (body.role !== 'kiosk') return fail('pairing_not_kiosk');
  await savePairing(deviceDb(), base, body);
  return { ok: true, value: null };
}

/** Card numbers are typed with spaces or dashes; member codes in any case. */
function normalizeCode(text: string): string {
  const trimmed = text.trim();
  return /^[\d\s-]+$/.test(trimmed) ? trimmed.replace(/[\s-]/g, '') : trimmed.toUpperCase();
}

/** A card number or member code (typed, or read by the scanner, which types it). */
export async function identifyByCode(text: string): Promise<Outcome<string>> {
  const code = normalizeCode(text);
  if (code.length < 4) return fail('not_found');
  const found = await byCode(code);
  if (found) return { ok: true, value: found };
  // Enrolled at a till a minute ago, or this kiosk has not pulled everyone yet (new, or pulling
  // again after a restore)? The endpoint hands over that member (GET /sync/member). When it
  // cannot be asked, one sync, then look again (offline this fails at once).
  const fetched = await syncClient().fetchMember(code);
  if (fetched.found) return { ok: true, value: fetched.member_id };
  if (fetched.answered) return fail('not_found');
  await catchUp();
  const again = await byCode(code);
  return again ? { ok: true, value: again } : fail('not_found');
}

async function byCode(code: string): Promise<string | null> {
  const db = deviceDb();
  const row =
    (await memberRow(db, { card_number: code })) ?? (await memberRow(db, { referral_code: code }));
  return (
    row?.member_id ??
    (await ownEnrollment(db, (p) => p.card_number === code || p.referral_code === code))
  );
}

/** One sync now, past any backoff, bounded in time: the customer is waiting. */
async function catchUp(): Promise<void> {
  await syncClient().syncWithin(5_000, { force: true });
}

const digitsOf = (phone: string): string => phone.replace(/\D/g, '');

/**
 * Phone number + PIN. The kiosk holds only keyed hashes of phone numbers and no PIN hashes (a
 * short PIN's hash on a public screen could be guessed offline), so the PIN is checked by the
 * endpoint, which counts wrong tries (5, then 15 minutes locked for that member). Without the
 * network this way in is closed; the card or member code still works.
 */
export async function identifyByPhone(phone: string, pin: string): Promise<Outcome<string>> {
  if (digitsOf(phone).length < 9) return fail('phone_format');
  if (!/^\d{4,6}$/.test(pin)) return fail('pin_format');
  const db = deviceDb();
  const device = await deviceOf(db);
  const hashes = await phoneHashesAsWritten(db, device.phone_key, phone);
  const byPhone = () => memberByPhoneHash(db, hashes);
  let memberId = await byPhone();
  if (!memberId) {
    // Not held here (joined at a till a moment ago, or this kiosk has not pulled everyone yet):
    // the endpoint checks the PIN and hands the member over (POST /sync/member, decision 0035).
    const fetched = await syncClient().fetchMember({ phone, pin });
    if (fetched.found) return { ok: true, value: fetched.member_id };
    return pinRefusal(fetched.answered ? fetched : { status: 0 });
  }
  let answer = await verifyPin(device.endpoint, device.token, memberId, pin);
  if (answer.status === 404) {
    // Enrolled here a moment ago: send it, then ask again.
    await syncClient().sync({ force: true });
    memberId = (await byPhone()) ?? memberId;
    answer = await verifyPin(device.endpoint, device.token, memberId, pin);
  }
  return answer.status === 200 ? { ok: true, value: memberId } : pinRefusal(answer);
}

/** What the customer is told when the endpoint did not take their phone number and PIN. */
function pinRefusal(answer: {
  status: number;
  code?: string;
  retry_after?: number;
}): Outcome<string> {
  switch (answer.status) {
    case 0:
      return fail('pin_needs_network');
    case 429:
      return fail('pin_locked', Math.ceil((answer.retry_after ?? 900) / 60));
    case 401:
    case 403:
      return fail('kiosk_not_paired');
    default:
      return answer.code === 'pin_not_set' ? fail('pin_not_set') : fail('phone_or_pin_wrong');
  }
}

async function verifyPin(
  endpoint: string,
  token: string,
  memberId: string,
  pin: string,
): Promise<{ status: number; code?: string; retry_after?: number }> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 8_000);
  try {
    const res = await fetch(
      `${endpoint}/api/v1/customers/${encodeURIComponent(memberId)}/pin/verify`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ pin }),
        signal: controller.signal,
      },
    );
    const body = (await res.json().catch(() => null)) as {
      error?: { code?: string; details?: { retry_after_seconds?: number } };
    } | null;
    return {
      status: res.status,
      ...(body?.error?.code ? { code: body.error.code } : {}),
      ...(body?.error?.details?.retry_after_seconds
        ? { retry_after: body.error.details.retry_after_seconds }
        : {}),
    };
  } catch {
    return { status: 0 };
  } finally {
    clearTimeout(timer);
  }
}

export interface TierView {
  readonly id: string;
  readonly name: string;
  readonly earn_rate_bp: number;
  readonly monthly_coupons: number;
  readonly consultation: string;
  readonly perks: readonly string[];
}

export interface MemberView {
  readonly summary: MemberSummary;
  /** Masked: the first letter and stars. */
  readonly name: string | null;
  readonly tier: TierView;
  readonly next: { readonly name: string; readonly threshold: number } | null;
  /** 0..1 of the way to the next tier (1 at the top tier). */
  readonly progress: number;
  /** The earliest day some of the soon-expiring points expire (YYYY-MM-DD), if any do. */
  readonly expiring_on: string | null;
  readonly movements: readonly { at: string; kind: MovementKind; points: number }[];
  readonly time_zone: string;
}

export function maskName(name: string | null): string | null {
  if (!name) return null;
  const chars = [...name.trim()];
  return chars.length <= 1 ? chars.join('') : chars[0] + '*'.repeat(chars.length - 1);
}

function nameOf(events: readonly LedgerEvent[]): string | null {
  return maskName(nameFromEvents(events));
}

function tierView(program: Program, id: string): { tier: TierView; index: number } {
  const index = Math.max(
    0,
    program.tiers.findIndex((t) => t.id === id),
  );
  const t = program.tiers[index] ?? program.tiers[0];
  if (!t) throw new Error('a program has at least one tier');
  return {
    index,
    tier: {
      id: t.id,
      name: t.name,
      earn_rate_bp: t.earn_rate_bp,
      monthly_coupons: t.monthly_coupons,
      consultation: t.consultation,
      perks: t.perks,
    },
  };
}

/** What the member sees: the same numbers as GET /customers/{id}, from the device store. */
export async function memberView(memberId: string): Promise<MemberView> {
  const db = deviceDb();
  const now = await correctedNow(db);
  const [events, programs] = await Promise.all([memberEvents(db, memberId), programsOf(db)]);
  const state = replay(memberId, events, programs, now);
  const program = programs.at(now);
  const summary = summarize(state, program);
  const { tier, index } = tierView(program, summary.tier);
  const next = program.tiers[index + 1] ?? null;
  // Tiers go by the spend of the look-back months: progress is that spend over what it needs.
  const toNext = nextTier(state, program, now);
  const progress =
    toNext.needed_spend > 0 ? Math.min(1, toNext.counted_spend / toNext.needed_spend) : 1;
  const zone = program.time_zone;
  const cutoff = startOfLocalDay(zone, localDay(zone, now) + program.expiry.expiring_soon_days + 1);
  let first = Infinity;
  for (const lot of state.lots) {
    if (lot.remaining > 0 && lot.expires_at > now && lot.expires_at <= cutoff)
      first = Math.min(first, lot.expires_at);
  }
  return {
    summary,
    name: nameOf(events),
    tier,
    next: next ? { name: next.name, threshold: next.threshold } : null,
    progress,
    // A lot expires at the start of a day: its last usable day is the day before.
    expiring_on:
      summary.points.points_expiring_soon > 0 && Number.isFinite(first)
        ? formatInstant(zone, first - 1).slice(0, 10)
        : null,
    movements: state.movements
      .filter((m) => m.at <= now && m.points !== 0)
      .slice(-8)
      .reverse()
      .map((m) => ({ at: formatInstant(zone, m.at).slice(0, 10), kind: m.kind, points: m.points })),
    time_zone: zone,
  };
}

/** Records into the outbox (the screen's actions push it right after). */
async function record(drafts: Draft[]): Promise<void> {
  const db = deviceDb();
  const now = await correctedNow(db);
  await recordEvents(db, drafts, now, (await programsOf(db)).latest());
}

export interface EnrollInput {
  readonly name: string;
  readonly phone: string;
  readonly birthday: string;
  readonly referral: string;
  readonly pin: string;
  readonly consent: boolean;
}

export interface Enrolled {
  readonly member_id: string;
  readonly card_number: string;
  readonly referral_code: string;
}

const CODE_LETTERS = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';

/**
 * Enrolls a walk-up customer. Consent to the use of personal data is required and recorded
 * with the enrollment. The phone number leaves this device only as its keyed hash, the PIN only
 * as its scrypt hash (the endpoint keeps it and sends it to no device).
 */
export async function enroll(input: EnrollInput): Promise<Outcome<Enrolled>> {
  if (!input.consent) return fail('consent_required');
  const name = input.name.trim();
  if (name.length < 1 || name.length > 100) return fail('name_required');
  if (digitsOf(input.phone).length < 9 || digitsOf(input.phone).length > 15)
    return fail('phone_format');
  const birthday = input.birthday.trim();
  if (birthday && !isBirthdayInput(birthday, Date.now())) return fail('birthday_format');
  if (!/^\d{4,6}$/.test(input.pin)) return fail('pin_format');
  const db = deviceDb();
  const device = await deviceOf(db);
  // The new member's hash is the number written the way the program in force writes it; a member
  // stored under an earlier phone rule has the number too.
  const [hash, ...earlier] = (await phoneHashesAsWritten(db, device.phone_key, input.phone)) as [
    string,
    ...string[],
  ];
  const holder = () => memberByPhoneHash(db, [hash, ...earlier]);
  let taken = await holder();
  if (!taken) {
    // Joined at the till a moment ago? One sync, then look again (offline this fails at once).
    await catchUp();
    taken = await holder();
  }
  if (taken) return fail('phone_taken');
  const referral = input.referral.trim();
  let referredBy: string | null = null;
  if (referral) {
    const found = await identifyByCode(referral);
    if (!found.ok) return fail('referral_unknown');
    referredBy = found.value;
  }
  const random = (n: number) => Array.from(crypto.getRandomValues(new Uint8Array(n)));
  const enrolled: Enrolled = {
    member_id: uuidv7(),
    card_number: `8${random(11)
      .map((b) => String(b % 10))
      .join('')}`,
    referral_code: random(7)
      .map((b) => CODE_LETTERS[b % 32])
      .join(''),
  };
  await record([
    {
      type: 'member_enrolled',
      member_id: enrolled.member_id,
      staff_id: null,
      payload: {
        card_number: enrolled.card_number,
        referral_code: enrolled.referral_code,
        referred_by: referredBy,
        birthday: birthday || null,
        name,
        phone: null,
        phone_hash: hash,
        consent: true,
        pin_hash: hashPinSync(input.pin),
      },
    },
  ]);
  return { ok: true, value: enrolled };
}

/** "Would you recommend us?" 0-10 and an optional comment (feeds NPS). */
export async function feedback(
  memberId: string,
  score: number,
  comment: string,
): Promise<Outcome<null>> {
  if (!Number.isInteger(score) || score < 0 || score > 10) return fail('score_required');
  const text = comment.trim();
  if (text.length > 2000) return fail('comment_too_long');
  await record([
    {
      type: 'feedback_given',
      member_id: memberId,
      staff_id: null,
      payload: { score, comment: text || null },
    },
  ]);
  return { ok: true, value: null };
}
