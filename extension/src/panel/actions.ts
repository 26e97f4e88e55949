/** What the cashier's buttons do: everything goes through the device store and the rules. */
import { phoneHashOf, verifyPinHash } from '../../../shared/protocol';
import {
  purchasePayload,
  quoteCheckout,
  quoteRefund,
  summarize,
  type Line,
  type Quote,
} from '../../../shared/rules';
import {
  correctedNow,
  deviceOf,
  memberRow,
  memberStateOf,
  offlineContext,
  programsOf,
  recordEvents,
  type Draft,
} from '../../../shared/storage';
import { deviceDb } from '../device';
import { ask } from '../messages';
import { statusOf } from '../status';
import { say, usePanel } from './store';

export const AUTO_LOCK_MS = 5 * 60_000;

export async function refreshStatus(): Promise<void> {
  usePanel.getState().set({ status: await statusOf(deviceDb()) });
}

/** Unlocks the till with a staff PIN, checked offline against the synced hashes. */
export async function unlock(pin: string): Promise<boolean> {
  const device = await deviceOf(deviceDb());
  const staff = device.staff.find((s) => verifyPinHash(pin, s.pin_hash));
  if (!staff) return false;
  usePanel.getState().set({
    staff: { staff_id: staff.staff_id, name: staff.name, role: staff.role },
    lastTouch: Date.now(),
    message: null,
  });
  return true;
}

export function lock(): void {
  usePanel.getState().set({
    staff: null,
    member: null,
    memberId: null,
    quote: null,
    search: '',
    amount: '',
    redeem: '',
    coupon: '',
    lines: [],
  });
}

export async function loadMember(memberId: string): Promise<void> {
  const db = deviceDb();
  const now = await correctedNow(deviceDb());
  const programs = await programsOf(db);
  const state = await memberStateOf(db, memberId, now);
  usePanel.getState().set({ memberId, member: summarize(state, programs.at(now)) });
}

/** Finds a member by card number, member code (referral code) or phone number. */
export async function find(): Promise<void> {
  const { search, set } = usePanel.getState();
  const text = search.trim();
  const db = deviceDb();
  const device = await deviceOf(db);
  const digits = text.replace(/[^\d]/g, '');
  const row =
    (await memberRow(db, { card_number: text })) ??
    (await memberRow(db, { referral_code: text })) ??
    (digits.length >= 9
      ? await memberRow(db, { phone_hash: phoneHashOf(device.phone_key, text) })
      : undefined) ??
    // Own enrollments not synced yet are found in the outbox.
    (await ownEnrollment(text));
  if (!row) {
    set({ member: null, memberId: null, quote: null });
    say('not_found', true);
    return;
  }
  set({ message: null, view: 'checkout' });
  await loadMember(row.member_id);
}

async function ownEnrollment(text: string): Promise<{ member_id: string } | undefined> {
  const rows = await deviceDb().outbox.where('status').notEqual('rejected').toArray();
  const hit = rows.find(
    (r) =>
      r.event.type === 'member_enrolled' &&
      (r.event.payload.card_number === text ||
        r.event.payload.referral_code === text.toUpperCase()),
  );
  return hit ? { member_id: hit.member_id } : undefined;
}

export async function quote(): Promise<Quote | null> {
  const { memberId, amount, redeem, coupon, lines, set } = usePanel.getState();
  if (!memberId) return null;
  const db = deviceDb();
  const now = await correctedNow(deviceDb());
  const program = (await programsOf(db)).at(now);
  const state = await memberStateOf(db, memberId, now);
  const device = await deviceOf(db);
  const total =
    lines.length > 0
      ? lines.reduce((s, l) => s + l.quantity * l.unit_price, 0)
      : Number(amount.replace(/[^\d]/g, '')) || 0;
  const q = quoteCheckout(
    state,
    program,
    {
      amount: total,
      lines,
      redeem_points: Number(redeem.replace(/[^\d]/g, '')) || 0,
      coupon_code: coupon || null,
      store_id: device.store_id,
      offline: await offlineContext(db, memberId),
    },
    now,
  );
  set({
    quote: q.ok ? q.value : null,
    message: q.ok ? null : { text: q.error.message, error: true },
  });
  return q.ok ? q.value : null;
}

async function record(drafts: Draft[]): Promise<void> {
  const db = deviceDb();
  const now = await correctedNow(deviceDb());
  await recordEvents(db, drafts, now, (await programsOf(db)).at(now));
  await refreshStatus();
  void ask({ kind: 'sync-now' }).then(refreshStatus);
}

export async function confirmSale(): Promise<{ discount: number } | null> {
  const q = await quote();
  const { memberId, staff, lines, set } = usePanel.getState();
  if (!q || !memberId) return null;
  const offline = (await offlineContext(deviceDb(), memberId)) !== null;
  await record([
    {
      type: 'purchase_recorded',
      member_id: memberId,
      staff_id: staff?.staff_id ?? null,
      payload: purchasePayload(q, { purchase_id: crypto.randomUUID() }, lines, offline),
    },
  ]);
  set({ amount: '', redeem: '', coupon: '', lines: [], quote: null });
  say('recorded');
  await loadMember(memberId);
  return { discount: q.amount - q.amount_paid };
}

