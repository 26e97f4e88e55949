/**
 * The admin console: what a shop owner checks from a desk. Which tills and kiosks have synced
 * (after a day offline, the one that has not stands out), the conflicts their offline decisions
 * made, a member's account, the kiosk's feedback, and the program (view it, publish a new
 * version). Everything goes through the endpoint's REST API with the admin token.
 */
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { Program, ProgramIssue } from '../../shared/rules';
import { formatPoints, formatWon } from '../../shared/ui';
import { api, ApiFailure, query, savedToken, saveToken } from './api';
import type {
  Conflict,
  Customer,
  DeviceReport,
  Feedback,
  History,
  NewDevice,
  Store,
} from './types';

const DAY_MS = 24 * 3_600_000;
const when = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short' });

function at(iso: string): string {
  return when.format(new Date(iso));
}

/** "5 min ago", "3 h ago", "2 days ago". */
function ago(iso: string, now: number): string {
  const ms = Math.max(0, now - Date.parse(iso));
  if (ms < 60_000) return 'just now';
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ago`;
  if (ms < DAY_MS) return `${Math.floor(ms / 3_600_000)} h ago`;
  const days = Math.floor(ms / DAY_MS);
  return `${days} day${days === 1 ? '' : 's'} ago`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Loads once and on reload(); says what failed. */
function useLoad<T>(load: () => Promise<T>, deps: unknown[]) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [round, setRound] = useState(0);
  useEffect(() => {
    let live = true;
    setError(null);
    load().then(
      (value) => live && setData(value),
      (e: unknown) => live && setError(messageOf(e)),
    );
    return () => {
      live = false;
    };
  }, [...deps, round]);
  return { data, error, reload: useCallback(() => setRound((r) => r + 1), []) };
}

/** A table's column headings. */
function Head({ columns }: { columns: readonly string[] }) {
  return (
    <thead>
      <tr>
        {columns.map((c) => (
          <th key={c} scope="col">
            {c}
          </th>
        ))}
      </tr>
    </thead>
  );
}

function Alert({ children }: { children: ComponentChildren }) {
  return (
    <p class="alert" role="alert">
      {children}
    </p>
  );
}

export function App() {
  const [token, setToken] = useState<string | null>(savedToken());
  const signOut = () => {
    saveToken(null);
    setToken(null);
  };
  return token === null ? (
    <SignIn
      onSignedIn={(t) => {
        saveToken(t);
        setToken(t);
      }}
    />
  ) : (
    <Console token={token} onSignOut={signOut} />
  );
}

function SignIn({ onSignedIn }: { onSignedIn: (token: string) => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const t = token.trim();
    if (!t) return setError('Enter the admin token.');
    setBusy(true);
    try {
      await api(t, 'GET', '/stores');
      onSignedIn(t);
    } catch (failure) {
      setError(
        failure instanceof ApiFailure && (failure.status === 401 || failure.status === 403)
          ? 'This is not an admin token. npm start printed it at the first start (or set LOYALTY_ADMIN_TOKEN).'
          : messageOf(failure),
      );
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="signin">
      <h1>Store loyalty · Admin</h1>
      <form onSubmit={submit}>
        <label>
          Admin token
          <input
            name="token"
            type="password"
            autocomplete="off"
            value={token}
            onInput={(e) => setToken(e.currentTarget.value)}
          />
        </label>
        <button type="submit" disabled={busy}>
          Sign in
        </button>
        {error && <Alert>{error}</Alert>}
      </form>
    </main>
  );
}

const TABS = [
  ['devices', 'Tills & kiosks'],
  ['conflicts', 'Conflicts'],
  ['members', 'Members'],
  ['feedback', 'Feedback'],
  ['program', 'Program'],
] as const;
type Tab = (typeof TABS)[number][0];

function Console({ token, onSignOut }: { token: string; onSignOut: () => void }) {
  const [tab, setTab] = useState<Tab>('devices');
  const [store, setStore] = useState('');
  const [memberId, setMemberId] = useState<string | null>(null);
  const stores = useLoad(
    () => api<{ stores: Store[] }>(token, 'GET', '/stores').then((r) => r.stores),
    [token],
  );
  const showMember = (id: string) => {
    setMemberId(id);
    setTab('members');
  };
  return (
    <>
      <header>
        <h1>Store loyalty · Admin</h1>
        <label>
          Store
          <select name="store" value={store} onChange={(e) => setStore(e.currentTarget.value)}>
            <option value="">All stores</option>
            {(stores.data ?? []).map((s) => (
              <option key={s.store_id} value={s.store_id}>
                {s.name} ({s.store_id})
              </option>
            ))}
          </select>
        </label>
        <button type="button" name="sign-out" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <nav aria-label="Sections">
        {TABS.map(([id, label]) => (
          <button
            key={id}
            type="button"
            name={`tab-${id}`}
            aria-current={tab === id ? 'page' : undefined}
            onClick={() => setTab(id)}
          >
            {label}
          </button>
        ))}
      </nav>
      <main>
        {stores.error && <Alert>{stores.error}</Alert>}
        {tab === 'devices' && <Devices token={token} store={store} stores={stores.data ?? []} />}
        {tab === 'conflicts' && <Conflicts token={token} store={store} onMember={showMember} />}
        {tab === 'members' && <Members token={token} memberId={memberId} onMember={setMemberId} />}
        {tab === 'feedback' && <FeedbackView token={token} store={store} />}
        {tab === 'program' && <ProgramView token={token} />}
      </main>
    </>
  );
}

function Devices({ token, store, stores }: { token: string; store: string; stores: Store[] }) {
  const list = useLoad(
    () =>
      api<{ devices: DeviceReport[] }>(token, 'GET', `/devices${query({ store_id: store })}`).then(
        (r) => r.devices,
      ),
    [token, store],
  );
  const now = Date.now();
  // Paired, and silent for a day: its sales of that day are not here yet.
  const stale = (d: DeviceReport) =>
    d.paired_at !== null && now - Date.parse(d.last_sync_at ?? d.paired_at) > DAY_MS;
  return (
    <section aria-labelledby="devices-title">
      <h2 id="devices-title">Tills & kiosks</h2>
      {list.error && <Alert>{list.error}</Alert>}
      {list.data && list.data.length === 0 && <p>No tills or kiosks yet: add one below.</p>}
      {list.data && list.data.length > 0 && (
        <table>
          <Head columns={['Name', 'Store', 'Kind', 'Paired', 'Last sync', 'Events received']} />
          <tbody>
            {list.data.map((d) => (
              <tr
                key={d.device_id}
                data-device={d.device_id}
                class={stale(d) ? 'stale' : undefined}
              >
                <td>{d.name}</td>
                <td>{d.store_id}</td>
                <td>{d.role === 'cashier' ? 'Till' : 'Kiosk'}</td>
                <td>
                  {d.paired_at ? at(d.paired_at) : d.pairing_open ? 'Code given out' : 'Not paired'}
                </td>
                <td data-field="last-sync">
                  {d.last_sync_at ? ago(d.last_sync_at, now) : 'Never'}
                  {stale(d) && <strong> · not synced for over a day</strong>}
                </td>
                <td class="number" data-field="events">
                  {d.events.toLocaleString('en')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <AddDevice token={token} store={store} stores={stores} onAdded={list.reload} />
    </section>
  );
}

function AddDevice(props: { token: string; store: string; stores: Store[]; onAdded: () => void }) {
  const [store, setStore] = useState(props.store);
  const [role, setRole] = useState<'cashier' | 'kiosk'>('cashier');
  const [name, setName] = useState('');
  const [made, setMade] = useState<NewDevice | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => setStore(props.store), [props.store]);
  const chosen = store || props.stores[0]?.store_id || '';
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    setMade(null);
    if (!name.trim()) return setError('Give it a name the staff will recognise, e.g. "Till 2".');
    setBusy(true);
    try {
      setMade(
        await api<NewDevice>(props.token, 'POST', '/devices', {
          store_id: chosen,
          role,
          name: name.trim(),
        }),
      );
      setName('');
      props.onAdded();
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="card" onSubmit={submit} aria-labelledby="add-device-title">
      <h3 id="add-device-title">Add a till or kiosk</h3>
      <label>
        Store
        <select
          name="device-store"
          value={chosen}
          onChange={(e) => setStore(e.currentTarget.value)}
        >
          {props.stores.map((s) => (
            <option key={s.store_id} value={s.store_id}>
              {s.name} ({s.store_id})
            </option>
          ))}
        </select>
      </label>
      <label>
        Kind
        <select
          name="device-role"
          value={role}
          onChange={(e) => setRole(e.currentTarget.value as 'cashier' | 'kiosk')}
        >
          <option value="cashier">Till (cashier extension)</option>
          <option value="kiosk">Kiosk</option>
        </select>
      </label>
      <label>
        Name
        <input
          name="device-name"
          value={name}
          maxLength={100}
          onInput={(e) => setName(e.currentTarget.value)}
        />
      </label>
      <button type="submit" disabled={busy}>
        Get a pairing code
      </button>
      {error && <Alert>{error}</Alert>}
      {made && (
        <p class="code" role="status">
          Pairing code <strong data-testid="pairing-code">{made.pairing_code}</strong>: enter it on
          the {role === 'cashier' ? "extension's options page" : 'kiosk'} before{' '}
          {at(made.expires_at)}. It works once.
        </p>
      )}
    </form>
  );
}

const CONFLICT_KINDS: Record<string, string> = {
  overdrawn: 'Points spent beyond the balance offline (a debt)',
  coupon_reused: 'Coupon used twice',
  coupon_unknown: "Coupon not this member's",
  coupon_invalid: 'Coupon used outside its dates',
  refund_invalid: 'Refund the ledger could not apply',
  duplicate_enrollment: 'Member enrolled twice',
};

function Conflicts(props: { token: string; store: string; onMember: (id: string) => void }) {
  const list = useLoad(
    () =>
      api<{ conflicts: Conflict[] }>(
        props.token,
        'GET',
        `/conflicts${query({ store_id: props.store })}`,
      ).then((r) => r.conflicts),
    [props.token, props.store],
  );
  return (
    <section aria-labelledby="conflicts-title">
      <h2 id="conflicts-title">Conflicts</h2>
      <p class="hint">
        What tills decided offline that collided once they synced: the same points or coupon used
        twice. The sale stands; a debt is paid off by the member's next points.
      </p>
      {list.error && <Alert>{list.error}</Alert>}
      {list.data && list.data.length === 0 && <p>No conflicts.</p>}
      {list.data && list.data.length > 0 && (
        <table>
          <Head columns={['When', 'Store', 'What', 'Points', 'Member']} />
          <tbody>
            {list.data.map((c) => (
              <tr key={`${c.event_id}-${c.kind}`} data-conflict={c.kind}>
                <td>{at(c.created_at)}</td>
                <td>{c.store_id}</td>
                <td>
                  {CONFLICT_KINDS[c.kind] ?? c.kind}
                  <div class="hint">{c.detail}</div>
                </td>
                <td>{c.points > 0 ? formatPoints(c.points, 'en') : '-'}</td>
                <td>
                  <button type="button" class="link" onClick={() => props.onMember(c.member_id)}>
                    Open member
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Members(props: {
  token: string;
  memberId: string | null;
  onMember: (id: string | null) => void;
}) {
  const [search, setSearch] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const find = async (e: Event) => {
    e.preventDefault();
    const text = search.trim();
    setError(null);
    if (!text) return setError('Enter a card number or a phone number.');
    setBusy(true);
    try {
      const byCard = await api<Customer>(
        props.token,
        'GET',
        `/customers/lookup${query({ card_number: text })}`,
      ).catch((failure: unknown) => {
        if (failure instanceof ApiFailure && failure.status === 404) return null;
        throw failure;
      });
      const found =
        byCard ??
        (text.replace(/\D/g, '').length >= 9
          ? await api<Customer>(
              props.token,
              'GET',
              `/customers/lookup${query({ phone: text })}`,
            ).catch((failure: unknown) => {
              if (failure instanceof ApiFailure && failure.status === 404) return null;
              throw failure;
            })
          : null);
      if (found) props.onMember(found.customer_id);
      else setError('No member has this card number or phone number.');
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="members-title">
      <h2 id="members-title">Members</h2>
      <form class="inline" onSubmit={find}>
        <label>
          Card or phone number
          <input
            name="member-search"
            value={search}
            onInput={(e) => setSearch(e.currentTarget.value)}
          />
        </label>
        <button type="submit" disabled={busy}>
          Find
        </button>
      </form>
      {error && <Alert>{error}</Alert>}
      {props.memberId && <Member token={props.token} id={props.memberId} />}
    </section>
  );
}

const MOVEMENTS: Record<string, string> = {
  purchase: 'Earned on a purchase',
  redeem: 'Used on a purchase',
  signup: 'Signup bonus',
  referral: 'Referral bonus',
  adjustment: 'Adjusted by a manager',
  adjustment_debit: 'Taken off by a manager',
  partner: 'From a partner',
  cashback: 'Cashback',
  expired: 'Expired',
  refund_reversal: 'Taken back by a refund',
  refund_restore: 'Given back by a refund',
  referral_reversal: 'Referral bonus taken back',
};

function Member({ token, id }: { token: string; id: string }) {
  const member = useLoad(
    () =>
      Promise.all([
        api<Customer>(token, 'GET', `/customers/${encodeURIComponent(id)}`),
        api<History>(token, 'GET', `/customers/${encodeURIComponent(id)}/history?limit=20`),
      ]),
    [token, id],
  );
  if (member.error) return <Alert>{member.error}</Alert>;
  if (!member.data) return <p>Loading…</p>;
  const [c, history] = member.data;
  const p = c.points;
  return (
    <article class="card" data-testid="member" aria-labelledby="member-title">
      <h3 id="member-title">{c.name}</h3>
      <dl>
        <dt>Card</dt>
        <dd data-field="card">{c.card_number}</dd>
        <dt>Phone</dt>
        <dd>{c.phone ?? '-'}</dd>
        <dt>Member since</dt>
        <dd>{c.enrolled_at ? at(c.enrolled_at) : '-'}</dd>
        <dt>Tier</dt>
        <dd data-field="tier">
          {c.tier_name}
          {c.next_tier &&
            ` (${formatWon(c.amount_to_next_tier, 'en')} more a month to ${c.next_tier})`}
        </dd>
        <dt>Points</dt>
        <dd data-field="points">
          {formatPoints(p.total_points, 'en')}: {formatPoints(p.available_points, 'en')} available
          {p.pending_points > 0 && `, ${formatPoints(p.pending_points, 'en')} pending`}
          {p.debt > 0 && `, a debt of ${formatPoints(p.debt, 'en')}`}
        </dd>
        {p.points_expiring_soon > 0 && (
          <>
            <dt>Expiring</dt>
            <dd>
              {formatPoints(p.points_expiring_soon, 'en')} by {at(p.expiring_soon_before)}
            </dd>
          </>
        )}
        <dt>Stamps</dt>
        <dd>
          {c.stamps.count % c.stamps.per_card} of {c.stamps.per_card}
        </dd>
        <dt>Purchases</dt>
        <dd>{c.purchase_count}</dd>
        {c.conflicts > 0 && (
          <>
            <dt>Conflicts</dt>
            <dd>{c.conflicts}</dd>
          </>
        )}
      </dl>
      <h4>Coupons</h4>
      {c.coupons.length === 0 ? (
        <p>None usable now.</p>
      ) : (
        <ul>
          {c.coupons.map((k) => (
            <li key={k.code}>
              {k.name} (until {at(k.valid_until)})
            </li>
          ))}
        </ul>
      )}
      <h4>Latest point movements</h4>
      <table>
        <Head columns={['When', 'What', 'Points']} />
        <tbody>
          {history.items.map((m, i) => (
            <tr key={`${m.at}-${i}`}>
              <td>{at(m.at)}</td>
              <td>{MOVEMENTS[m.kind] ?? m.kind}</td>
              <td class="number">
                {m.points > 0 ? '+' : ''}
                {m.points.toLocaleString('en')}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </article>
  );
}

function FeedbackView({ token, store }: { token: string; store: string }) {
  const data = useLoad(
    () => api<Feedback>(token, 'GET', `/feedback${query({ store_id: store, limit: '50' })}`),
    [token, store],
  );
  const f = data.data;
  return (
    <section aria-labelledby="feedback-title">
      <h2 id="feedback-title">Feedback</h2>
      {data.error && <Alert>{data.error}</Alert>}
      {f && f.count === 0 && <p>No feedback yet: members leave it at the kiosk.</p>}
      {f && f.count > 0 && (
        <>
          <p data-testid="nps">
            Net Promoter Score <strong>{f.nps}</strong> from {f.count} answers: {f.promoters}{' '}
            promoters (9-10), {f.passives} passives, {f.detractors} detractors (0-6).
          </p>
          <table>
            <Head columns={['When', 'Store', 'Score', 'Comment']} />
            <tbody>
              {f.feedback.map((x) => (
                <tr key={x.event_id}>
                  <td>{at(x.occurred_at)}</td>
                  <td>{x.store_id}</td>
                  <td class="number">{x.score}</td>
                  <td>{x.comment ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

function ProgramView({ token }: { token: string }) {
  const current = useLoad(() => api<Program>(token, 'GET', '/program'), [token]);
  const [text, setText] = useState('');
  const [issues, setIssues] = useState<readonly ProgramIssue[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [published, setPublished] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (current.data) setText(JSON.stringify(current.data, null, 2));
  }, [current.data]);
  const publish = async (e: Event) => {
    e.preventDefault();
    setIssues([]);
    setError(null);
    setPublished(null);
    let definition: unknown;
    try {
      definition = JSON.parse(text);
    } catch (failure) {
      return setError(`This is not valid JSON: ${messageOf(failure)}`);
    }
    setBusy(true);
    try {
      const program = await api<Program>(token, 'PUT', '/program', definition);
      setPublished(program.version);
      current.reload();
    } catch (failure) {
      const found = (failure as ApiFailure).details as { issues?: ProgramIssue[] } | undefined;
      if (found?.issues?.length) setIssues(found.issues);
      else setError(messageOf(failure));
    } finally {
      setBusy(false);
    }
  };
  const p = current.data;
  return (
    <section aria-labelledby="program-title">
      <h2 id="program-title">Program</h2>
      {current.error && <Alert>{current.error}</Alert>}
      {p && (
        <>
          <p data-testid="program-version">
            Version {p.version}: {p.name}, {p.currency.code}, {p.time_zone}
            {p.phone && `, phone numbers of +${p.phone.country_code}`}.
          </p>
          <table>
            <Head columns={['Tier', 'From (average monthly spend)', 'Earns']} />
            <tbody>
              {p.tiers.map((t) => (
                <tr key={t.id}>
                  <td>{t.name}</td>
                  <td class="number">{formatWon(t.threshold, 'en')}</td>
                  <td class="number">{t.earn_rate_bp / 100} %</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <form class="card" onSubmit={publish}>
        <h3>Publish a new version</h3>
        <p class="hint">
          Edit the definition and publish: it is checked first, gets the next version number, and
          tills and kiosks receive it at their next sync. Events keep the version they were made
          under.
        </p>
        <label>
          Program definition (JSON)
          <textarea
            name="program"
            rows={18}
            spellcheck={false}
            value={text}
            onInput={(e) => setText(e.currentTarget.value)}
          />
        </label>
        <button type="submit" disabled={busy || !p}>
          Publish
        </button>
        {error && <Alert>{error}</Alert>}
        {issues.length > 0 && (
          <div class="alert" role="alert">
            Not published. Fix these fields:
            <ul>
              {issues.map((i) => (
                <li key={i.path}>
                  <code>{i.path || '(program)'}</code>: {i.message}
                </li>
              ))}
            </ul>
          </div>
        )}
        {published !== null && (
          <p role="status" data-testid="published">
            Version {published} is published.
          </p>
        )}
      </form>
    </section>
  );
}
