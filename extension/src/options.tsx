/** Options: pair this browser with the central endpoint (endpoint URL + one-time pairing code). */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { endpointBase, pairingRequest, savePairing, type Pairing } from '../../shared/storage';
import { t } from '../../shared/ui';
import { deviceDb } from './device';
import { ask } from './messages';
import { DEFAULT_SELECTORS, type Selectors } from './pos-selectors';
import bridgeScript from './pos-bridge?script';

/**
 * Lets the bridge run on the shop's POS site: asks for that one origin at run time (no host is
 * granted up front) and registers the content script there.
 */
async function allowPos(origin: string, selectors: Selectors): Promise<string> {
  const url = new URL(origin);
  const pattern = `${url.protocol}//${url.hostname}/*`;
  const granted = await chrome.permissions.request({ origins: [pattern] });
  if (!granted) return 'permission refused';
  await chrome.storage.local.set({ pos_selectors: selectors });
  const id = `pos-${url.hostname}`;
  await chrome.scripting.unregisterContentScripts({ ids: [id] }).catch(() => undefined);
  await chrome.scripting.registerContentScripts([
    { id, matches: [pattern], js: [bridgeScript], persistAcrossSessions: true },
  ]);
  return `bridge active on ${pattern}`;
}

function PosSettings() {
  const [origin, setOrigin] = useState('');
  const [sel, setSel] = useState<Selectors>(DEFAULT_SELECTORS);
  const [result, setResult] = useState<string | null>(null);
  useEffect(() => {
    void chrome.storage.local
      .get('pos_selectors')
      .then((s) => s.pos_selectors && setSel(s.pos_selectors as Selectors));
  }, []);
  const field = (key: keyof Selectors, label: string) => (
    <label>
      {label}
      <input
        name={`selector-${key}`}
        value={sel[key] ?? ''}
        onInput={(e) => setSel({ ...sel, [key]: e.currentTarget.value })}
      />
    </label>
  );
  return (
    <form
      class="card"
      onSubmit={(e) => {
        e.preventDefault();
        void allowPos(origin, sel).then(setResult, (err: unknown) => setResult(String(err)));
      }}
    >
      <h2>POS</h2>
      <p>
        The demo POS of this endpoint works out of the box. For another POS site, give its address
        and where its cart is.
      </p>
      <label>
        POS URL
        <input
          name="pos-origin"
          placeholder="https://pos.example.com"
          value={origin}
          onInput={(e) => setOrigin(e.currentTarget.value)}
        />
      </label>
      {field('total', 'Total (CSS selector; data-amount or text)')}
      {field('line', 'Cart lines (data-sku, data-category, data-quantity, data-unit-price)')}
      {field('discount', 'Loyalty discount field')}
      {field('receipt', 'Receipt number of the sale (optional; data-receipt or text)')}
      <button type="submit">Allow</button>
      {result && <p>{result}</p>}
    </form>
  );
}

function Options() {
  const [endpoint, setEndpoint] = useState('http://127.0.0.1:8787');
  const [code, setCode] = useState('');
  const [paired, setPaired] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void deviceDb()
      .device.get('self')
      .then((d) =>
        setPaired(d ? `${d.device_id} (${d.store_id}, ${d.role}) @ ${d.endpoint}` : null),
      );
  }, []);

  async function pair(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const base = endpointBase(endpoint);
      const res = await fetch(`${base}/api/v1/devices/pair`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(await pairingRequest(deviceDb(), code)),
      });
      const body = (await res.json()) as Pairing & { error?: { message: string } };
      if (!res.ok) throw new Error(body.error?.message ?? `the endpoint answered ${res.status}`);
      if (body.role !== 'cashier') throw new Error('this code is for a kiosk, not a cashier till');
      await savePairing(deviceDb(), base, body);
      setPaired(`${body.device_id} (${body.store_id}, ${body.role}) @ ${base}`);
      await ask({ kind: 'sync-now' });
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main>
      <h1>Store loyalty</h1>
      {paired && (
        <p class="card" data-testid="paired">
          {t('paired')}: {paired}
        </p>
      )}
      <form class="card" onSubmit={pair}>
        <label>
          {t('endpoint')}
          <input
            name="endpoint"
            value={endpoint}
            onInput={(e) => setEndpoint(e.currentTarget.value)}
          />
        </label>
        <label>
          {t('pairing_code')}
          <input
            name="pairing_code"
            inputMode="numeric"
            value={code}
            onInput={(e) => setCode(e.currentTarget.value)}
          />
        </label>
        <button type="submit" disabled={busy}>
          {t('pair')}
        </button>
        {error && <p class="error">{error}</p>}
      </form>
      <PosSettings />
    </main>
  );
}

render(<Options />, document.getElementById('app') as HTMLElement);
