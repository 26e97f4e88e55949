/**
 * The admin console: what a shop owner checks from a desk. Which tills and kiosks have synced
 * (after a day offline, the one that has not stands out), the conflicts their offline decisions
 * made, a member's account, the kiosk's feedback, and the program (view it, publish a new
 * version). Everything goes through the endpoint's REST API with the admin token.
 */
import { createContext, Fragment, type ComponentChildren } from 'preact';
import { useCallback, useContext, useEffect, useMemo, useState } from 'preact/hooks';
import type { Program, ProgramIssue } from '../../shared/rules';
import { couponTitle, type Locale } from '../../shared/ui';
import { api, ApiFailure, download, onUnauthorized, query, savedToken, saveToken } from './api';
import type {
  Activity,
  ActivityReport,
  Backups,
  Conflict,
  Customer,
  DeviceReport,
  Feedback,
  History,
  Integration,
  MemberList,
  MemberListItem,
  NewDevice,
  PointsReport,
  StaffMember,
  Store,
} from './types';
import { phrases, w, type AdminWord, type Phrases } from './words';

const DAY_MS = 24 * 3_600_000;
const LOCALE_KEY = 'loyalty-admin-locale';

interface Words {
  readonly locale: Locale;
  /** The shop's time zone (the program's), once known. */
  readonly zone: string | undefined;
  readonly t: (word: AdminWord) => string;
  readonly say: Phrases;
}

/** Words in `locale`; times on the shop's clock when its zone is known (the program's). */
function wordsOf(locale: Locale, zone?: string): Words {
  return { locale, zone, t: (word) => w(word, locale), say: phrases(locale, zone) };
}

const WordsContext = createContext<Words>(wordsOf('ko'));
const useWords = () => useContext(WordsContext);

/**
 * A failure in the console's language: what kind of failure, in its words, then the endpoint's
 * own detail (English, as the API gives it) for the owner or whoever they ask for help.
 */
function failureText(error: unknown, t: (word: AdminWord) => string): string {
  if (!(error instanceof ApiFailure)) return error instanceof Error ? error.message : String(error);
  if (error.code === 'unreachable') return t('fail_unreachable');
  if (error.status === 429) return t('fail_rate_limited');
  const kind =
    error.status >= 500 ? 'fail_server' : (FAILURE_KINDS[error.status] ?? 'fail_refused');
  return `${t(kind)}: ${error.message}`;
}

/** The kinds of failure worded by their own status; every other 4xx is 'refused'. */
const FAILURE_KINDS: Readonly<Record<number, AdminWord>> = {
  403: 'fail_forbidden',
  404: 'fail_not_found',
  409: 'fail_conflict',
};

/** Loads once and on reload(); says what failed. */
function useLoad<T>(load: () => Promise<T>, deps: unknown[]) {
  const { t } = useWords();
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [round, setRound] = useState(0);
  useEffect(() => {
    let live = true;
    setError(null);
    load().then(
      (value) => live && setData(value),
      (e: unknown) => live && setError(failureText(e, t)),
    );
    return () => {
      live = false;
    };
  }, [...deps, round]);
  return { data, error, reload: useCallback(() => setRound((r) => r + 1), []) };
}

/**
 * What a form's button does: busy while it runs, and its failure said. `explain` turns a failure
 * into words, or handles it itself and returns null.
 */
