/** What the cashier's buttons do: ask the service worker (till.ts), then show the answer. */
import type { Quote } from '../../../shared/rules';
import { ask } from '../messages';
import type { RecentPurchase } from '../till';
import { EMPTY_CHECKOUT, failureNotice, say, sayFailure, usePanel } from './store';

export const AUTO_LOCK_MS = 5 * 60_000;

export async function refreshStatus(): Promise<void> {
  usePanel.getState().set({ status: await ask({ kind: 'status' }) });
}

/** Unlocks the till with a staff PIN (checked offline against the synced hashes). */
export async function unlock(pin: string): Promise<'unlocked' | 'pin_wrong' | 'pin_shared'> {
  const staff = await ask({ kind: 'unlock', pin });
  if (staff === null) return 'pin_wrong';
  if (staff === 'pin_shared') return staff;
  usePanel.getState().set({ staff, lastTouch: Date.now(), message: null });
  return 'unlocked';
}

export function lock(): void {
  usePanel.getState().set({
    ...EMPTY_CHECKOUT,
    staff: null,
    member: null,
    memberId: null,
    search: '',
  });
}

export async function loadMember(memberId: string): Promise<void> {
  usePanel.getState().set({ memberId, member: await ask({ kind: 'member', member_id: memberId }) });
}

export async function find(): Promise<void> {
  const { search, set } = usePanel.getState();
  const memberId = await ask({ kind: 'find', search });
  if (!memberId) {
    set({ member: null, memberId: null, quote: null });
    say('not_found', true);
    return;
  }
  set({ message: null, view: 'checkout' });
  await loadMember(memberId);
  void refreshMember(memberId);
}

/**
 * The member shown at once from what the till holds, then again after one sync: points another
 * till took a moment ago are not offered twice (the till pulls every minute). Only while the
 * same member is on screen; the checkout's quote is worked out again on the fresh numbers.
 */
async function refreshMember(memberId: string): Promise<void> {
  const fresh = await ask({ kind: 'member', member_id: memberId, fresh: true });
  const { memberId: shown, set, quote: q } = usePanel.getState();
  if (shown !== memberId) return;
  set({ member: fresh });
  if (q) await quote();
}

const digits = (text: string): number => Number(text.replace(/[^\d]/g, '')) || 0;

function saleInput() {
  const { memberId, amount, redeem, coupon, lines, receipt, staff } = usePanel.getState();
  return {
    member_id: memberId ?? '',
    amount: digits(amount),
    lines,
    redeem: digits(redeem),
    coupon: coupon || null,
    receipt_id: receipt,
    staff_id: staff?.staff_id ?? null,
  };
}

export async function quote(): Promise<Quote | null> {
  if (!usePanel.getState().memberId) return null;
  const q = await ask({ kind: 'quote', ...saleInput() });
  usePanel.getState().set({
    quote: q.ok ? q.value : null,
    message: q.ok ? null : failureNotice(q),
  });
  return q.ok ? q.value : null;
}

/**
 * Runs one recording action at a time: a second click while one is in flight does nothing
 * (undefined). The buttons are disabled too, but only once the panel renders again. When the
 * worker fails (the device storage is full, a value it refuses), the cashier reads why, instead
 * of a click that seems to do nothing.
 */
async function recordOnce<T>(work: () => Promise<T>): Promise<T | undefined> {
  const { recording, set } = usePanel.getState();
  if (recording) return undefined;
  set({ recording: true });
  try {
    return await work();
  } catch (error) {
    say(String(error instanceof Error ? error.message : error).replace(/^\w*Error: /, ''), true);
    return undefined;
  } finally {
    set({ recording: false });
  }
}

export async function confirmSale(): Promise<void> {
  const { memberId, set } = usePanel.getState();
  if (!memberId) return;
  const done = await recordOnce(() => ask({ kind: 'sell', ...saleInput() }));
  if (!done) return;
  if (!done.ok) {
    sayFailure(done);
    return;
  }
  set({ ...EMPTY_CHECKOUT, message: { text: 'recorded', error: false, sale: done.value.sale } });
  await ask({ kind: 'pos-discount', amount: done.value.discount });
  await loadMember(memberId);
  await refreshStatus();
}

export async function enroll(input: {
  name: string;
  phone: string;
  birthday: string;
  referral: string;
  pin: string;
}): Promise<void> {
  const done = await recordOnce(() =>
    ask({ kind: 'enroll', ...input, staff_id: usePanel.getState().staff?.staff_id ?? null }),
  );
  if (!done) return;
  if (!done.ok) {
    sayFailure(done);
    return;
  }
  usePanel.getState().set({ view: 'checkout' });
  say('enrolled');
  await loadMember(done.value);
  await refreshStatus();
}

export function recentPurchases(receipt = ''): Promise<RecentPurchase[]> {
  const { memberId } = usePanel.getState();
  if (!memberId) return Promise.resolve([]);
  return ask(
    receipt.trim()
      ? { kind: 'recent', member_id: memberId, receipt: receipt.trim() }
      : { kind: 'recent', member_id: memberId },
  );
}

export async function refund(
  purchaseId: string,
  lines?: { sku: string; quantity: number }[],
): Promise<void> {
  const { memberId, staff } = usePanel.getState();
  if (!memberId) return;
  const done = await recordOnce(() =>
    ask({
      kind: 'refund',
      member_id: memberId,
      purchase_id: purchaseId,
      ...(lines ? { lines } : {}),
      staff_id: staff?.staff_id ?? null,
    }),
  );
  if (!done) return;
  if (done.ok)
    usePanel.getState().set({ message: { text: 'refunded', error: false, refund: done.value } });
  else sayFailure(done);
  await loadMember(memberId);
  await refreshStatus();
}

export async function adjust(points: number, reason: string, managerPin: string): Promise<void> {
  const { memberId, staff } = usePanel.getState();
  if (!memberId) return;
  const done = await recordOnce(() =>
    ask({
      kind: 'adjust',
      member_id: memberId,
      points,
      reason,
      manager_pin: managerPin,
      staff_id: staff?.staff_id ?? null,
    }),
  );
  if (!done) return;
  if (done.ok) say('recorded');
  else sayFailure(done);
  await loadMember(memberId);
  await refreshStatus();
}

/** A member's new phone number or corrected name (member_updated). True when recorded. */
export async function changeDetails(name: string, phone: string): Promise<boolean> {
  const { memberId, staff } = usePanel.getState();
  if (!memberId) return false;
  const done = await recordOnce(() =>
    ask({ kind: 'details', member_id: memberId, name, phone, staff_id: staff?.staff_id ?? null }),
  );
  if (!done) return false;
  if (done.ok) say('details_saved');
  else sayFailure(done);
  await refreshStatus();
  return done.ok;
}

export async function takeCart(): Promise<void> {
  const cart = await ask({ kind: 'take-cart' });
  if (!cart) {
    say('no_pos', true);
    return;
  }
  usePanel
    .getState()
    .set({ amount: String(cart.amount), lines: cart.lines, receipt: cart.receipt_id });
  await quote();
}

export function rejected() {
  return ask({ kind: 'rejected' });
}
