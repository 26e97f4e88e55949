/** The side panel's pieces: lock screen, status bar, search, member card. */
import { useEffect, useState } from 'preact/hooks';
import {
  eventTypeText,
  formatDateTime,
  formatPoints,
  formatWon,
  refusalText,
  rejectReasonText,
  say as word,
  t,
} from '../../../shared/ui';
import { ask } from '../messages';
import { refundLine, saleLine } from './sale-line';
import { find, lock, refreshStatus, rejected, unlock } from './actions';
import { usePanel } from './store';

export function Unlock() {
  const locale = usePanel((s) => s.locale);
  const [pin, setPin] = useState('');
  const [wrong, setWrong] = useState<'pin_wrong' | 'pin_shared' | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <form
      class="card"
      data-testid="unlock"
      onSubmit={(e) => {
        e.preventDefault();
        setBusy(true);
        // scrypt takes ~0.1 s: let the button show it is working first.
        setTimeout(() => {
          void unlock(pin).then((outcome) => {
            setWrong(outcome === 'unlocked' ? null : outcome);
            setPin('');
            setBusy(false);
          });
        }, 0);
      }}
    >
      <p>{t('locked', locale)}</p>
      <label>
        {t('staff_pin', locale)}
        <input
          name="staff_pin"
          type="password"
          inputMode="numeric"
          autoFocus
          value={pin}
          onInput={(e) => setPin(e.currentTarget.value)}
        />
      </label>
      <button type="submit" disabled={busy}>
        {t('unlock', locale)}
      </button>
      {wrong && <p class="error">{t(wrong, locale)}</p>}
    </form>
  );
}

/** How long the status bar says that the endpoint was found restored from a backup. */
const RESTORE_NOTICE_MS = 24 * 3_600_000;

export function StatusBar() {
  const { status, staff, locale, set } = usePanel();
  if (!status) return null;
  if (!status.paired) return <div class="status">{t('not_paired', locale)}</div>;
  const online = status.offline_since === null && status.paused === null;
  return (
    <div class="status" data-testid="status">
      <span class={online ? 'online' : 'offline'} data-testid="online">
        {online ? t('online', locale) : t('offline', locale)}
      </span>
      <span data-testid="pending">
        {t('waiting', locale)}: {status.pending}
      </span>
      <span>
        {t('last_sync', locale)}:{' '}
        {status.last_success_at
          ? formatDateTime(status.last_success_at, status.time_zone, locale, false)
          : t('never', locale)}
      </span>
      {status.restored && Date.now() - status.restored.at < RESTORE_NOTICE_MS && (
        <span data-testid="restored">
          {t('restored', locale)}: {status.restored.resent}
        </span>
      )}
      {status.awaiting.count > 0 && (
        <span data-testid="awaiting" title={status.awaiting.message ?? ''}>
          {t('awaiting_other_device', locale)}: {status.awaiting.count}
        </span>
      )}
      {status.rejected > 0 && (
        <span class="error" data-testid="rejected" title={status.last_error ?? ''}>
          {t('rejected', locale)}: {status.rejected}
        </span>
      )}
      <button
        class="secondary"
        type="button"
        name="sync"
        onClick={() => void ask({ kind: 'sync-now' }).then(refreshStatus)}
      >
        {t('sync_now', locale)}
      </button>
      <button
        class="secondary"
        type="button"
        onClick={() => set({ locale: locale === 'ko' ? 'en' : 'ko' })}
      >
        {locale === 'ko' ? 'EN' : '한국어'}
      </button>
      {staff && (
        <button class="secondary" type="button" name="lock" onClick={lock}>
          {t('lock', locale)} ({staff.name})
        </button>
      )}
    </div>
  );
}

export function Search() {
  const { search, locale, set } = usePanel();
  return (
    <form
      class="card"
      onSubmit={(e) => {
        e.preventDefault();
        void find();
      }}
    >
      <label>
        {t('search', locale)}
        <input
          name="search"
          autoFocus
          value={search}
          onInput={(e) => set({ search: e.currentTarget.value })}
        />
      </label>
      <div class="row">
        <button type="submit">{t('find', locale)}</button>
        <button
          class="secondary"
          type="button"
          name="show-enroll"
          onClick={() => set({ view: 'enroll', member: null, memberId: null })}
        >
          {t('enroll', locale)}
        </button>
      </div>
    </form>
  );
}

export function Message() {
  const { message, locale } = usePanel();
  if (!message) return null;
  return (
    <p data-testid="message" class={message.error ? 'error' : ''}>
      {message.refusal ? refusalText(message.refusal, locale) : word(message.text, locale)}
      {message.sale && ` · ${saleLine(message.sale, locale, true)}`}
      {message.refund && ` · ${refundLine(message.refund, locale)}`}
    </p>
  );
}

export function MemberCard() {
  const { member, locale } = usePanel();
  if (!member) return null;
  return (
    <section class="card" data-testid="member">
      {member.name && (
        <h2 class="name" data-testid="name">
          {member.name}
        </h2>
      )}
      <dl>
        <dt>{t('tier', locale)}</dt>
        <dd data-testid="tier">{member.tier_name}</dd>
        {member.perks.length > 0 && (
          <>
            <dt>{t('perks', locale)}</dt>
            <dd>{member.perks.join(', ')}</dd>
          </>
        )}
        <dt>{t('points', locale)}</dt>
        <dd class="big" data-testid="points">
          {formatPoints(member.points.total_points, locale)}
        </dd>
        <dt>{t('expiring', locale)}</dt>
        <dd>{formatPoints(member.points.points_expiring_soon, locale)}</dd>
        <dt>{t('to_next', locale)}</dt>
        <dd data-testid="to-next">
          {member.next_tier_name
            ? `${member.next_tier_name}: ${formatWon(member.amount_to_next_tier, locale)}`
            : '-'}
        </dd>
        <dt>{t('stamps', locale)}</dt>
        <dd data-testid="stamps">
          {member.stamps.count} / {member.stamps.per_card}
        </dd>
        <dt>{t('card_number', locale)}</dt>
        <dd data-testid="card">{member.card_number}</dd>
        <dt>{t('member_code', locale)}</dt>
        <dd>{member.referral_code}</dd>
      </dl>
    </section>
  );
}

/** The events the endpoint refused, with its reasons: kept on the device, never hidden. */
export function Rejected() {
  const { status, locale } = usePanel();
  const [items, setItems] = useState<Awaited<ReturnType<typeof rejected>>>([]);
  const count = status?.rejected ?? 0;
  useEffect(() => {
    if (count > 0) void rejected().then(setItems);
  }, [count]);
  if (count === 0) return null;
  return (
    <section class="card rejected" data-testid="rejected-list">
      <strong>{t('rejected', locale)}</strong>
      <ul>
        {items.map((r) => (
          <li key={r.event_id}>
            {r.at.slice(0, 16).replace('T', ' ')} · {eventTypeText(r.type, locale)}
            {r.reason ? ` · ${rejectReasonText(r.reason, locale)}` : ''}
            {r.message ? <small> ({r.message})</small> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
