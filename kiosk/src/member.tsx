/** The member's own screen: tier, points, progress, coupons as QR codes, stamps, movements. */
import { couponTitle, formatPoints, formatWon, type Locale } from '../../shared/ui';
import * as act from './actions';
import { Qr } from './qr';
import { useKiosk } from './store';
import { movementWord, w } from './words';
import { useWords } from './screens';

function date(iso: string, locale: Locale): string {
  const [y, m, d] = iso.slice(0, 10).split('-');
  return locale === 'ko' ? `${y}. ${Number(m)}. ${Number(d)}.` : `${y}-${m}-${d}`;
}

function percent(bp: number): string {
  return `${(bp / 100).toFixed(bp % 100 === 0 ? 0 : 1)}%`;
}

export function Member() {
  const view = useKiosk((s) => s.view);
  const locale = useKiosk((s) => s.locale);
  const say = useWords();
  if (!view) return null;
  const s = view.summary;
  const p = s.points;
  const perks = [
    `${percent(view.tier.earn_rate_bp)} ${say('earn_rate')}`,
    ...(view.tier.monthly_coupons > 0
      ? [`${say('monthly_coupons')} ${view.tier.monthly_coupons}`]
      : []),
    ...(view.tier.consultation !== 'none'
      ? [
          `${say('consultation')}: ${say(view.tier.consultation === 'monthly' ? 'monthly' : 'quarterly')}`,
        ]
      : []),
    ...view.tier.perks,
  ];
  return (
    <section class="member" aria-labelledby="member-title">
      <h2 id="member-title">
        {view.name ?? ''}
        {locale === 'ko' ? ` ${say('hello')}` : say('hello')}
      </h2>
      <div class="grid">
        <article class="card tier" aria-labelledby="tier-title">
          <h3 id="tier-title">{say('tier')}</h3>
          <p class={`badge tier-${s.tier.toLowerCase()}`} data-testid="tier" data-tier={s.tier}>
            {view.tier.name}
          </p>
          <ul class="perks" aria-label={say('perks')}>
            {perks.map((perk) => (
              <li key={perk}>{perk}</li>
            ))}
          </ul>
        </article>
        <article class="card points" aria-labelledby="points-title">
          <h3 id="points-title">{say('available')}</h3>
          <p class="big-number" data-testid="available">
            {formatPoints(p.available_points, locale)}
          </p>
          <dl>
            <dt>{say('pending')}</dt>
            <dd data-testid="pending">{formatPoints(p.pending_points, locale)}</dd>
            <dt>{say('expiring')}</dt>
            <dd data-testid="expiring">
              {formatPoints(p.points_expiring_soon, locale)}
              {view.expiring_on &&
                (locale === 'ko'
                  ? ` (${date(view.expiring_on, locale)}${say('expiring_by')})`
                  : ` (${say('expiring_by')} ${date(view.expiring_on, locale)})`)}
            </dd>
          </dl>
        </article>
        <article class="card progress" aria-labelledby="progress-title">
          <h3 id="progress-title">{say('to_next')}</h3>
          {view.next ? (
            <>
              <div
                class="bar"
                role="progressbar"
                aria-label={say('to_next')}
                aria-valuemin={0}
                aria-valuemax={100}
                aria-valuenow={Math.round(view.progress * 100)}
              >
                <div class="fill" style={{ width: `${Math.round(view.progress * 100)}%` }} />
              </div>
              <p data-testid="to-next">
                {locale === 'ko'
                  ? `${view.next.name}까지 ${formatWon(s.amount_to_next_tier, locale)} ${say('spend_more')}`
                  : `${formatWon(s.amount_to_next_tier, locale)} ${say('spend_more')} ${view.next.name}`}
              </p>
            </>
          ) : (
            <p data-testid="to-next">{say('top_tier')}</p>
          )}
        </article>
        <article class="card stamps" aria-labelledby="stamps-title">
          <h3 id="stamps-title">{say('stamps')}</h3>
          <ol
            class="stamp-card"
            data-testid="stamps"
            aria-label={`${s.stamps.count} / ${s.stamps.per_card}`}
          >
            {Array.from({ length: s.stamps.per_card }, (_, i) => (
              <li key={i} class={i < s.stamps.count ? 'stamp on' : 'stamp'} aria-hidden="true">
                {i < s.stamps.count ? '★' : ''}
              </li>
            ))}
          </ol>
        </article>
      </div>
      <article class="card coupons" aria-labelledby="coupons-title">
        <h3 id="coupons-title">{say('coupons')}</h3>
        {s.coupons.length === 0 ? (
          <p>{say('no_coupons')}</p>
        ) : (
          <>
            <p class="hint">{say('show_cashier')}</p>
            <ul class="coupon-list" data-testid="coupons">
              {s.coupons.map((c) => (
                <li key={c.code} class="coupon">
                  <Qr text={c.code} label={`${couponTitle(c, locale)} ${c.code}`} size={132} />
                  <div>
                    <strong>{couponTitle(c, locale)}</strong>
                    <code>{c.code}</code>
                    <span>
                      {locale === 'ko'
                        ? `${date(c.valid_until, locale)}${say('valid_until')}`
                        : `${say('valid_until')} ${date(c.valid_until, locale)}`}
                    </span>
                  </div>
                </li>
              ))}
            </ul>
          </>
        )}
      </article>
      <article class="card movements" aria-labelledby="movements-title">
        <h3 id="movements-title">{say('movements')}</h3>
        {view.movements.length === 0 ? (
          <p>{say('no_movements')}</p>
        ) : (
          <table data-testid="movements">
            <tbody>
              {view.movements.map((m, i) => (
                <tr key={i}>
                  <td>{date(m.at, locale)}</td>
                  <td>{say(movementWord(m.kind))}</td>
                  <td class={m.points < 0 ? 'minus' : 'plus'}>
                    {m.points > 0 ? '+' : ''}
                    {formatPoints(m.points, locale)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </article>
      <div class="row">
        <button type="button" class="big" onClick={() => act.go('feedback')}>
          {say('feedback')}
        </button>
        <button type="button" class="big primary" onClick={() => act.go('start')}>
          {say('done')}
        </button>
      </div>
    </section>
  );
}

export function Enrolled() {
  const enrolled = useKiosk((s) => s.enrolled);
  const locale = useKiosk((s) => s.locale);
  if (!enrolled) return null;
  const say = (word: Parameters<typeof w>[0]) => w(word, locale);
  const card = enrolled.card_number.replace(/^(\d{4})(\d{4})(\d{4})$/, '$1 $2 $3');
  return (
    <section class="enrolled" aria-labelledby="enrolled-title">
      <h2 id="enrolled-title">{say('enrolled')}</h2>
      <div class="card welcome-card">
        <Qr text={enrolled.card_number} label={`${say('your_card')} ${card}`} size={200} />
        <dl>
          <dt>{say('your_card')}</dt>
          <dd class="big-number" data-testid="card-number">
            {card}
          </dd>
          <dt>{say('your_code')}</dt>
          <dd data-testid="referral-code">
            <code>{enrolled.referral_code}</code>
          </dd>
        </dl>
        <p>{say('keep_card')}</p>
      </div>
      <button type="button" class="big primary" onClick={() => void act.show(enrolled.member_id)}>
        {say('see_my_card')}
      </button>
    </section>
  );
}
