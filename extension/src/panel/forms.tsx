/** The side panel's forms: checkout, enroll, refund, manual adjustment, a member's details. */
import { useEffect, useState } from 'preact/hooks';
import { couponTitle, formatDateTime, formatWon, t } from '../../../shared/ui';
import {
  adjust,
  changeDetails,
  confirmSale,
  enroll,
  quote,
  recentPurchases,
  refund,
  takeCart,
} from './actions';
import { saleLine } from './sale-line';
import { usePanel, type View } from './store';

export function Tabs() {
  const { view, member, locale, set } = usePanel();
  if (!member) return null;
  const tab = (v: View, label: Parameters<typeof t>[0]) => (
    <button
      type="button"
      name={`tab-${v}`}
      class={view === v ? '' : 'secondary'}
      onClick={() => set({ view: v })}
    >
      {t(label, locale)}
    </button>
  );
  return (
    <div class="row">
      {tab('checkout', 'checkout')}
      {tab('refund', 'refund')}
      {tab('adjust', 'adjust')}
      {tab('details', 'details')}
    </div>
  );
}

export function Checkout() {
  const { member, amount, redeem, coupon, lines, quote: q, locale, recording, set } = usePanel();
  if (!member) return null;
  const update = (p: Parameters<typeof set>[0]) => {
    set(p);
    void quote();
  };
  return (
    <form
      class="card"
      data-testid="checkout"
      onSubmit={(e) => {
        e.preventDefault();
        void confirmSale();
      }}
    >
      <button class="secondary" type="button" name="take-cart" onClick={() => void takeCart()}>
        {t('take_cart', locale)}
      </button>
      {lines.length > 0 && (
        <p data-testid="lines">{lines.map((l) => `${l.sku} x${l.quantity}`).join(', ')}</p>
      )}
      <label>
        {t('amount', locale)}
        <input
          name="amount"
          inputMode="numeric"
          value={amount}
          readOnly={lines.length > 0}
          onInput={(e) => update({ amount: e.currentTarget.value })}
        />
      </label>
      <label>
        {t('coupon', locale)}
        <select
          name="coupon"
          value={coupon}
          onChange={(e) => update({ coupon: e.currentTarget.value })}
        >
          <option value="">{t('no_coupon', locale)}</option>
          {member.coupons
            .filter((c) => c.kind !== 'service')
            .map((c) => (
              <option value={c.code} key={c.code}>
                {couponTitle(c, locale)} ({c.code})
              </option>
            ))}
        </select>
      </label>
      <label>
        {t('redeem', locale)}
        <input
          name="redeem"
          inputMode="numeric"
          value={redeem}
          onInput={(e) => update({ redeem: e.currentTarget.value })}
        />
      </label>
      <button
        class="secondary"
        type="button"
        name="use-all"
        onClick={() => update({ redeem: String(q?.max_redeemable ?? 0) })}
      >
        {t('use_all', locale)}
      </button>
      {q && <p data-testid="quote">{saleLine(q, locale, false)}</p>}
      <button type="submit" name="confirm" disabled={recording}>
        {t('confirm', locale)}
      </button>
    </form>
  );
}

export function Enroll() {
  const locale = usePanel((s) => s.locale);
  const recording = usePanel((s) => s.recording);
  const [form, setForm] = useState({ name: '', phone: '', birthday: '', referral: '', pin: '' });
  const field = (name: keyof typeof form, label: Parameters<typeof t>[0]) => (
    <label>
      {t(label, locale)}
      <input
        name={`enroll-${name}`}
        value={form[name]}
        onInput={(e) => setForm({ ...form, [name]: e.currentTarget.value })}
      />
    </label>
  );
  return (
    <form
      class="card"
      data-testid="enroll"
      onSubmit={(e) => {
        e.preventDefault();
        if (form.name.trim()) void enroll(form);
      }}
    >
      {field('name', 'name')}
      {field('phone', 'phone')}
      {field('birthday', 'birthday')}
      {field('referral', 'referral')}
      <label>
        {t('member_pin', locale)}
        <input
          name="enroll-pin"
          type="password"
          inputMode="numeric"
          value={form.pin}
          onInput={(e) => setForm({ ...form, pin: e.currentTarget.value })}
        />
      </label>
      <button type="submit" name="enroll" disabled={recording}>
        {t('enroll', locale)}
      </button>
    </form>
  );
}

