/** What the screens ask for: each runs a kiosk operation and puts the result in the store. */
import * as kiosk from './kiosk';
import { syncClient } from './device';
import { resetSession, useKiosk, type Screen } from './store';
import type { KioskWord } from './words';

const store = () => useKiosk.getState();

export function go(screen: Screen): void {
  store().set({ screen, error: null, notice: null });
}

function failed(error: KioskWord, detail?: number | string): void {
  store().set(
    detail === undefined ? { error: { word: error } } : { error: { word: error, detail } },
  );
}

/** Runs one operation with the busy flag up, and any crash said as "something went wrong". */
async function busy<T>(work: () => Promise<T>): Promise<T | undefined> {
  // A second tap while the first is at work does nothing (its button is disabled only once the
  // screen renders again).
  if (store().busy) return undefined;
  store().set({ busy: true, error: null });
  try {
    return await work();
  } catch (error) {
    console.error(error);
    failed('failed');
    return undefined;
  } finally {
    store().set({ busy: false });
  }
}

export async function refreshStatus(): Promise<void> {
  const status = await kiosk.status();
  const s = store();
  s.set({
    status,
    online: status.offline_since === null && navigator.onLine,
    ...(status.paired ? {} : { screen: 'setup' as const }),
    ...(status.paired && s.screen === 'setup' ? { screen: 'start' as const } : {}),
  });
}

export async function show(memberId: string): Promise<void> {
  const view = await kiosk.memberView(memberId);
  store().set({ memberId, view, screen: 'member', error: null });
}

/**
 * A member is shown at once from what the kiosk holds, and again after one sync (syncNow shows
 * the member on screen afresh): a sale at the till a moment ago is in the points the customer
 * reads, without waiting for the kiosk's next sync (every 30 s).
 */
export async function identifyByCode(text: string): Promise<void> {
  const shown = await busy(async () => {
    const found = await kiosk.identifyByCode(text);
    if (found.ok) await show(found.value);
    else failed(found.error, found.detail);
    return found.ok;
  });
  if (shown) void syncNow();
}

export async function identifyByPhone(phone: string, pin: string): Promise<boolean> {
  const shown = await busy(async () => {
    const found = await kiosk.identifyByPhone(phone, pin);
    if (!found.ok) {
      failed(found.error, found.detail);
      return false;
    }
    await show(found.value);
    return true;
  });
  await refreshStatus();
  // As for a card: shown again after one sync.
  if (shown) void syncNow();
  return shown ?? false;
}

export async function enroll(input: kiosk.EnrollInput): Promise<void> {
  await busy(async () => {
    const done = await kiosk.enroll(input);
    if (!done.ok) return failed(done.error, done.detail);
    store().set({ enrolled: done.value, memberId: done.value.member_id, screen: 'enrolled' });
  });
  await refreshStatus();
  void syncNow();
}

export async function feedback(score: number, comment: string): Promise<void> {
  const memberId = store().memberId;
  if (!memberId) return go('start');
  await busy(async () => {
    const done = await kiosk.feedback(memberId, score, comment);
    if (!done.ok) return failed(done.error, done.detail);
    const { locale } = store();
    resetSession();
    store().set({ notice: 'thanks', locale });
  });
  await refreshStatus();
  void syncNow();
}

export async function pair(endpoint: string, code: string): Promise<void> {
  await busy(async () => {
    const done = await kiosk.pair(endpoint, code);
    if (!done.ok) return failed(done.error, done.detail);
    store().set({ screen: 'start' });
  });
  await refreshStatus();
  await syncNow(true);
}

/**
 * Syncs (on start, every 30 s; forced past the backoff when the browser says the network is
 * back, so what was enrolled offline goes at once).
 */
export async function syncNow(force = false): Promise<void> {
  if (!store().status?.paired) return;
  const outcome = await syncClient()
    .sync({ force })
    .catch((error: unknown) => ({ ok: false, reason: 'crashed', message: String(error) }));
  // For whoever looks at the kiosk's console: why the last sync did not go through.
  if (!outcome.ok) console.info(`sync: ${outcome.reason}: ${outcome.message}`);
  await refreshStatus();
  await showAgain();
}

/**
 * Fresh numbers for the member on screen (they may have changed on the endpoint). Reading them
 * takes a moment: a customer who tapped "start over" meanwhile (or the 30 s timeout that
 * cleared the screen) is not shown again, and nor is the member of a screen that moved on.
 */
export async function showAgain(): Promise<void> {
  const { memberId, screen } = store();
  if (!memberId || screen !== 'member') return;
  const view = await kiosk.memberView(memberId).catch(() => null);
  const now = store();
  if (view && now.memberId === memberId && now.screen === 'member') now.set({ view });
}
