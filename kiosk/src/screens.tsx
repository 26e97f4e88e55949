/** The screens a walk-up customer goes through: start, phone + PIN, enroll, feedback, setup. */
import { useEffect, useRef, useState } from 'preact/hooks';
import * as act from './actions';
import { useKiosk } from './store';
import { w, type KioskWord } from './words';

export function useWords(): (word: KioskWord) => string {
  const locale = useKiosk((s) => s.locale);
  return (word) => w(word, locale);
}

export function ErrorLine() {
  const error = useKiosk((s) => s.error);
  const say = useWords();
  if (!error) return null;
  return (
    <p class="error" role="alert" data-testid="error">
      {say(error.word)}
      {error.detail !== undefined && error.word === 'pin_locked' ? ` ${error.detail}` : ''}
    </p>
  );
}

export function Start() {
  const say = useWords();
  const busy = useKiosk((s) => s.busy);
  const notice = useKiosk((s) => s.notice);
  const [code, setCode] = useState('');
  const input = useRef<HTMLInputElement>(null);
  // The scanner types into whatever has focus: keep it on the code field.
  useEffect(() => input.current?.focus(), []);
  return (
    <section class="start" aria-labelledby="start-title">
      <h2 id="start-title">{say('welcome')}</h2>
      {notice && (
        <p class="notice" role="status" data-testid="notice">
          {say(notice)}
        </p>
      )}
      <form
        class="code"
        onSubmit={(e) => {
          e.preventDefault();
          void act.identifyByCode(code).then(() => setCode(''));
        }}
      >
        <label for="code">{say('scan_hint')}</label>
        <div class="row">
          <input
            id="code"
            ref={input}
            name="code"
            autocomplete="off"
            placeholder={say('card_or_code')}
            value={code}
            onInput={(e) => setCode(e.currentTarget.value)}
          />
          <button type="submit" class="primary" disabled={busy || code.trim() === ''}>
            {say('show')}
          </button>
        </div>
      </form>
      <ErrorLine />
      <div class="choices">
        <button type="button" class="big" onClick={() => act.go('phone')}>
          {say('use_phone')}
        </button>
        <button type="button" class="big" onClick={() => act.go('enroll')}>
          {say('enroll')}
        </button>
      </div>
    </section>
  );
}

function Keypad({ onKey }: { onKey: (key: string) => void }) {
  const say = useWords();
  const keys = ['1', '2', '3', '4', '5', '6', '7', '8', '9', 'clear', '0', 'delete'];
  return (
    <div class="keypad">
      {keys.map((k) => (
        <button
          type="button"
          key={k}
          data-key={k}
          onClick={() => onKey(k)}
          aria-label={k === 'clear' ? say('clear') : k === 'delete' ? say('delete') : k}
        >
          {k === 'clear' ? say('clear') : k === 'delete' ? '⌫' : k}
        </button>
      ))}
    </div>
  );
}

const edit = (value: string, key: string, max: number): string =>
  key === 'clear'
    ? ''
    : key === 'delete'
      ? value.slice(0, -1)
      : value.length < max
        ? value + key
        : value;

/** Phone number, then PIN, on an on-screen keypad (the PIN is checked by the endpoint). */
export function Phone() {
  const say = useWords();
  const busy = useKiosk((s) => s.busy);
  const [step, setStep] = useState<'phone' | 'pin'>('phone');
  const [phone, setPhone] = useState('');
  const [pin, setPin] = useState('');
  const shownPhone = phone.replace(/^(\d{3})(\d{0,4})(\d{0,4}).*$/, (_, a, b, c) =>
    [a, b, c].filter(Boolean).join('-'),
  );
  async function next(e: Event) {
    e.preventDefault();
    if (step === 'phone') {
      if (phone.length >= 9) setStep('pin');
      return;
    }
    const ok = await act.identifyByPhone(phone, pin);
    if (!ok) setPin('');
  }
  return (
    <section aria-labelledby="phone-title">
      <h2 id="phone-title">{say('use_phone')}</h2>
      <form onSubmit={next} class="phone">
        {step === 'phone' ? (
          <>
            <label for="phone">{say('phone')}</label>
            <input
              id="phone"
              name="phone"
              inputMode="numeric"
              autocomplete="off"
              value={shownPhone}
              onInput={(e) => setPhone(e.currentTarget.value.replace(/\D/g, '').slice(0, 11))}
            />
            <Keypad onKey={(k) => setPhone(edit(phone, k, 11))} />
          </>
        ) : (
          <>
            <label for="pin">{say('pin')}</label>
            <input
              id="pin"
              name="pin"
              type="password"
              inputMode="numeric"
              autocomplete="off"
              value={pin}
              onInput={(e) => setPin(e.currentTarget.value.replace(/\D/g, '').slice(0, 6))}
            />
            <Keypad onKey={(k) => setPin(edit(pin, k, 6))} />
          </>
        )}
        <ErrorLine />
        <div class="row">
          <button
            type="button"
            class="big"
            onClick={() => (step === 'pin' ? setStep('phone') : act.go('start'))}
          >
            {say('back')}
          </button>
          <button
            type="submit"
            class="big primary"
            data-testid="phone-next"
            disabled={busy || (step === 'phone' ? phone.length < 9 : pin.length < 4)}
          >
            {busy ? say('busy') : say(step === 'phone' ? 'next' : 'show')}
          </button>
        </div>
      </form>
    </section>
  );
}