export function Refund() {
  const { memberId, locale, recording, status } = usePanel();
  const [purchases, setPurchases] = useState<Awaited<ReturnType<typeof recentPurchases>>>([]);
  const [receipt, setReceipt] = useState('');
  const reload = () => void recentPurchases(receipt).then(setPurchases);
  useEffect(reload, [memberId]);
  return (
    <section class="card" data-testid="refund">
      <form
        class="row"
        onSubmit={(e) => {
          e.preventDefault();
          reload();
        }}
      >
        <input
          name="receipt"
          aria-label={t('receipt', locale)}
          placeholder={t('receipt', locale)}
          value={receipt}
          onInput={(e) => setReceipt(e.currentTarget.value)}
        />
        <button type="submit" class="secondary">
          {t('find', locale)}
        </button>
      </form>
      {purchases.map((p) => (
        <div key={p.purchase_id} class="purchase">
          <div class="row">
            <span>
              <span data-testid="purchase-at">
                {status ? formatDateTime(p.at, status.time_zone, locale) : ''}
              </span>{' '}
              · {formatWon(p.amount, locale)}
              {p.receipt_id && <span data-testid="receipt-id"> · {p.receipt_id}</span>}
            </span>
            <button
              type="button"
              name="refund-all"
              disabled={recording}
              onClick={() => void refund(p.purchase_id).then(reload)}
            >
              {t('refund_all', locale)}
            </button>
          </div>
          {p.lines
            .filter((l) => l.left > 0)
            .map((l) => (
              <div class="row" key={l.sku}>
                <span>
                  {l.sku} × {l.left} ({formatWon(l.unit_price, locale)})
                </span>
                <button
                  class="secondary"
                  type="button"
                  name={`refund-one-${l.sku}`}
                  disabled={recording}
                  onClick={() =>
                    void refund(p.purchase_id, [{ sku: l.sku, quantity: 1 }]).then(reload)
                  }
                >
                  {t('refund_one', locale)}
                </button>
              </div>
            ))}
        </div>
      ))}
    </section>
  );
}

export function Adjust() {
  const locale = usePanel((s) => s.locale);
  const recording = usePanel((s) => s.recording);
  const [form, setForm] = useState({ points: '', reason: '', pin: '' });
  return (
    <form
      class="card"
      data-testid="adjust"
      onSubmit={(e) => {
        e.preventDefault();
        void adjust(Number(form.points), form.reason, form.pin).then(() =>
          setForm({ points: '', reason: '', pin: '' }),
        );
      }}
    >
      <label>
        {t('points', locale)}
        <input
          name="adjust-points"
          inputMode="numeric"
          value={form.points}
          onInput={(e) => setForm({ ...form, points: e.currentTarget.value })}
        />
      </label>
      <label>
        {t('reason', locale)}
        <input
          name="adjust-reason"
          value={form.reason}
          onInput={(e) => setForm({ ...form, reason: e.currentTarget.value })}
        />
      </label>
      <label>
        {t('manager_pin', locale)}
        <input
          name="adjust-pin"
          type="password"
          inputMode="numeric"
          value={form.pin}
          onInput={(e) => setForm({ ...form, pin: e.currentTarget.value })}
        />
      </label>
      <button type="submit" name="adjust" disabled={recording}>
        {t('adjust', locale)}
      </button>
    </form>
  );
}

/** A member's new phone number (the customer changed it) or a name typed wrong at enrollment. */
export function Details() {
  const locale = usePanel((s) => s.locale);
  const recording = usePanel((s) => s.recording);
  const [form, setForm] = useState({ name: '', phone: '' });
  return (
    <form
      class="card"
      data-testid="details"
      onSubmit={(e) => {
        e.preventDefault();
        void changeDetails(form.name, form.phone).then((ok) => {
          if (ok) setForm({ name: '', phone: '' });
        });
      }}
    >
      <label>
        {t('new_phone', locale)}
        <input
          name="details-phone"
          type="tel"
          value={form.phone}
          onInput={(e) => {
            const phone = e.currentTarget.value;
            setForm((f) => ({ ...f, phone }));
          }}
        />
      </label>
      <label>
        {t('new_name', locale)}
        <input
          name="details-name"
          value={form.name}
          maxLength={100}
          onInput={(e) => {
            const name = e.currentTarget.value;
            setForm((f) => ({ ...f, name }));
          }}
        />
      </label>
      <button type="submit" name="save-details" disabled={recording}>
        {t('save_details', locale)}
      </button>
    </form>
  );
}