function useAction() {
  const { t } = useWords();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async (
    action: () => Promise<void>,
    explain: (failure: unknown) => string | null = (failure) => failureText(failure, t),
  ): Promise<void> => {
    setError(null);
    setBusy(true);
    try {
      await action();
    } catch (failure) {
      setError(explain(failure));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, run };
}

/**
 * A button that asks first: in its place, the question, "yes" (`confirm-<action>`) and
 * "cancel" (`cancel-<action>`). `what` names the row for a screen reader.
 */
function AskFirst(props: {
  action: string;
  label: string;
  yes: string;
  what: string;
  question: string;
  asking: boolean;
  onAsk: () => void;
  onYes: () => void;
  onCancel: () => void;
}) {
  const { t } = useWords();
  if (!props.asking)
    return (
      <button
        type="button"
        name={props.action}
        aria-label={`${props.label}: ${props.what}`}
        onClick={props.onAsk}
      >
        {props.label}
      </button>
    );
  return (
    <span class="confirm">
      {props.question}{' '}
      <button type="button" name={`confirm-${props.action}`} onClick={props.onYes}>
        {props.yes}
      </button>{' '}
      <button type="button" name={`cancel-${props.action}`} onClick={props.onCancel}>
        {t('cancel')}
      </button>
    </span>
  );
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
  const [locale, setLocale] = useState<Locale>(
    localStorage.getItem(LOCALE_KEY) === 'en' ? 'en' : 'ko',
  );
  const words = useMemo(() => wordsOf(locale), [locale]);
  useEffect(() => {
    document.documentElement.lang = locale;
    document.title = words.t('title');
    localStorage.setItem(LOCALE_KEY, locale);
  }, [locale, words]);
  const switchLanguage = () => setLocale(locale === 'ko' ? 'en' : 'ko');
  return (
    <WordsContext.Provider value={words}>
      <Session onSwitchLanguage={switchLanguage} />
    </WordsContext.Provider>
  );
}

function LanguageButton({ onClick }: { onClick: () => void }) {
  const { t } = useWords();
  return (
    <button type="button" name="language" onClick={onClick}>
      {t('language')}
    </button>
  );
}

function Session({ onSwitchLanguage }: { onSwitchLanguage: () => void }) {
  const [token, setToken] = useState<string | null>(savedToken());
  const [expired, setExpired] = useState(false);
  const signOut = () => {
    saveToken(null);
    setToken(null);
  };
  useEffect(() => {
    // The token was revoked or replaced while signed in: back to the sign-in, saying why.
    onUnauthorized(() => {
      signOut();
      setExpired(true);
    });
    return () => onUnauthorized(null);
  }, []);
  return token === null ? (
    <SignIn
      expired={expired}
      onSignedIn={(t) => {
        saveToken(t);
        setExpired(false);
        setToken(t);
      }}
      onSwitchLanguage={onSwitchLanguage}
    />
  ) : (
    <Console token={token} onSignOut={signOut} onSwitchLanguage={onSwitchLanguage} />
  );
}

function SignIn(props: {
  expired: boolean;
  onSignedIn: (token: string) => void;
  onSwitchLanguage: () => void;
}) {
  const { t: word } = useWords();
  const [token, setToken] = useState('');
  const { busy, error, setError, run } = useAction();
  const submit = async (e: Event) => {
    e.preventDefault();
    const t = token.trim();
    if (!t) return setError(word('token_needed'));
    await run(
      async () => {
        await api(t, 'GET', '/stores');
        props.onSignedIn(t);
      },
      (failure) =>
        failure instanceof ApiFailure && (failure.status === 401 || failure.status === 403)
          ? word('token_wrong')
          : failureText(failure, word),
    );
  };
  return (
    <main class="signin">
      <LanguageButton onClick={props.onSwitchLanguage} />
      <h1>{word('title')}</h1>
      <form onSubmit={submit}>
        <label>
          {word('admin_token')}
          <input
            name="token"
            type="password"
            autocomplete="off"
            value={token}
            onInput={(e) => setToken(e.currentTarget.value)}
          />
        </label>
        <button type="submit" disabled={busy}>
          {word('sign_in')}
        </button>
        {error && <Alert>{error}</Alert>}
        {props.expired && !error && <Alert>{word('token_expired')}</Alert>}
      </form>
    </main>
  );
}

const TABS = [
  'devices',
  'staff',
  'conflicts',
  'members',
  'report',
  'feedback',
  'program',
  'integrations',
] as const;
type Tab = (typeof TABS)[number];

function Console(props: { token: string; onSignOut: () => void; onSwitchLanguage: () => void }) {
  // Times on the shop's clock, the program's time zone, as the tills and the kiosk show them
  // (the owner's laptop may be elsewhere, or set to UTC).
  const { locale } = useWords();
  // Loaded once here: the Program tab shows and edits it, and reloads it when it publishes a
  // version, so that a new zone applies to every time on screen at once.
  const program = useLoad(() => api<Program>(props.token, 'GET', '/program'), [props.token]);
  const zone = program.data?.time_zone;
  const words = useMemo(() => wordsOf(locale, zone), [locale, zone]);
  return (
    <WordsContext.Provider value={words}>
      <ConsoleBody {...props} program={program} />
    </WordsContext.Provider>
  );
}

/** The program as the console loaded it (useLoad). */
interface LoadedProgram {
  readonly data: Program | null;
  readonly error: string | null;
  readonly reload: () => void;
}

function ConsoleBody(props: {
  token: string;
  program: LoadedProgram;
  onSignOut: () => void;
  onSwitchLanguage: () => void;
}) {
  const { token } = props;
  const { t } = useWords();
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
        <h1>{t('title')}</h1>
        <label>
          {t('store')}
          <select name="store" value={store} onChange={(e) => setStore(e.currentTarget.value)}>
            <option value="">{t('all_stores')}</option>
            {(stores.data ?? []).map((s) => (
              <option key={s.store_id} value={s.store_id}>
                {s.name} ({s.store_id})
              </option>
            ))}
          </select>
        </label>
        <LanguageButton onClick={props.onSwitchLanguage} />
        <button type="button" name="sign-out" onClick={props.onSignOut}>
          {t('sign_out')}
        </button>
      </header>
      <nav aria-label={t('sections')}>
        {TABS.map((id) => (
          <button
            key={id}
            type="button"
            name={`tab-${id}`}
            aria-current={tab === id ? 'page' : undefined}
            onClick={() => setTab(id)}
          >
            {t(`tab_${id}`)}
          </button>
        ))}
      </nav>
      <main>
        {stores.error && <Alert>{stores.error}</Alert>}
        {tab === 'devices' && <Devices token={token} store={store} stores={stores.data ?? []} />}
        {tab === 'staff' && <StaffView token={token} store={store} stores={stores.data ?? []} />}
        {tab === 'conflicts' && <Conflicts token={token} store={store} onMember={showMember} />}
        {tab === 'members' && (
          <Members token={token} store={store} memberId={memberId} onMember={setMemberId} />
        )}
        {tab === 'feedback' && <FeedbackView token={token} store={store} />}
        {tab === 'report' && <ReportView token={token} store={store} />}
        {tab === 'program' && <ProgramView token={token} current={props.program} />}
        {tab === 'integrations' && <Integrations token={token} />}
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
  const { t, say } = useWords();
  const now = Date.now();
  // Paired, and silent for a day: its sales of that day are not here yet.
  const stale = (d: DeviceReport) =>
    d.revoked_at === null &&
    d.paired_at !== null &&
    now - Date.parse(d.last_sync_at ?? d.paired_at) > DAY_MS;
  const [revoking, setRevoking] = useState<DeviceReport | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const { error, run } = useAction();
  const revoke = (device: DeviceReport) =>
    run(async () => {
      await api(token, 'DELETE', `/devices/${encodeURIComponent(device.device_id)}`);
      setDone(say.deviceRevoked(device.name));
      setRevoking(null);
      list.reload();
    });
  return (
    <section aria-labelledby="devices-title">
      <h2 id="devices-title">{t('tab_devices')}</h2>
      <BackupLine token={token} />
      <p class="hint">{t('devices_hint')}</p>
      {list.error && <Alert>{list.error}</Alert>}
      {error && <Alert>{error}</Alert>}
      {done && <p role="status">{done}</p>}
      {list.data && list.data.length === 0 && <p>{t('no_devices')}</p>}
      {list.data && list.data.length > 0 && (
        <table>
          <Head
            columns={[
              t('name'),
              t('store'),
              t('kind'),
              t('paired'),
              t('last_sync'),
              t('events_received'),
              t('actions'),
            ]}
          />
          <tbody>
            {list.data.map((d) => (
              <tr
                key={d.device_id}
                data-device={d.device_id}
                class={stale(d) ? 'stale' : undefined}
              >
                <td>{d.name}</td>
                <td>{d.store_id}</td>
                <td>{t(d.role === 'cashier' ? 'till' : 'kiosk')}</td>
                <td data-field="paired">
                  {d.revoked_at
                    ? say.revokedAt(say.at(d.revoked_at))
                    : d.paired_at
                      ? say.at(d.paired_at)
                      : t(d.pairing_open ? 'code_out' : 'not_paired')}
                </td>
                <td data-field="last-sync">
                  {d.last_sync_at ? say.ago(d.last_sync_at, now) : t('never')}
                  {stale(d) && <strong>{t('stale')}</strong>}
                </td>
                <td class="number" data-field="events">
                  {say.number(d.events)}
                </td>
                <td>
                  {d.revoked_at === null && (
                    <AskFirst
                      action="revoke"
                      label={t('revoke')}
                      yes={t('yes_revoke')}
                      what={d.name}
                      question={say.confirmRevoke(d.name)}
                      asking={revoking?.device_id === d.device_id}
                      onAsk={() => {
                        setDone(null);
                        setRevoking(d);
                      }}
                      onYes={() => revoke(d)}
                      onCancel={() => setRevoking(null)}
                    />
                  )}
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

/**
 * When the database was last backed up: an owner sees a nightly job that stopped. For two days
 * after a restore, above it: the tills and kiosks that have not synced since (decision 0030).
 */
function BackupLine({ token }: { token: string }) {
  const { t, say } = useWords();
  const backups = useLoad(() => api<Backups>(token, 'GET', '/backups'), [token]);
  const b = backups.data;
  if (!b) return null;
  const now = Date.now();
  const old = b.last === null || now - Date.parse(b.last.at) > 2 * DAY_MS;
  const restored = b.restored?.catching_up ? b.restored : null;
  return (
    <>
      {restored && (
        <p class={restored.not_synced_since.length > 0 ? 'warning' : 'hint'} data-testid="restored">
          {say.restoredLine(
            say.ago(restored.at, now),
            restored.not_synced_since.map((d) => d.name),
          )}
        </p>
      )}
      {b.database === 'postgres' ? (
        <p class="hint">{t('backup_postgres')}</p>
      ) : (
        <p class={old ? 'warning' : 'hint'} data-testid="backup">
          {b.last === null
            ? t('backup_never')
            : say.lastBackup(say.ago(b.last.at, now), b.last.file, say.number(b.last.members))}
          {b.last !== null && old && <strong>{t('backup_old')}</strong>}
        </p>
      )}
    </>
  );
}

/** The keys of web shops and scripts: made here (shown once), and revoked when one leaks. */
function Integrations({ token }: { token: string }) {
  const { t, say } = useWords();
  const list = useLoad(
    () =>
      api<{ integrations: Integration[] }>(token, 'GET', '/integrations').then(
        (r) => r.integrations,
      ),
    [token],
  );
  const [name, setName] = useState('');
  const [made, setMade] = useState<{ name: string; token: string } | null>(null);
  const [revoking, setRevoking] = useState<Integration | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const { busy, error, setError, run } = useAction();
  const create = async (e: Event) => {
    e.preventDefault();
    setMade(null);
    setDone(null);
    if (!name.trim()) return setError(t('integration_name_needed'));
    await run(async () => {
      setMade(await api(token, 'POST', '/integrations', { name: name.trim() }));
      setName('');
      list.reload();
    });
  };
  const revoke = (key: Integration) =>
    run(async () => {
      await api(token, 'DELETE', `/integrations/${encodeURIComponent(key.integration_id)}`);
      setDone(say.integrationRevoked(key.name));
      setRevoking(null);
      setMade(null);
      list.reload();
    });
  return (
    <section aria-labelledby="integrations-title">
      <h2 id="integrations-title">{t('tab_integrations')}</h2>
      <p class="hint">{t('integrations_hint')}</p>
      {list.error && <Alert>{list.error}</Alert>}
      {done && <p role="status">{done}</p>}
      {list.data && list.data.length === 0 && <p>{t('no_integrations')}</p>}
      {list.data && list.data.length > 0 && (
        <table>
          <Head columns={[t('name'), t('added'), t('key_status'), t('actions')]} />
          <tbody>
            {list.data.map((k) => (
              <tr key={k.integration_id} data-integration={k.integration_id}>
                <td>{k.name}</td>
                <td>{say.at(k.created_at)}</td>
                <td data-field="status">
                  {k.revoked_at ? say.revokedAt(say.at(k.revoked_at)) : t('active')}
                </td>
                <td>
                  {k.revoked_at === null && (
                    <AskFirst
                      action="revoke"
                      label={t('revoke')}
                      yes={t('yes_revoke')}
                      what={k.name}
                      question={say.confirmRevokeKey(k.name)}
                      asking={revoking?.integration_id === k.integration_id}
                      onAsk={() => {
                        setDone(null);
                        setRevoking(k);
                      }}
                      onYes={() => revoke(k)}
                      onCancel={() => setRevoking(null)}
                    />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form class="card" onSubmit={create} aria-labelledby="add-integration-title">
        <h3 id="add-integration-title">{t('add_integration')}</h3>
        <label>
          {t('name')}
          <input
            name="integration-name"
            value={name}
            maxLength={100}
            onInput={(e) => setName(e.currentTarget.value)}
          />
        </label>
        <button type="submit" name="make-key" disabled={busy}>
          {t('make_key')}
        </button>
        {error && <Alert>{error}</Alert>}
        {made && (
          <p class="code" role="status">
            {t('key_once')}{' '}
            <code class="key" data-testid="integration-key">
              {made.token}
            </code>
          </p>
        )}
      </form>
    </section>
  );
}

/** The store a new till, kiosk or member of staff goes to: the one shown, or the first. */
function useStorePicker(name: string, shown: string, stores: readonly Store[]) {
  const { t } = useWords();
  const [store, setStore] = useState(shown);
  useEffect(() => setStore(shown), [shown]);
  const chosen = store || stores[0]?.store_id || '';
  const picker = (
    <label>
      {t('store')}
      <select name={name} value={chosen} onChange={(e) => setStore(e.currentTarget.value)}>
        {stores.map((s) => (
          <option key={s.store_id} value={s.store_id}>
            {s.name} ({s.store_id})
          </option>
        ))}
      </select>
    </label>
  );
  return [chosen, picker] as const;
}

function AddDevice(props: { token: string; store: string; stores: Store[]; onAdded: () => void }) {
  const { t, say } = useWords();
  const [chosen, storePicker] = useStorePicker('device-store', props.store, props.stores);
  const [role, setRole] = useState<'cashier' | 'kiosk'>('cashier');
  const [name, setName] = useState('');
  const [made, setMade] = useState<NewDevice | null>(null);
  const { busy, error, setError, run } = useAction();
  const submit = async (e: Event) => {
    e.preventDefault();
    setMade(null);
    if (!name.trim()) return setError(t('name_needed'));
    await run(async () => {
      setMade(
        await api<NewDevice>(props.token, 'POST', '/devices', {
          store_id: chosen,
          role,
          name: name.trim(),
        }),
      );
      setName('');
      props.onAdded();
    });
  };
  return (
    <form class="card" onSubmit={submit} aria-labelledby="add-device-title">
      <h3 id="add-device-title">{t('add_device')}</h3>
      {storePicker}
      <label>
        {t('kind')}
        <select
          name="device-role"
          value={role}
          onChange={(e) => setRole(e.currentTarget.value as 'cashier' | 'kiosk')}
        >
          <option value="cashier">{t('till_option')}</option>
          <option value="kiosk">{t('kiosk')}</option>
        </select>
      </label>
      <label>
        {t('name')}
        <input
          name="device-name"
          value={name}
          maxLength={100}
          onInput={(e) => setName(e.currentTarget.value)}
        />
      </label>
      <button type="submit" name="get-code" disabled={busy}>
        {t('get_code')}
      </button>
      {error && <Alert>{error}</Alert>}
      {made && (
        <p class="code" role="status">
          {t('pairing_code')} <strong data-testid="pairing-code">{made.pairing_code}</strong>
          {say.pairingUse(role, made.expires_at)}
        </p>
      )}
    </form>
  );
}

function StaffView({ token, store, stores }: { token: string; store: string; stores: Store[] }) {
  const { t, say } = useWords();
  const list = useLoad(
    () =>
      api<{ staff: StaffMember[] }>(token, 'GET', `/staff${query({ store_id: store })}`).then(
        (r) => r.staff,
      ),
    [token, store],
  );
  const [removing, setRemoving] = useState<StaffMember | null>(null);
  const [repinning, setRepinning] = useState<StaffMember | null>(null);
  const [newPin, setNewPin] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const { error, setError, run } = useAction();
  const changePin = async (member: StaffMember) => {
    if (!/^\d{4,8}$/.test(newPin)) return setError(t('pin_format'));
    await run(async () => {
      await api(token, 'PATCH', `/staff/${encodeURIComponent(member.staff_id)}`, { pin: newPin });
      setDone(say.pinChanged(member.name));
      setRepinning(null);
      setNewPin('');
    });
  };
  const remove = (member: StaffMember) =>
    run(async () => {
      await api(token, 'DELETE', `/staff/${encodeURIComponent(member.staff_id)}`);
      setDone(say.staffRemoved(member.name));
      setRemoving(null);
      list.reload();
    });
  return (
    <section aria-labelledby="staff-title">
      <h2 id="staff-title">{t('tab_staff')}</h2>
      <p class="hint">{t('staff_hint')}</p>
      {list.error && <Alert>{list.error}</Alert>}
      {error && <Alert>{error}</Alert>}
      {done && <p role="status">{done}</p>}
      {list.data && list.data.length === 0 && <p>{t('no_staff')}</p>}
      {list.data && list.data.length > 0 && (
        <table>
          <Head columns={[t('name'), t('store'), t('role'), t('added'), t('actions')]} />
          <tbody>
            {list.data.map((m) => (
              <tr key={m.staff_id} data-staff={m.staff_id}>
                <td>{m.name}</td>
                <td>{m.store_id}</td>
                <td>{t(m.role === 'manager' ? 'manager' : 'cashier')}</td>
                <td>{say.at(m.created_at)}</td>
                <td>
                  {repinning?.staff_id === m.staff_id ? (
                    <span class="confirm">
                      <label>
                        {say.newPinFor(m.name)}
                        <input
                          name="new-pin"
                          type="password"
                          inputMode="numeric"
                          autocomplete="off"
                          value={newPin}
                          onInput={(e) => setNewPin(e.currentTarget.value)}
                        />
                      </label>{' '}
                      <button type="button" name="save-pin" onClick={() => changePin(m)}>
                        {t('save')}
                      </button>{' '}
                      <button
                        type="button"
                        name="cancel-pin"
                        onClick={() => {
                          setRepinning(null);
                          setNewPin('');
                        }}
                      >
                        {t('cancel')}
                      </button>
                    </span>
                  ) : (
                    <>
                      {removing?.staff_id !== m.staff_id && (
                        <>
                          <button
                            type="button"
                            name="change-pin"
                            aria-label={`${t('change_pin')}: ${m.name}`}
                            onClick={() => {
                              setDone(null);
                              setRemoving(null);
                              setRepinning(m);
                            }}
                          >
                            {t('change_pin')}
                          </button>{' '}
                        </>
                      )}
                      <AskFirst
                        action="remove"
                        label={t('remove')}
                        yes={t('yes_remove')}
                        what={m.name}
                        question={say.confirmRemove(m.name)}
                        asking={removing?.staff_id === m.staff_id}
                        onAsk={() => {
                          setDone(null);
                          setRepinning(null);
                          setRemoving(m);
                        }}
                        onYes={() => remove(m)}
                        onCancel={() => setRemoving(null)}
                      />
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <AddStaff
        token={token}
        store={store}
        stores={stores}
        onAdded={(name) => {
          setDone(say.staffAdded(name));
          list.reload();
        }}
      />
    </section>
  );
}

function AddStaff(props: {
  token: string;
  store: string;
  stores: Store[];
  onAdded: (name: string) => void;
}) {
  const { t } = useWords();
  const [chosen, storePicker] = useStorePicker('staff-store', props.store, props.stores);
  const [name, setName] = useState('');
  const [role, setRole] = useState<'cashier' | 'manager'>('cashier');
  const [pin, setPin] = useState('');
  const { busy, error, setError, run } = useAction();
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!name.trim()) return setError(t('staff_name_needed'));
    if (!/^\d{4,8}$/.test(pin)) return setError(t('pin_format'));
    await run(async () => {
      await api(props.token, 'POST', '/staff', { store_id: chosen, name: name.trim(), pin, role });
      props.onAdded(name.trim());
      setName('');
      setPin('');
    });
  };
  return (
    <form class="card" onSubmit={submit} aria-labelledby="add-staff-title">
      <h3 id="add-staff-title">{t('add_staff')}</h3>
      {storePicker}
      <label>
        {t('name')}
        <input
          name="staff-name"
          value={name}
          maxLength={100}
          onInput={(e) => setName(e.currentTarget.value)}
        />
      </label>
      <label>
        {t('role')}
        <select
          name="staff-role"
          value={role}
          onChange={(e) => setRole(e.currentTarget.value as 'cashier' | 'manager')}
        >
          <option value="cashier">{t('cashier')}</option>
          <option value="manager">{t('manager')}</option>
        </select>
      </label>
      <label>
        {t('pin')}
        <input
          name="staff-pin"
          type="password"
          inputMode="numeric"
          autocomplete="off"
          value={pin}
          onInput={(e) => setPin(e.currentTarget.value)}
        />
      </label>
      <button type="submit" name="add-staff" disabled={busy}>
        {t('add_staff')}
      </button>
      {error && <Alert>{error}</Alert>}
    </form>
  );
}

function Conflicts(props: { token: string; store: string; onMember: (id: string) => void }) {
  const { t, say } = useWords();
  const [all, setAll] = useState(false);
  const [note, setNote] = useState('');
  const { error, run } = useAction();
  const list = useLoad(
    () =>
      api<{ conflicts: Conflict[] }>(
        props.token,
        'GET',
        `/conflicts${query({ store_id: props.store, status: all ? 'all' : null })}`,
      ).then((r) => r.conflicts),
    [props.token, props.store, all],
  );
  const mark = (c: Conflict, handled: boolean) =>
    run(async () => {
      await api(
        props.token,
        'PATCH',
        `/conflicts/${encodeURIComponent(c.event_id)}/${encodeURIComponent(c.kind)}`,
        handled ? { handled, note: note.trim() || null } : { handled },
      );
      setNote('');
      list.reload();
    });
  return (
    <section aria-labelledby="conflicts-title">
      <h2 id="conflicts-title">{t('tab_conflicts')}</h2>
      <p class="hint">{t('conflicts_hint')}</p>
      <div class="inline">
        <label class="check">
          <input
            type="checkbox"
            name="show-handled"
            checked={all}
            onChange={(e) => setAll(e.currentTarget.checked)}
          />{' '}
          {t('show_handled')}
        </label>
        <label>
          {t('handled_note')}
          <input
            name="handled-note"
            value={note}
            maxLength={500}
            onInput={(e) => setNote(e.currentTarget.value)}
          />
        </label>
      </div>
      {list.error && <Alert>{list.error}</Alert>}
      {error && <Alert>{error}</Alert>}
      {list.data && list.data.length === 0 && <p>{t('no_conflicts')}</p>}
      {list.data && list.data.length > 0 && (
        <table>
          <Head columns={[t('when'), t('store'), t('what'), t('points'), t('member')]} />
          <tbody>
            {list.data.map((c) => (
              <tr key={`${c.event_id}-${c.kind}`} data-conflict={c.kind}>
                <td>{say.at(c.created_at)}</td>
                <td>{c.store_id}</td>
                <td>
                  {say.conflict(c.kind)}
                  <div class="hint">{c.detail}</div>
                </td>
                <td>{c.points > 0 ? say.points(c.points) : '-'}</td>
                <td>
                  <button type="button" class="link" onClick={() => props.onMember(c.member_id)}>
                    {t('open_member')}
                  </button>{' '}
                  {c.handled_at ? (
                    <>
                      <div class="hint" data-field="handled">
                        {say.handledOn(c.handled_at, c.handled_note)}
                      </div>
                      <button type="button" name="reopen" onClick={() => void mark(c, false)}>
                        {t('reopen')}
                      </button>
                    </>
                  ) : (
                    <button type="button" name="mark-handled" onClick={() => void mark(c, true)}>
                      {t('mark_handled')}
                    </button>
                  )}
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
  store: string;
  memberId: string | null;
  onMember: (id: string | null) => void;
}) {
  const { t, say } = useWords();
  const [search, setSearch] = useState('');
  // What the list shows: the search it answers, and the rows so far.
  const [shown, setShown] = useState<{ q: string; list: MemberList } | null>(null);
  const { busy, error, setError, run } = useAction();
  const [saved, setSaved] = useState<string | null>(null);
  const load = (q: string, offset: number, then?: (list: MemberList) => void) =>
    run(async () => {
      const list = await api<MemberList>(
        props.token,
        'GET',
        `/customers${query({ q, limit: String(PAGE), offset: String(offset) })}`,
      );
      setShown((before) =>
        offset > 0 && before
          ? {
              q,
              list: { items: [...before.list.items, ...list.items], next_offset: list.next_offset },
            }
          : { q, list },
      );
      then?.(list);
    });
  useEffect(() => void load('', 0), [props.token]);
  const find = (e: Event) => {
    e.preventDefault();
    const text = search.trim();
    void load(text, 0, (list) => {
      // One member answers the search (a card, a whole phone number): open them at once.
      if (text && list.items.length === 1)
        props.onMember((list.items[0] as MemberListItem).customer_id);
      else if (text && list.items.length === 0) setError(t('not_found'));
    });
  };
  return (
    <section aria-labelledby="members-title">
      <h2 id="members-title">{t('tab_members')}</h2>
      <form class="inline" onSubmit={find}>
        <label>
          {t('search')}
          <input
            name="member-search"
            value={search}
            onInput={(e) => setSearch(e.currentTarget.value)}
          />
        </label>
        <button type="submit" name="find" disabled={busy}>
          {t('find')}
        </button>
        <button
          type="button"
          name="download-members"
          class="secondary"
          disabled={busy}
          onClick={() =>
            void run(async () => {
              setSaved(
                await download(props.token, `/reports/members${query({ store_id: props.store })}`),
              );
            })
          }
        >
          {t(props.store ? 'download_store_members' : 'download_members')}
        </button>
      </form>
      {saved && <p role="status">{say.downloaded(saved)}</p>}
      {error && <Alert>{error}</Alert>}
      {props.memberId && <Member token={props.token} id={props.memberId} />}
      {shown && shown.list.items.length > 0 && (
        <table data-testid="member-list">
          <Head columns={[t('name'), t('phone'), t('card'), t('member_since')]} />
          <tbody>
            {shown.list.items.map((m) => (
              <tr key={m.customer_id} data-member={m.customer_id}>
                <td>
                  <button
                    type="button"
                    class="link"
                    aria-label={`${t('open_member')}: ${m.name ?? m.card_number}`}
                    onClick={() => props.onMember(m.customer_id)}
                  >
                    {m.name ?? '-'}
                  </button>
                </td>
                <td>{m.phone ?? '-'}</td>
                <td>{m.card_number}</td>
                <td>{say.at(m.enrolled_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {shown?.list.next_offset != null && (
        <button
          type="button"
          name="more-members"
          class="secondary"
          disabled={busy}
          onClick={() => void load(shown.q, shown.list.next_offset ?? 0)}
        >
          {t('more')}
        </button>
      )}
    </section>
  );
}

/** Members a page of the list shows at a time. */
const PAGE = 20;

function Member({ token, id }: { token: string; id: string }) {
  const { t, say, locale } = useWords();
  const member = useLoad(
    () =>
      Promise.all([
        api<Customer>(token, 'GET', `/customers/${encodeURIComponent(id)}`),
        api<History>(token, 'GET', `/customers/${encodeURIComponent(id)}/history?limit=20`),
      ]),
    [token, id],
  );
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState(false);
  if (member.error) return <Alert>{member.error}</Alert>;
  if (!member.data) return <p>{t('loading')}</p>;
  const [c, history] = member.data;
  const p = c.points;
  return (
    <article class="card" data-testid="member" aria-labelledby="member-title">
      <h3 id="member-title">{c.name}</h3>
      {saved && <p role="status">{t('details_saved')}</p>}
      {editing ? (
        <EditMember
          token={token}
          member={c}
          onDone={(changed) => {
            setEditing(false);
            setSaved(changed);
            if (changed) member.reload();
          }}
        />
      ) : (
        <button
          type="button"
          name="edit-member"
          onClick={() => {
            setSaved(false);
            setEditing(true);
          }}
        >
          {t('edit_details')}
        </button>
      )}
      <dl>
        <dt>{t('card')}</dt>
        <dd data-field="card">{c.card_number}</dd>
        <dt>{t('phone')}</dt>
        <dd data-field="phone">{c.phone ?? '-'}</dd>
        <dt>{t('birthday')}</dt>
        <dd data-field="birthday">{c.birthday ?? '-'}</dd>
        <dt>{t('member_since')}</dt>
        <dd data-field="since">{c.enrolled_at ? say.at(c.enrolled_at) : '-'}</dd>
        <dt>{t('tier')}</dt>
        <dd data-field="tier">
          {c.tier_name}
          {c.next_tier_name && say.toNextTier(c.amount_to_next_tier, c.next_tier_name)}
        </dd>
        <dt>{t('points')}</dt>
        <dd data-field="points">
          {say.balance({
            total: p.total_points,
            available: p.available_points,
            pending: p.pending_points,
            debt: p.debt,
          })}
        </dd>
        {p.points_expiring_soon > 0 && (
          <>
            <dt>{t('expiring')}</dt>
            <dd>{say.expiringBy(p.points_expiring_soon, p.expiring_soon_before)}</dd>
          </>
        )}
        <dt>{t('stamps')}</dt>
        <dd>{say.stampsOf(c.stamps.count % c.stamps.per_card, c.stamps.per_card)}</dd>
        <dt>{t('purchases')}</dt>
        <dd>{say.number(c.purchase_count)}</dd>
        {c.conflicts > 0 && (
          <>
            <dt>{t('conflicts')}</dt>
            <dd>{c.conflicts}</dd>
          </>
        )}
      </dl>
      <h4>{t('coupons')}</h4>
      {c.coupons.length === 0 ? (
        <p>{t('no_coupons')}</p>
      ) : (
        <ul>
          {c.coupons.map((k) => (
            <li key={k.code}>
              {couponTitle(k, locale)} {say.until(k.valid_until)}
            </li>
          ))}
        </ul>
      )}
      <h4>{t('movements')}</h4>
      <table>
        <Head columns={[t('when'), t('what'), t('points')]} />
        <tbody>
          {history.items.map((m, i) => (
            <tr key={`${m.at}-${i}`}>
              <td>{say.at(m.at)}</td>
              <td>{say.movement(m.kind)}</td>
              <td class="number">
                {m.points > 0 ? '+' : ''}
                {say.number(m.points)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </article>
  );
}

/**
 * A member's name, phone number and birthday, corrected by the owner (PATCH /customers/{id}):
 * only what changed is sent. A number another member has is refused by the endpoint (409).
 */
function EditMember(props: {
  token: string;
  member: Customer;
  onDone: (changed: boolean) => void;
}) {
  const { t } = useWords();
  const m = props.member;
  const [name, setName] = useState(m.name);
  const [phone, setPhone] = useState(m.phone ?? '');
  const [birthday, setBirthday] = useState(m.birthday ?? '');
  const { busy, error, setError, run } = useAction();
  const submit = async (e: Event) => {
    e.preventDefault();
    const changes: Record<string, string | null> = {};
    if (name.trim() !== m.name) changes.name = name.trim();
    if (phone.trim() !== (m.phone ?? '')) changes.phone = phone.trim() || null;
    if (birthday.trim() !== (m.birthday ?? '')) changes.birthday = birthday.trim() || null;
    if (!name.trim()) return setError(t('staff_name_needed'));
    if (Object.keys(changes).length === 0) return setError(t('nothing_changed'));
    await run(async () => {
      await api(props.token, 'PATCH', `/customers/${encodeURIComponent(m.customer_id)}`, changes);
      props.onDone(true);
    });
  };
  return (
    <form class="inline" onSubmit={submit} aria-label={t('edit_details')}>
      <label>
        {t('name')}
        <input
          name="member-name"
          value={name}
          maxLength={100}
          onInput={(e) => setName(e.currentTarget.value)}
        />
      </label>
      <label>
        {t('phone')} <small>({t('phone_hint')})</small>
        <input
          name="member-phone"
          type="tel"
          value={phone}
          maxLength={24}
          onInput={(e) => setPhone(e.currentTarget.value)}
        />
      </label>
      <label>
        {t('birthday')} <small>({t('birthday_hint')})</small>
        <input
          name="member-birthday"
          value={birthday}
          maxLength={10}
          placeholder="YYYY-MM-DD"
          onInput={(e) => setBirthday(e.currentTarget.value)}
        />
      </label>
      <button type="submit" name="save-member" disabled={busy}>
        {t('save')}
      </button>{' '}
      <button type="button" name="cancel-edit" onClick={() => props.onDone(false)}>
        {t('cancel')}
      </button>
      {error && <Alert>{error}</Alert>}
    </form>
  );
}

function FeedbackView({ token, store }: { token: string; store: string }) {
  const { t, say } = useWords();
  const data = useLoad(
    () => api<Feedback>(token, 'GET', `/feedback${query({ store_id: store, limit: '50' })}`),
    [token, store],
  );
  const f = data.data;
  return (
    <section aria-labelledby="feedback-title">
      <h2 id="feedback-title">{t('tab_feedback')}</h2>
      {data.error && <Alert>{data.error}</Alert>}
      {f && f.count === 0 && <p>{t('no_feedback')}</p>}
      {f && f.count > 0 && (
        <>
          <p data-testid="nps">{say.nps(f)}</p>
          <table>
            <Head columns={[t('when'), t('store'), t('score'), t('comment')]} />
            <tbody>
              {f.feedback.map((x) => (
                <tr key={x.event_id}>
                  <td>{say.at(x.occurred_at)}</td>
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

/** Today's date (YYYY-MM-DD) on the shop's calendar, or the browser's before the zone is known. */
function today(zone: string | undefined): string {
  return new Intl.DateTimeFormat('en-CA', zone ? { timeZone: zone } : {}).format(Date.now());
}

/** The figures of the activity report, in the order a column or a row shows them. */
const ACTIVITY_FIGURES = [
  ['report_new_members', 'new_members'],
  ['report_purchases', 'purchases'],
  ['report_sales', 'sales_amount'],
  ['report_paid', 'amount_paid'],
  ['report_points_earned', 'points_earned'],
  ['report_points_redeemed', 'points_redeemed'],
  ['report_coupons_used', 'coupons_used'],
  ['report_refunds', 'refunds'],
  ['report_amount_refunded', 'amount_refunded'],
  ['report_points_reversed', 'points_reversed'],
] as const satisfies readonly (readonly [AdminWord, keyof Activity])[];

/** Money figures are won; the others are counts or points. */
const MONEY_FIGURES: ReadonlySet<keyof Activity> = new Set([
  'sales_amount',
  'amount_paid',
  'amount_refunded',
]);

/** A labelled figure, found by its field (`data-field`): [field, label, text]. */
type Figure = readonly [field: string, label: string, text: string];

function Figures(props: { rows: readonly Figure[]; class?: string; testid?: string }) {
  return (
    <dl class={props.class} data-testid={props.testid}>
      {props.rows.map(([field, label, text]) => (
        <Fragment key={field}>
          <dt>{label}</dt>
          <dd data-field={field}>{text}</dd>
        </Fragment>
      ))}
    </dl>
  );
}

/** What the members hold now, shop-wide (GET /reports/points): their points and what they are worth. */
function PointsHeld({ token }: { token: string }) {
  const { t, say } = useWords();
  const held = useLoad(() => api<PointsReport>(token, 'GET', '/reports/points'), [token]);
  const h = held.data;
  if (held.error) return <Alert>{held.error}</Alert>;
  if (!h) return null;
  const rows: Figure[] = [
    ['members', t('held_members'), say.number(h.members)],
    ['points_outstanding', t('held_points'), say.points(h.points_outstanding)],
    ['liability', t('held_liability'), say.won(h.liability.amount)],
    [
      'lifetime_spend',
      t('held_spend'),
      h.lifetime_spend.average_per_member === null
        ? '-'
        : say.won(h.lifetime_spend.average_per_member),
    ],
    [
      'points_expiring_soon',
      say.expiringWithin(h.expiring_soon_days),
      say.points(h.points_expiring_soon),
    ],
    ['debt', t('held_debt'), say.owedBy(h.debt, h.members_in_debt)],
    [
      'tiers',
      t('held_tiers'),
      h.tiers.map((x) => `${x.name} ${say.number(x.members)}`).join(' · '),
    ],
  ];
  return (
    <section class="card" aria-labelledby="held-title" data-testid="points-held">
      <h3 id="held-title">{t('held_title')}</h3>
      <Figures rows={rows} />
    </section>
  );
}

function ReportView({ token, store }: { token: string; store: string }) {
  const { t, say, zone } = useWords();
  // This month so far, on the shop's calendar.
  const [span, setSpan] = useState(() => ({
    from: `${today(zone).slice(0, 8)}01`,
    to: today(zone),
  }));
  const [asked, setAsked] = useState(span);
  const file = useAction();
  const [saved, setSaved] = useState<string | null>(null);
  const report = useLoad(
    () =>
      api<ActivityReport>(
        token,
        'GET',
        `/reports/activity${query({ from: asked.from, to: asked.to, store_id: store })}`,
      ),
    [token, store, asked],
  );
  const figure = (key: keyof Activity, value: number) =>
    MONEY_FIGURES.has(key) ? say.won(value) : say.number(value);
  const r = report.data;
  // The span's figures, with how many members bought after the purchases.
  const totals: Figure[] = r
    ? ACTIVITY_FIGURES.map(([word, key]) => [key, t(word), figure(key, r.totals[key])] as const)
    : [];
  if (r)
    totals.splice(2, 0, [
      'members_purchasing',
      t('report_members_purchasing'),
      say.number(r.totals.members_purchasing),
    ]);
  // Who bought: again within the span, before it, and the span before's buyers who came back.
  const buyers: Figure[] = r
    ? [
        [
          'average_purchase',
          t('report_average_purchase'),
          r.totals.average_purchase === null ? '-' : say.won(r.totals.average_purchase),
        ],
        [
          'repeat_members',
          t('report_repeat'),
          say.share(r.totals.repeat_members, r.totals.members_purchasing),
        ],
        [
          'returning_members',
          t('report_returning'),
          say.share(r.totals.returning_members, r.totals.members_purchasing),
        ],
        [
          'retained_members',
          t('report_retained'),
          say.cameBack(
            r.retention.retained_members,
            r.retention.members_purchasing,
            r.retention.from,
            r.retention.to,
          ),
        ],
        [
          'lost_members',
          t('report_lost'),
          say.share(r.retention.lost_members, r.retention.members_purchasing),
        ],
      ]
    : [];
  // What members used most: their points, each kind of coupon, the membership discount.
  const benefits: Figure[] = r
    ? r.benefits.map(
        (b) =>
          [
            `${b.benefit}:${b.source ?? ''}`,
            say.benefit(b),
            say.benefitUse(b.uses, b.amount),
          ] as const,
      )
    : [];
  const busyDays = r ? r.days.filter((d) => ACTIVITY_FIGURES.some(([, k]) => d[k] !== 0)) : [];
  return (
    <section aria-labelledby="report-title">
      <h2 id="report-title">{t('tab_report')}</h2>
      <PointsHeld token={token} />
      <form
        class="inline"
        onSubmit={(e) => {
          e.preventDefault();
          setAsked(span);
        }}
      >
        {(['from', 'to'] as const).map((end) => (
          <label key={end}>
            {t(`report_${end}`)}
            <input
              type="date"
              name={`report-${end}`}
              value={span[end]}
              onInput={(e) => setSpan({ ...span, [end]: e.currentTarget.value })}
            />
          </label>
        ))}
        <button type="submit" name="show-report">
          {t('show')}
        </button>
        <button
          type="button"
          name="download-activity"
          class="secondary"
          disabled={file.busy}
          onClick={() =>
            void file.run(async () => {
              setSaved(
                await download(
                  token,
                  `/reports/activity${query({ from: span.from, to: span.to, store_id: store, format: 'csv' })}`,
                ),
              );
            })
          }
        >
          {t('download_activity')}
        </button>
      </form>
      {saved && <p role="status">{say.downloaded(saved)}</p>}
      {file.error && <Alert>{file.error}</Alert>}
      {report.error && <Alert>{report.error}</Alert>}
      {r && (
        <>
          <Figures rows={totals} class="card" testid="report-totals" />
          <Figures rows={buyers} class="card" testid="report-buyers" />
          <section class="card" aria-labelledby="benefits-title" data-testid="report-benefits">
            <h3 id="benefits-title">{t('report_benefits')}</h3>
            {benefits.length === 0 ? <p>{t('report_no_benefits')}</p> : <Figures rows={benefits} />}
          </section>
          {busyDays.length === 0 && <p>{t('report_quiet')}</p>}
          {busyDays.length > 0 && (
            <table data-testid="report-days">
              <Head columns={[t('day'), ...ACTIVITY_FIGURES.map(([word]) => t(word))]} />
              <tbody>
                {busyDays.map((d) => (
                  <tr key={d.date} data-day={d.date}>
                    <td>{d.date}</td>
                    {ACTIVITY_FIGURES.map(([, key]) => (
                      <td key={key} class="number">
                        {figure(key, d[key])}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}

function ProgramView({ token, current }: { token: string; current: LoadedProgram }) {
  const { t, say } = useWords();
  const [text, setText] = useState('');
  const [issues, setIssues] = useState<readonly ProgramIssue[]>([]);
  const { busy, error, setError, run } = useAction();
  const [published, setPublished] = useState<number | null>(null);
  // Read again on opening the tab: another owner's console may have published since sign-in.
  useEffect(() => current.reload(), []);
  useEffect(() => {
    if (current.data) setText(JSON.stringify(current.data, null, 2));
  }, [current.data]);
  const publish = async (e: Event) => {
    e.preventDefault();
    setIssues([]);
    setPublished(null);
    let definition: unknown;
    try {
      definition = JSON.parse(text);
    } catch (failure) {
      return setError(say.notJson(failure instanceof Error ? failure.message : String(failure)));
    }
    await run(
      async () => {
        const program = await api<Program>(token, 'PUT', '/program', definition);
        setPublished(program.version);
        current.reload();
      },
      // A definition the endpoint refused: each bad field listed, not one sentence.
      (failure) => {
        const found = (failure as ApiFailure).details as { issues?: ProgramIssue[] } | undefined;
        if (!found?.issues?.length) return failureText(failure, t);
        setIssues(found.issues);
        return null;
      },
    );
  };
  const p = current.data;
  return (
    <section aria-labelledby="program-title">
      <h2 id="program-title">{t('tab_program')}</h2>
      {current.error && <Alert>{current.error}</Alert>}
      {p && (
        <>
          <p data-testid="program-version">{say.programVersion(p)}</p>
          <table>
            <Head columns={[t('tier'), t('tier_from'), t('earns')]} />
            <tbody>
              {p.tiers.map((tier) => (
                <tr key={tier.id}>
                  <td>{tier.name}</td>
                  <td class="number">{say.won(tier.threshold)}</td>
                  <td class="number">{tier.earn_rate_bp / 100} %</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <form class="card" onSubmit={publish}>
        <h3>{t('publish_title')}</h3>
        <p class="hint">{t('publish_hint')}</p>
        <label>
          {t('definition')}
          <textarea
            name="program"
            rows={18}
            spellcheck={false}
            value={text}
            onInput={(e) => setText(e.currentTarget.value)}
          />
        </label>
        <button type="submit" name="publish" disabled={busy || !p}>
          {t('publish')}
        </button>
        {error && <Alert>{error}</Alert>}
        {issues.length > 0 && (
          <div class="alert" role="alert">
            {t('fix_fields')}
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
            {say.published(published)}
          </p>
        )}
      </form>
    </section>
  );
}
