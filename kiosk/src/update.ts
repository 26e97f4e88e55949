/**
 * The service worker (workbox, generated at build) and its update flow through workbox-window:
 * a new version waits, and is applied (skip waiting, then one reload) only when the outbox is
 * empty and no customer is on screen, so an update never loses or strands unsynced events and
 * never pulls a screen from under someone.
 */
import { Workbox } from 'workbox-window';
import { useKiosk } from './store';

let wb: Workbox | undefined;
let applying = false;

export function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator)) return;
  const base = import.meta.env.BASE_URL;
  wb = new Workbox(`${base}sw.js`, { scope: base });
  wb.addEventListener('waiting', () => {
    useKiosk.getState().set({ updateWaiting: true });
    applyUpdateIfSafe();
  });
  void wb.register();
  // A kiosk runs for days: look for a new version every hour.
  setInterval(() => void wb?.update(), 60 * 60_000);
}

/** Called after every status refresh and every reset to the start screen. */
export function applyUpdateIfSafe(): void {
  const s = useKiosk.getState();
  if (!wb || applying || !s.updateWaiting) return;
  if (!s.status || s.status.unsynced > 0 || s.screen !== 'start' || s.memberId !== null) return;
  applying = true;
  wb.addEventListener('controlling', () => window.location.reload());
  wb.messageSkipWaiting();
}