export async function enroll(input: {
  name: string;
  phone: string;
  birthday: string;
  referral: string;
}): Promise<void> {
  const db = deviceDb();
  const device = await deviceOf(db);
  const { staff } = usePanel.getState();
  const id = crypto.randomUUID();
  const card = `8${Array.from(crypto.getRandomValues(new Uint8Array(11)), (b) => String(b % 10)).join('')}`;
  const code = Array.from(
    crypto.getRandomValues(new Uint8Array(7)),
    (b) => '23456789ABCDEFGHJKLMNPQRSTUVWXYZ'[b % 32],
  ).join('');
  const referrer = input.referral.trim()
    ? await memberRow(db, { referral_code: input.referral.trim() })
    : undefined;
  if (input.referral.trim() && !referrer) {
    say('referral_unknown', true);
    return;
  }
  await record([
    {
      type: 'member_enrolled',
      member_id: id,
      staff_id: staff?.staff_id ?? null,
      payload: {
        card_number: card,
        referral_code: code,
        referred_by: referrer?.member_id ?? null,
        birthday: input.birthday.trim() || null,
        name: input.name.trim(),
        phone: input.phone.replace(/[^\d+]/g, '') || null,
        phone_hash: input.phone.trim() ? phoneHashOf(device.phone_key, input.phone) : null,
        consent: true,
      },
    },
  ]);
  usePanel.getState().set({ search: card, view: 'checkout' });
  say('enrolled');
  await loadMember(id);
}

/** Recent purchases of the member on screen, newest first, with what is left to refund. */
export async function recentPurchases(): Promise<
  { purchase_id: string; at: number; amount: number; left: number }[]
> {
  const { memberId } = usePanel.getState();
  if (!memberId) return [];
  const state = await memberStateOf(deviceDb(), memberId, await correctedNow(deviceDb()));
  return [...state.purchases.values()]
    .filter((p) => p.refunded_gross < p.amount)
    .sort((a, b) => b.occurred_at - a.occurred_at)
    .slice(0, 10)
    .map((p) => ({
      purchase_id: p.purchase_id,
      at: p.occurred_at,
      amount: p.amount,
      left: p.amount - p.refunded_gross,
    }));
}

export async function refund(purchaseId: string, amount?: number): Promise<void> {
  const { memberId, staff } = usePanel.getState();
  if (!memberId) return;
  const db = deviceDb();
  const now = await correctedNow(deviceDb());
  const q = quoteRefund(
    await memberStateOf(db, memberId, now),
    (await programsOf(db)).at(now),
    amount ? { purchase_id: purchaseId, amount } : { purchase_id: purchaseId },
    now,
  );
  if (!q.ok) {
    say(q.error.message, true);
    return;
  }
  const f = q.value;
  await record([
    {
      type: 'purchase_refunded',
      member_id: memberId,
      staff_id: staff?.staff_id ?? null,
      payload: {
        refund_id: crypto.randomUUID(),
        purchase_id: purchaseId,
        amount: f.amount,
        lines: [...f.lines],
        amount_refunded: f.amount_refunded,
        points_reversed: f.points_reversed,
        points_restored: f.points_restored,
        coupon_restored: f.coupon_restored,
        stamps_removed: f.stamps_removed,
      },
    },
  ]);
  say('refunded');
  await loadMember(memberId);
}

/** A manual adjustment: a reason and a manager's PIN. */
export async function adjust(points: number, reason: string, managerPin: string): Promise<void> {
  const { memberId, staff } = usePanel.getState();
  if (!memberId) return;
  const device = await deviceOf(deviceDb());
  const manager = device.staff.find(
    (s) => s.role === 'manager' && verifyPinHash(managerPin, s.pin_hash),
  );
  if (!manager) {
    say('manager_pin_wrong', true);
    return;
  }
  if (!Number.isSafeInteger(points) || points === 0 || reason.trim().length < 3) {
    say('adjust_invalid', true);
    return;
  }
  await record([
    {
      type: 'points_adjusted',
      member_id: memberId,
      staff_id: staff?.staff_id ?? null,
      payload: { points, reason: reason.trim(), approved_by: manager.staff_id },
    },
  ]);
  say('recorded');
  await loadMember(memberId);
}

/** The POS page the cashier last worked in (the bridge says hello from it; no tabs permission). */
async function posTab(): Promise<{ id?: number } | undefined> {
  const stored = await chrome.storage.session.get('pos_tab');
  return typeof stored.pos_tab === 'number' ? { id: stored.pos_tab } : undefined;
}

/** The cart of the POS page, through the bridge content script. */
export async function takeCart(): Promise<void> {
  const tab = await posTab();
  if (tab?.id === undefined) {
    say('no_pos', true);
    return;
  }
  try {
    const cart = (await chrome.tabs.sendMessage(tab.id, { kind: 'read-cart' })) as
      { amount: number; lines: Line[] } | undefined;
    if (!cart) throw new Error('no cart');
    usePanel.getState().set({ amount: String(cart.amount), lines: cart.lines });
    await quote();
  } catch {
    say('no_pos', true);
  }
}

export async function writeDiscount(discount: number): Promise<void> {
  const tab = await posTab();
  if (tab?.id === undefined) return;
  await chrome.tabs
    .sendMessage(tab.id, { kind: 'write-discount', amount: discount })
    .catch(() => undefined);
}