export function Enroll() {
  const say = useWords();
  const busy = useKiosk((s) => s.busy);
  const [form, setForm] = useState({
    name: '',
    phone: '',
    birthday: '',
    referral: '',
    pin: '',
    consent: false,
  });
  const field = (key: 'name' | 'phone' | 'birthday' | 'referral' | 'pin', word: KioskWord) => (
    <label class="field">
      <span>{say(word)}</span>
      <input
        name={key}
        value={form[key]}
        autocomplete="off"
        {...(key === 'pin' ? { type: 'password', inputMode: 'numeric' as const } : {})}
        {...(key === 'phone' ? { type: 'tel', inputMode: 'numeric' as const } : {})}
        {...(key === 'name' ? { required: true } : {})}
        onInput={(e) => setForm({ ...form, [key]: e.currentTarget.value })}
      />
    </label>
  );
  return (
    <section aria-labelledby="enroll-title">
      <h2 id="enroll-title">{say('enroll')}</h2>
      <form
        class="enroll"
        onSubmit={(e) => {
          e.preventDefault();
          void act.enroll(form);
        }}
      >
        {field('name', 'name')}
        {field('phone', 'phone')}
        {field('birthday', 'birthday')}
        {field('referral', 'referral')}
        {field('pin', 'choose_pin')}
        <label class="consent">
          <input
            type="checkbox"
            name="consent"
            checked={form.consent}
            onChange={(e) => setForm({ ...form, consent: e.currentTarget.checked })}
          />
          <span>{say('consent_text')}</span>
        </label>
        <ErrorLine />
        <div class="row">
          <button type="button" class="big" onClick={() => act.go('start')}>
            {say('back')}
          </button>
          <button type="submit" class="big primary" disabled={busy}>
            {say('join')}
          </button>
        </div>
      </form>
    </section>
  );
}

export function Feedback() {
  const say = useWords();
  const busy = useKiosk((s) => s.busy);
  const [score, setScore] = useState<number | null>(null);
  const [comment, setComment] = useState('');
  return (
    <section aria-labelledby="feedback-title">
      <h2 id="feedback-title">{say('feedback')}</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void act.feedback(score ?? -1, comment);
        }}
      >
        <fieldset class="scores">
          <legend>{say('recommend')}</legend>
          <div class="score-row">
            {Array.from({ length: 11 }, (_, n) => (
              <label key={n} class={score === n ? 'score chosen' : 'score'}>
                <input
                  type="radio"
                  name="score"
                  value={n}
                  checked={score === n}
                  onChange={() => setScore(n)}
                />
                <span>{n}</span>
              </label>
            ))}
          </div>
          <div class="score-ends" aria-hidden="true">
            <span>{say('not_likely')}</span>
            <span>{say('very_likely')}</span>
          </div>
        </fieldset>
        <label class="field">
          <span>{say('comment')}</span>
          <textarea
            name="comment"
            rows={3}
            maxLength={2000}
            value={comment}
            onInput={(e) => setComment(e.currentTarget.value)}
          />
        </label>
        <ErrorLine />
        <div class="row">
          <button type="button" class="big" onClick={() => act.go('member')}>
            {say('back')}
          </button>
          <button type="submit" class="big primary" disabled={busy || score === null}>
            {say('send')}
          </button>
        </div>
      </form>
    </section>
  );
}

/** First start: pair this screen as a kiosk (done once by the shop, not by customers). */
export function Setup() {
  const say = useWords();
  const busy = useKiosk((s) => s.busy);
  const [endpoint, setEndpoint] = useState(location.origin);
  const [code, setCode] = useState('');
  return (
    <section aria-labelledby="setup-title">
      <h2 id="setup-title">{say('setup')}</h2>
      <p>{say('setup_hint')}</p>
      <form
        class="enroll"
        onSubmit={(e) => {
          e.preventDefault();
          void act.pair(endpoint, code);
        }}
      >
        <label class="field">
          <span>{say('endpoint')}</span>
          <input
            name="endpoint"
            value={endpoint}
            onInput={(e) => setEndpoint(e.currentTarget.value)}
          />
        </label>
        <label class="field">
          <span>{say('pairing_code')}</span>
          <input
            name="pairing_code"
            autocomplete="off"
            value={code}
            onInput={(e) => setCode(e.currentTarget.value)}
          />
        </label>
        <ErrorLine />
        <button type="submit" class="big primary" disabled={busy || code.trim() === ''}>
          {say('pair')}
        </button>
      </form>
    </section>
  );
}
