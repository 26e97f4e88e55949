/**
 * The side panel: status always visible; find a member by card number (a scanner types it and
 * presses Enter); see tier, points, coupons, stamps; quote and record a sale with points.
 */
import { render } from 'preact';
import { useEffect } from 'preact/hooks';
import { create } from 'zustand';
import {
  deviceOf,
  memberRow,
  memberStateOf,
  offlineContext,
  programsOf,
  recordEvents,
} from '../../shared/storage';
import {
  purchasePayload,
  quoteCheckout,
  summarize,
  type MemberSummary,
  type Quote,
} from '../../shared/rules';
import { formatPoints, formatWon, t } from '../../shared/ui';
import { deviceDb } from './device';
import { ask, type StatusReply } from './messages';
import { statusOf } from './status';

interface PanelState {
  status: StatusReply | null;
  card: string;
  member: MemberSummary | null;
  message: string | null;
  amount: string;
  redeem: string;
  quote: Quote | null;
  set(p: Partial<PanelState>): void;
}

const usePanel = create<PanelState>((set) => ({
  status: null,
  card: '',
  member: null,
  message: null,
  amount: '',
  redeem: '',
  quote: null,
  set: (p) => set(p),
}));

async function refreshStatus() {
  usePanel.getState().set({ status: await statusOf(deviceDb()) });
}

async function loadMember(memberId: string) {
  const db = deviceDb();
  const now = Date.now();
  const programs = await programsOf(db);
  const state = await memberStateOf(db, memberId, now);
  usePanel.getState().set({ member: summarize(state, programs.at(now)) });
}

async function find() {
  const { card, set } = usePanel.getState();
  const row = await memberRow(deviceDb(), { card_number: card.trim() });
  if (!row) {
    set({ member: null, message: t('not_found'), quote: null });
    return;
  }
  set({ message: null });
  await loadMember(row.member_id);
}

async function quote(): Promise<Quote | null> {
  const { member, amount, redeem, set } = usePanel.getState();
  if (!member) return null;
  const db = deviceDb();
  const now = Date.now();
  const program = (await programsOf(db)).at(now);
  const state = await memberStateOf(db, member.customer_id, now);
  const device = await deviceOf(db);
  const q = quoteCheckout(
    state,
    program,
    {
      amount: Number(amount) || 0,
      redeem_points: Number(redeem) || 0,
      store_id: device.store_id,
      offline: await offlineContext(db, member.customer_id),
    },
    now,
  );
  set({ quote: q.ok ? q.value : null, message: q.ok ? null : q.error.message });
  return q.ok ? q.value : null;
}

async function confirm() {
  const q = await quote();
  const { member, set } = usePanel.getState();
  if (!q || !member) return;
  const db = deviceDb();
  const now = Date.now();
  const program = (await programsOf(db)).at(now);
  const offline = (await offlineContext(db, member.customer_id)) !== null;
  await recordEvents(
    db,
    [
      {
        type: 'purchase_recorded',
        member_id: member.customer_id,
        staff_id: null,
        payload: purchasePayload(q, { purchase_id: crypto.randomUUID() }, [], offline),
      },
    ],
    now,
    program,
  );
  set({ amount: '', redeem: '', quote: null, message: t('recorded') });
  await loadMember(member.customer_id);
  await refreshStatus();
  void ask({ kind: 'sync-now' }).then(refreshStatus);
}

function Status() {
  const status = usePanel((s) => s.status);
  if (!status) return null;
  if (!status.paired) return <div class="status">{t('not_paired')}</div>;
  const online = status.offline_since === null && status.paused === null;
  return (
    <div class="status" data-testid="status">
      <span class={online ? 'online' : 'offline'}>{online ? t('online') : t('offline')}</span>
      <span data-testid="pending">
        {t('waiting')}: {status.pending}
      </span>
      <span>
        {t('last_sync')}:{' '}
        {status.last_success_at
          ? new Date(status.last_success_at).toLocaleTimeString('ko-KR')
          : t('never')}
      </span>
      {status.rejected > 0 && (
        <span class="error">
          {t('rejected')}: {status.rejected}
        </span>
      )}
      <button
        class="secondary"
        type="button"
        onClick={() => void ask({ kind: 'sync-now' }).then(refreshStatus)}
      >
        {t('sync_now')}
      </button>
    </div>
  );
}

function Member() {
  const { member, amount, redeem, quote: q, set } = usePanel();
  if (!member) return null;
  return (
    <section class="card" data-testid="member">
      <dl>
        <dt>{t('tier')}</dt>
        <dd data-testid="tier">{member.tier_name}</dd>
        <dt>{t('points')}</dt>
        <dd class="big" data-testid="points">
          {formatPoints(member.points.total_points)}
        </dd>
        <dt>{t('expiring')}</dt>
        <dd>{formatPoints(member.points.points_expiring_soon)}</dd>
        <dt>{t('to_next')}</dt>
        <dd>{member.next_tier ? formatWon(member.amount_to_next_tier) : '-'}</dd>
        <dt>{t('stamps')}</dt>
        <dd>
          {member.stamps.count} / {member.stamps.per_card}
        </dd>
        <dt>{t('coupons')}</dt>
        <dd>{member.coupons.map((c) => c.name).join(', ') || '-'}</dd>
      </dl>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void confirm();
        }}
      >
        <label>
          {t('amount')}
          <input
            name="amount"
            inputMode="numeric"
            value={amount}
            onInput={(e) => (set({ amount: e.currentTarget.value }), void quote())}
          />
        </label>
        <label>
          {t('redeem')}
          <input
            name="redeem"
            inputMode="numeric"
            value={redeem}
            onInput={(e) => (set({ redeem: e.currentTarget.value }), void quote())}
          />
        </label>
        <button
          class="secondary"
          type="button"
          onClick={() => (set({ redeem: String(q?.max_redeemable ?? 0) }), void quote())}
        >
          {t('use_all')}
        </button>
        {q && (
          <p data-testid="quote">
            {t('pay')}: {formatWon(q.amount_paid)} · {t('earn')}: {formatPoints(q.points_earned)}
          </p>
        )}
        <button type="submit" name="confirm">
          {t('confirm')}
        </button>
      </form>
    </section>
  );
}

function Panel() {
  const { card, message, set } = usePanel();
  useEffect(() => {
    void refreshStatus();
    const timer = setInterval(() => void refreshStatus(), 3_000);
    return () => clearInterval(timer);
  }, []);
  return (
    <>
      <Status />
      <main>
        <form
          class="card"
          onSubmit={(e) => {
            e.preventDefault();
            void find();
          }}
        >
          <label>
            {t('card_number')}
            <input
              name="card"
              autoFocus
              value={card}
              onInput={(e) => set({ card: e.currentTarget.value })}
            />
          </label>
          <button type="submit">{t('find')}</button>
        </form>
        {message && <p data-testid="message">{message}</p>}
        <Member />
      </main>
    </>
  );
}

render(<Panel />, document.getElementById('app') as HTMLElement);
