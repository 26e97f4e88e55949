/** The kiosk shell: header, the screen of the moment, the status line, the idle reset. */
import { useEffect, useLayoutEffect, useState } from 'preact/hooks';
import { formatDateTime } from '../../shared/ui';
import { Enrolled, Member } from './member';
import { Enroll, Feedback, Phone, Setup, Start, useWords } from './screens';
import { IDLE_MS, IDLE_WARNING_MS, resetSession, useKiosk } from './store';

/** Whether the screen shows anything of a customer (then idleness clears it). */
function holdsSomething(): boolean {
  const s = useKiosk.getState();
  return s.screen !== 'setup' && (s.screen !== 'start' || s.error !== null || s.notice !== null);
}

function useIdleReset(): void {
  useEffect(() => {
    const touch = () => useKiosk.getState().set({ lastTouch: Date.now() });
    const events = ['pointerdown', 'keydown', 'input', 'wheel'] as const;
    for (const e of events) window.addEventListener(e, touch, { passive: true, capture: true });
    const timer = setInterval(() => {
      const { lastTouch } = useKiosk.getState();
      if (Date.now() - lastTouch >= IDLE_MS && holdsSomething()) {
        resetSession();
        session += 1;
      }
    }, 500);
    return () => {
      for (const e of events) window.removeEventListener(e, touch, { capture: true });
      clearInterval(timer);
    };
  }, []);
}

/** Bumped at every idle reset: screens are keyed by it, so their typed-in values go too. */
let session = 0;

function IdleWarning() {
  const lastTouch = useKiosk((s) => s.lastTouch);
  const say = useWords();
  const [, tick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => tick((n) => n + 1), 1_000);
    return () => clearInterval(timer);
  }, []);
  const left = IDLE_MS - (Date.now() - lastTouch);
  if (left > IDLE_WARNING_MS || !holdsSomething()) return null;
  return (
    <p class="idle" role="status">
      {say('idle')}
    </p>
  );
}

function StatusLine() {
  const status = useKiosk((s) => s.status);
  const online = useKiosk((s) => s.online);
  const locale = useKiosk((s) => s.locale);
  const updateWaiting = useKiosk((s) => s.updateWaiting);
  const say = useWords();
  if (!status?.paired) return null;
  const asOf =
    status.last_sync === null
      ? say('as_of_never')
      : `${formatDateTime(status.last_sync, status.time_zone, locale)} ${say('as_of')}`;
  return (
    <footer class="status" data-testid="status">
      <span class={online ? 'dot on' : 'dot off'} aria-hidden="true" />
      <span data-testid="online">{online ? say('online') : say('offline')}</span>
      <span data-testid="as-of">
        {locale === 'ko' ? asOf : asOf.replace(/(.*) as of$/, 'as of $1')}
      </span>
      {status.unsynced > 0 && (
        <span data-testid="unsynced">
          {status.unsynced} {say('unsynced')}
        </span>
      )}
      {updateWaiting && <span>{say('update_ready')}</span>}
    </footer>
  );
}

export function App() {
  const screen = useKiosk((s) => s.screen);
  const locale = useKiosk((s) => s.locale);
  const say = useWords();
  useIdleReset();
  // Before the browser paints: a screen reader never meets Korean words marked as English.
  useLayoutEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
  const body =
    screen === 'setup' ? (
      <Setup />
    ) : screen === 'phone' ? (
      <Phone />
    ) : screen === 'member' ? (
      <Member />
    ) : screen === 'enroll' ? (
      <Enroll />
    ) : screen === 'enrolled' ? (
      <Enrolled />
    ) : screen === 'feedback' ? (
      <Feedback />
    ) : (
      <Start />
    );
  return (
    <>
      <header class="top">
        <h1>{say('title')}</h1>
        <div class="row">
          {screen !== 'start' && screen !== 'setup' && (
            <button type="button" onClick={() => resetSession()}>
              {say('home')}
            </button>
          )}
          <button
            type="button"
            lang={locale === 'ko' ? 'en' : 'ko'}
            onClick={() => useKiosk.getState().set({ locale: locale === 'ko' ? 'en' : 'ko' })}
          >
            {say('language')}
          </button>
        </div>
      </header>
      <main key={`${screen}-${session}`} data-screen={screen}>
        {body}
      </main>
      <IdleWarning />
      <StatusLine />
    </>
  );
}
