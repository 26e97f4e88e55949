/**
 * The kiosk's screen state (zustand): which screen, whose data, what to say. The store is
 * zustand's vanilla one with a hook on Preact's own hooks, so the page carries no React
 * compatibility layer (the kiosk's JS budget is 80 KB gzipped).
 */
import { useEffect, useState } from 'preact/hooks';
import { createStore } from 'zustand/vanilla';
import type { Locale } from '../../shared/ui';
import type { Enrolled, KioskStatus, MemberView } from './kiosk';
import type { KioskWord } from './words';

export type Screen = 'setup' | 'start' | 'phone' | 'member' | 'enroll' | 'enrolled' | 'feedback';

/** A public screen goes back to the start and forgets what it showed after this long. */
export const IDLE_MS = 30_000;
/** The last seconds before the reset are announced. */
export const IDLE_WARNING_MS = 5_000;

export interface KioskState {
  locale: Locale;
  screen: Screen;
  memberId: string | null;
  view: MemberView | null;
  enrolled: Enrolled | null;
  error: { word: KioskWord; detail?: number | string } | null;
  notice: KioskWord | null;
  busy: boolean;
  status: KioskStatus | null;
  online: boolean;
  lastTouch: number;
  updateWaiting: boolean;
  set(p: Partial<KioskState>): void;
}

const kioskStore = createStore<KioskState>((set) => ({
  locale: 'ko',
  screen: 'start',
  memberId: null,
  view: null,
  enrolled: null,
  error: null,
  notice: null,
  busy: false,
  status: null,
  online: true,
  lastTouch: Date.now(),
  updateWaiting: false,
  set: (p) => set(p),
}));

/** A slice of the state; the component re-renders when that slice changes. */
export function useKiosk<T>(select: (s: KioskState) => T): T {
  const [value, setValue] = useState(() => select(kioskStore.getState()));
  useEffect(() => {
    setValue(() => select(kioskStore.getState()));
    return kioskStore.subscribe((s) => setValue(() => select(s)));
    // The selectors are inline and pure: subscribing once per component is enough.
  }, []);
  return value;
}
useKiosk.getState = kioskStore.getState;
useKiosk.subscribe = kioskStore.subscribe;

/** Back to the start screen with nothing of the last customer left in memory or on screen. */
export function resetSession(): void {
  useKiosk.getState().set({
    locale: 'ko',
    screen: useKiosk.getState().status?.paired === false ? 'setup' : 'start',
    memberId: null,
    view: null,
    enrolled: null,
    error: null,
    notice: null,
    busy: false,
    lastTouch: Date.now(),
  });
}
