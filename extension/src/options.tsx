/** Options: pair this browser with the central endpoint (endpoint URL + one-time pairing code). */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { savePairing, type Pairing } from '../../shared/storage';
import { t } from '../../shared/ui';
import { deviceDb } from './device';
import { ask } from './messages';

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
      const base = endpoint.trim().replace(/\/+$/, '');
      const res = await fetch(`${base}/api/v1/devices/pair`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ pairing_code: code.trim() }),
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
    </main>
  );
}

render(<Options />, document.getElementById('app') as HTMLElement);
