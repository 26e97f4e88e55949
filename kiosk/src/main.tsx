/** The kiosk page: render, start syncing, register the service worker. */
import { render } from 'preact';
import './kiosk.css';
import * as act from './actions';
import { App } from './app';
import { useKiosk } from './store';
import { applyUpdateIfSafe, registerServiceWorker } from './update';

const SYNC_EVERY_MS = 30_000;

render(<App />, document.getElementById('app') as HTMLElement);

async function boot(): Promise<void> {
  await act.refreshStatus();
  void act.syncNow();
  setInterval(() => void act.syncNow(), SYNC_EVERY_MS);
  window.addEventListener('online', () => void act.syncNow(true));
  window.addEventListener('offline', () => useKiosk.getState().set({ online: false }));
  // Whenever the outbox empties or the screen returns to the start, a waiting update may go.
  useKiosk.subscribe(applyUpdateIfSafe);
  registerServiceWorker();
}

void boot();
