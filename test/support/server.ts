/**
 * The real central endpoint on loopback for tests: a fresh SQLite file, or a fresh PostgreSQL
 * database (created and dropped per test file). PostgreSQL must be running (.ci/run starts it);
 * a test that cannot reach it fails with the reason instead of being skipped.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { randomUUID } from 'node:crypto';
import { createApp, bootstrap, openDatabase, type App } from '../../server';
import {
  GENESIS_HASH,
  PROTOCOL_VERSION,
  signEvent,
  type EventEnvelope,
} from '../../shared/protocol';
import { DEFAULT_PROGRAM, formatInstant, type EventType, type Payload } from '../../shared/rules';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';
export const PG_URL =
  process.env.LOYALTY_TEST_PG_URL ??
  'postgresql://root@localhost/postgres?host=/var/run/postgresql';

export type Backend = 'sqlite' | 'postgres';
export const BACKENDS: Backend[] = ['sqlite', 'postgres'];

export interface Running {
  readonly app: App;
  readonly base: string;
  /** Calls the API; returns status and parsed body. */
  api(
    method: string,
    path: string,
    body?: unknown,
    token?: string | null,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
  /**
   * Restarts the server process state on the same database (a server restart); `meanwhile` runs
   * while it is stopped (a restore from a backup).
   */
  restart(meanwhile?: () => void | Promise<void>): Promise<Running>;
  /** The SQLite file (SQLite only). */
  readonly file?: string;
  /** A connection of its own to the same database (as the CLI opens one). */
  connect(): ReturnType<typeof openDatabase>;
}

export async function createPgDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `loyalty_test_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${PG_URL} (start it: pg_ctlcluster 15 main start): ${String(error)}`,
    );
  }
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_URL.replace(/^postgresql:/, 'http:'));
  url.pathname = `/${name}`;
  return {
    url: url.toString().replace(/^http:/, 'postgresql:'),
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export async function startServer(
  backend: Backend,
  options: {
    now?: () => number;
    lookupsPerMinute?: number;
    static?: Record<string, string>;
    syncThreads?: number;
    reportPage?: number;
  } = {},
): Promise<Running> {
  let cleanup: () => Promise<void>;
  let open: () => Promise<Awaited<ReturnType<typeof openDatabase>>>;
  let file: string | undefined;
  if (backend === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'loyalty-test-'));
    file = join(dir, 'loyalty.db');
    open = () => openDatabase({ file });
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    const created = await createPgDatabase();
    open = () => openDatabase({ url: created.url });
    cleanup = created.drop;
  }
  const launch = async (wanted = 0): Promise<Running> => {
    const app = await createApp(await open(), options);
    await bootstrap(app.ctx, { adminToken: ADMIN_TOKEN });
    const port = await app.listen(wanted);
    const base = `http://127.0.0.1:${port}/api/v1`;
    const running: Running = {
      app,
      base,
      ...(file ? { file } : {}),
      connect: open,
      async api(method, path, body, token = ADMIN_TOKEN, headers = {}) {
        // A keep-alive socket to a server that restarted on this port fails once: retry once.
        const send = () =>
          fetch(`${base}${path}`, {
            method,
            headers: {
              ...(token ? { authorization: `Bearer ${token}` } : {}),
              ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
              ...headers,
            },
            body:
              body === undefined
                ? undefined
                : typeof body === 'string'
                  ? body
                  : JSON.stringify(body),
          });
        const res = await send().catch((error: unknown) => {
          if ((error as { cause?: { code?: string } })?.cause?.code === 'UND_ERR_SOCKET')
            return send();
          throw error;
        });
        const text = await res.text();
        let parsed: unknown = text;
        try {
          parsed = text ? JSON.parse(text) : null;
        } catch {
          // not JSON: keep the text
        }
        return { status: res.status, body: parsed };
      },
      async close() {
        await app.close();
        await cleanup();
      },
      /** Stops and starts the server on the same port and database (devices keep their URL). */
      async restart(meanwhile) {
        await app.close();
        await meanwhile?.();
        return launch(port);
      },
    };
    return running;
  };
  return launch();
}

export const iso = (ms: number): string => formatInstant('Asia/Seoul', ms);

/** A paired device that signs its events into a chain and syncs them (test support). */
export class TestDevice {
  seq = 0;
  prev = GENESIS_HASH;
  cursor = 0;

  constructor(
    readonly server: Running,
    readonly token: string,
    readonly device_id: string,
    readonly store_id: string,
  ) {}

  static async pair(
    server: Running,
    store: string,
    role: 'cashier' | 'kiosk',
    name = 'device',
  ): Promise<TestDevice> {
    const made = await server.api('POST', '/devices', { store_id: store, role, name });
    if (made.status !== 201) throw new Error(`device create failed: ${JSON.stringify(made.body)}`);
    const paired = await server.api(
      'POST',
      '/devices/pair',
      { pairing_code: made.body.pairing_code },
      null,
    );
    if (paired.status !== 200) throw new Error(`pairing failed: ${JSON.stringify(paired.body)}`);
    return new TestDevice(server, paired.body.token, paired.body.device_id, store);
  }

  async event<T extends EventType>(
    type: T,
    memberId: string,
    payload: Payload<T>,
    at: number = Date.now(),
    extra: Partial<EventEnvelope> = {},
  ): Promise<EventEnvelope> {
    this.seq += 1;
    const signed = await signEvent({
      event_id: randomUUID(),
      device_id: this.device_id,
      seq: this.seq,
      type,
      occurred_at: iso(at),
      store_id: this.store_id,
      staff_id: null,
      member_id: memberId,
      program_version: DEFAULT_PROGRAM.version,
      payload,
      prev_hash: this.prev,
      ...extra,
    } as never);
    this.prev = signed.hash;
    return signed;
  }

  async sync(
    events: unknown[] = [],
    extra: Record<string, unknown> = {},
  ): Promise<{ status: number; body: any }> {
    const res = await this.server.api(
      'POST',
      '/sync',
      {
        protocol: PROTOCOL_VERSION,
        device_id: this.device_id,
        events,
        cursor: this.cursor,
        ...extra,
      },
      this.token,
    );
    if (res.status === 200) this.cursor = res.body.cursor;
    return res;
  }

  /** Pulls until the server says there is no more. */
  async pullAll(): Promise<any[]> {
    const all: any[] = [];
    for (;;) {
      const res = await this.sync();
      if (res.status !== 200) throw new Error(JSON.stringify(res.body));
      all.push(...res.body.changes);
      if (!res.body.more) return all;
    }
  }
}

export function enrollment(
  card: string,
  code: string,
  extra: Partial<Payload<'member_enrolled'>> = {},
): Payload<'member_enrolled'> {
  return {
    card_number: card,
    referral_code: code,
    referred_by: null,
    birthday: null,
    name: 'Lee',
    phone: null,
    phone_hash: null,
    consent: true,
    ...extra,
  };
}

/** A purchase_recorded payload paid in full in money at 2 % (override what a test needs). */
export function purchase(
  id: string,
  amount: number,
  extra: Partial<Payload<'purchase_recorded'>> = {},
): Payload<'purchase_recorded'> {
  return {
    purchase_id: id,
    receipt_id: null,
    amount,
    lines: [],
    coupon_code: null,
    coupon_discount: 0,
    membership_discount: 0,
    points_redeemed: 0,
    amount_paid: amount,
    points_earned: Math.floor(amount / 50),
    stamps_added: 0,
    offline: false,
    ...extra,
  };
}
