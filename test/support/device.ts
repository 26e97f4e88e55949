/**
 * A device in tests: the real device store (Dexie on fake-indexeddb, one IndexedDB per device)
 * and the real sync client, talking to the real server over loopback. The network can be cut,
 * requests and responses dropped, and the clock moved.
 */
import { randomUUID } from 'node:crypto';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import {
  DeviceDb,
  correctedNow,
  memberStateOf,
  offlineContext,
  outboxCount,
  pairingRequest,
  programsOf,
  recordEvents,
  savePairing,
  type Draft,
} from '../../shared/storage';
import { SyncClient, type Fetch } from '../../shared/sync';
import {
  balanceOf,
  purchasePayload,
  quoteCheckout,
  quoteRefund,
  refundPayload,
  type Line,
  type Payload,
  type Quote,
} from '../../shared/rules';
import type { Running } from './server';

export type Fault = 'none' | 'offline' | 'drop_request' | 'drop_response' | 'duplicate';

export class DeviceUnderTest {
  fault: Fault = 'none';
  skewMs = 0;
  client: SyncClient;
  private idb: IDBFactory;
  db: DeviceDb;

  private constructor(
    private readonly name: string,
    idb: IDBFactory,
    readonly storeId: string,
  ) {
    this.idb = idb;
    this.db = new DeviceDb(name, { indexedDB: idb, IDBKeyRange });
    this.client = this.makeClient();
  }

  static async pair(
    server: Running,
    role: 'cashier' | 'kiosk' = 'cashier',
    store = 'store-1',
  ): Promise<DeviceUnderTest> {
    const made = await server.api('POST', '/devices', {
      store_id: store,
      role,
      name: `${role} under test`,
    });
    const paired = await server.api(
      'POST',
      '/devices/pair',
      { pairing_code: made.body.pairing_code },
      null,
    );
    if (paired.status !== 200) throw new Error(JSON.stringify(paired.body));
    const device = new DeviceUnderTest(`device-${randomUUID()}`, new IDBFactory(), store);
    await savePairing(device.db, server.base.replace(/\/api\/v1$/, ''), paired.body);
    return device;
  }

  /**
   * "Pair it again" (a new code from the admin), as the extension's options page does: the
   * request names the identity this device had and the ledger it last synced with.
   */
  async pairAgain(server: Running, role: 'cashier' | 'kiosk' = 'cashier'): Promise<void> {
    const made = await server.api('POST', '/devices', {
      store_id: this.storeId,
      role,
      name: `${role} paired again`,
    });
    const paired = await server.api(
      'POST',
      '/devices/pair',
      await pairingRequest(this.db, made.body.pairing_code),
      null,
    );
    if (paired.status !== 200) throw new Error(JSON.stringify(paired.body));
    await savePairing(this.db, server.base.replace(/\/api\/v1$/, ''), paired.body);
  }

  /** Syncs round after round until the outbox is empty or a sync fails (20 rounds at most). */
  async syncAll(): Promise<void> {
    for (let round = 0; round < 20; round += 1)
      if (!(await this.client.sync({ force: true })).ok || (await this.outbox()) === 0) return;
  }

  now = (): number => Date.now() + this.skewMs;

  private makeClient(): SyncClient {
    const faulty: Fetch = async (url, init) => {
      const fault = this.fault;
      if (fault === 'offline' || fault === 'drop_request')
        throw new TypeError('fetch failed: network is unreachable');
      const res = await fetch(url, init);
      if (fault === 'drop_response') {
        await res.arrayBuffer();
        throw new TypeError('fetch failed: connection reset');
      }
      if (fault === 'duplicate' && init.method === 'POST') {
        await res.arrayBuffer();
        return fetch(url, init);
      }
      return res;
    };
    return new SyncClient(this.db, { fetch: faulty, now: this.now, random: () => 0.5 });
  }

  /** The device process dies and starts again: same IndexedDB, new objects in memory. */
  restart(): void {
    this.db.close();
    this.db = new DeviceDb(this.db.name, { indexedDB: this.idb, IDBKeyRange });
    this.client = this.makeClient();
  }

  async record(drafts: Draft[]): Promise<void> {
    const programs = await programsOf(this.db);
    await recordEvents(this.db, drafts, await correctedNow(this.db, this.now()), programs.latest());
  }

  async enroll(extra: Partial<Payload<'member_enrolled'>> = {}): Promise<string> {
    const id = randomUUID();
    const tag = id.slice(0, 8);
    await this.record([
      {
        type: 'member_enrolled',
        member_id: id,
        staff_id: null,
        payload: {
          card_number: `card-${tag}`,
          referral_code: `R${tag}`.toUpperCase(),
          referred_by: null,
          birthday: null,
          name: 'Test',
          phone: null,
          phone_hash: null,
          consent: true,
          ...extra,
        },
      },
    ]);
    return id;
  }

  async state(memberId: string, at = this.now()) {
    return memberStateOf(this.db, memberId, at);
  }

  async balance(memberId: string, at = this.now()): Promise<number> {
    const programs = await programsOf(this.db);
    return balanceOf(await this.state(memberId, at), programs.at(at), at).total;
  }

  /** A checkout as the till does it: quote on the device's view (with offline caps), then record. */
  async sell(
    memberId: string,
    input: { amount?: number; lines?: Line[]; redeem_points?: number; coupon_code?: string | null },
  ): Promise<(Quote & { purchase_id: string }) | null> {
    const at = this.now();
    const programs = await programsOf(this.db);
    const program = programs.at(at);
    const lines = input.lines ?? [];
    const amount = input.amount ?? lines.reduce((s, l) => s + l.quantity * l.unit_price, 0);
    const q = quoteCheckout(
      await this.state(memberId, at),
      program,
      {
        ...input,
        amount,
        lines,
        store_id: this.storeId,
        offline: await offlineContext(this.db, memberId),
      },
      at,
    );
    if (!q.ok) return null;
    const purchaseId = randomUUID();
    await this.record([
      {
        type: 'purchase_recorded',
        member_id: memberId,
        staff_id: null,
        payload: purchasePayload(
          q.value,
          { purchase_id: purchaseId },
          lines,
          (await offlineContext(this.db, memberId)) !== null,
        ),
        occurred_at: at,
      },
    ]);
    return { ...q.value, purchase_id: purchaseId };
  }

  async refund(memberId: string, purchaseId: string, amount?: number): Promise<boolean> {
    const at = this.now();
    const programs = await programsOf(this.db);
    const q = quoteRefund(
      await this.state(memberId, at),
      programs.at(at),
      amount === undefined ? { purchase_id: purchaseId } : { purchase_id: purchaseId, amount },
      at,
    );
    if (!q.ok) return false;
    const f = q.value;
    await this.record([
      {
        type: 'purchase_refunded',
        member_id: memberId,
        staff_id: null,
        occurred_at: at,
        payload: refundPayload(randomUUID(), f),
      },
    ]);
    return true;
  }

  outbox(): Promise<number> {
    return outboxCount(this.db);
  }
}
