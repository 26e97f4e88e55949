/** The device store and sync client against the real server (SQLite), devices on fake-indexeddb. */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceUnderTest } from '../support/device';
import { startServer, type Running } from '../support/server';
import { GENESIS_HASH, hashEventSync, type EventEnvelope } from '../../shared/protocol';
import { MAX_POINTS } from '../../shared/rules';
import {
  deviceOf,
  memberByPhoneHash,
  outboxCount,
  phoneHashesAsWritten,
  programsOf,
  rejectedEvents,
  syncStateOf,
} from '../../shared/storage';
import { BACKOFF_MAX_MS, SyncClient, backoffDelay } from '../../shared/sync';
import { restoreSqlite } from '../../server/restore';
import { RESTORE_CATCH_UP_MS } from '../../server/context';
import { statusOf } from '../../extension/src/status';

let s: Running;
beforeAll(async () => {
  s = await startServer('sqlite');
});
afterAll(async () => {
  await s.close();
});

const serverBalance = async (id: string, at?: number): Promise<number> => {
  const q = at === undefined ? '' : `?as_of=${encodeURIComponent(new Date(at).toISOString())}`;
  return (await s.api('GET', `/customers/${id}/points${q}`)).body.total_points;
};

/** An endpoint of a test's own on a SQLite file, its nightly backup, and the two ways back. */
class BackedUp {
  private readonly dir = mkdtempSync(join(tmpdir(), 'loyalty-backup-'));
  private readonly backup = join(this.dir, 'backup.db');

  private constructor(public server: Running) {}

  /** Runs `fn` with an endpoint of its own on SQLite, closed (and its backup removed) after. */
  static async with(fn: (own: BackedUp) => Promise<void>): Promise<void> {
    const own = new BackedUp(await startServer('sqlite'));
    try {
      await fn(own);
    } finally {
      await own.close();
    }
  }

  /** The nightly backup (npm run admin -- backup). */
  async takeBackup(): Promise<void> {
    await this.server.app.ctx.db.run(`VACUUM INTO ?`, [this.backup]);
  }

  /** The disk is lost: the backup goes back with the restore command, or copied by hand. */
  async restore(how: 'command' | 'by hand' = 'command'): Promise<void> {
    const file = this.server.file as string;
    this.server = await this.server.restart(async () => {
      if (how === 'command') {
        await restoreSqlite(file, this.backup);
        return;
      }
      for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
      copyFileSync(this.backup, file);
    });
  }

  async points(memberId: string): Promise<number> {
    return (await this.server.api('GET', `/customers/${memberId}/points`)).body.total_points;
  }

  async close(): Promise<void> {
    await this.server.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

describe('device store and sync client', () => {
  it('chains what it records and syncs it; the server then says what the device showed', async () => {
    const till = await DeviceUnderTest.pair(s);
    const id = await till.enroll();
    const sale = await till.sell(id, { amount: 56_789 });
    expect(sale?.points_earned).toBe(2_271);
    expect(await till.balance(id)).toBe(3_271);
    const rows = await till.db.outbox.orderBy('seq').toArray();
    expect(rows.map((r) => r.seq)).toEqual([1, 2]);
    expect(rows[0]?.event.prev_hash).toBe(GENESIS_HASH);
    expect(rows[1]?.event.prev_hash).toBe(rows[0]?.event.hash);
    for (const r of rows) expect(hashEventSync(r.event as EventEnvelope)).toBe(r.event.hash);

    const outcome = await till.client.sync();
    expect(outcome).toMatchObject({ ok: true, pushed: 2 });
    expect(await till.outbox()).toBe(0);
    expect(await serverBalance(id)).toBe(3_271);
    expect(await till.balance(id)).toBe(3_271);
    // The member came back from the server: the device's view is now the server's events.
    expect((await till.db.members.get(id))?.events.length).toBe(2);
  });

  it('keeps selling offline, backs off with jitter, and catches up when the endpoint is back', async () => {
    const till = await DeviceUnderTest.pair(s);
    const id = await till.enroll();
    await till.client.sync();
    till.fault = 'offline';
    await till.sell(id, { amount: 10_000 });
    const first = await till.client.sync();
    expect(first).toMatchObject({ ok: false, reason: 'offline' });
    const state = await syncStateOf(till.db);
    expect(state.offline_since).not.toBeNull();
    expect(state.backoff_until - till.now()).toBeGreaterThan(0);
    expect((await till.client.sync()).ok).toBe(false); // still backing off: no request made
    await till.sell(id, { amount: 20_000 });
    expect(await till.outbox()).toBe(2);
    till.fault = 'none';
    expect(await till.client.sync({ force: true })).toMatchObject({ ok: true, pushed: 2 });
    expect(await till.outbox()).toBe(0);
    expect(await serverBalance(id)).toBe(await till.balance(id));
    expect((await syncStateOf(till.db)).offline_since).toBeNull();
  });

  it("drops staff the endpoint removed from the till's list at its next sync, down to none", async () => {
    await s.api('POST', '/stores', { store_id: 'store-staff', name: 'Staff store' });
    const made = await s.api('POST', '/staff', {
      store_id: 'store-staff',
      name: 'Leaving',
      pin: '86420',
      role: 'cashier',
    });
    const till = await DeviceUnderTest.pair(s, 'cashier', 'store-staff');
    const staff = async () =>
      ((await till.db.device.get('self'))?.staff ?? []).map((x) => x.staff_id);
    expect(await staff()).toEqual([made.body.staff_id]);
    expect((await s.api('DELETE', `/staff/${made.body.staff_id}`)).status).toBe(200);
    expect(await till.client.sync()).toMatchObject({ ok: true });
    // The store has no staff left: the till keeps none (an empty list is news too).
    expect(await staff()).toEqual([]);
  });

  it('grows the backoff from about a second to at most ten minutes', () => {
    expect([1, 2, 3].map((n) => backoffDelay(n, () => 0))).toEqual([500, 1_000, 2_000]);
    expect([1, 2, 3].map((n) => backoffDelay(n, () => 1))).toEqual([1_000, 2_000, 4_000]);
    expect(backoffDelay(40, () => 1)).toBe(BACKOFF_MAX_MS);
  });

  it('pauses on 401 and keeps the outbox', async () => {
    const till = await DeviceUnderTest.pair(s);
    const id = await till.enroll();
    await s.app.ctx.db.run(
      `UPDATE tokens SET revoked_at = 'now' WHERE device_id = (SELECT device_id FROM devices ORDER BY created_at DESC LIMIT 1)`,
    );
    const outcome = await till.client.sync();
    expect(outcome).toMatchObject({ ok: false, reason: 'unauthorized' });
    expect((await syncStateOf(till.db)).paused).toBe('unauthorized');
    expect(await till.outbox()).toBe(1);
    expect(await till.balance(id)).toBe(1_000);
  });

  it('paired again after its token was revoked, sends what it had not synced and records on', async () => {
    const till = await DeviceUnderTest.pair(s);
    const kim = await till.enroll();
    await till.record([
      {
        type: 'points_adjusted',
        member_id: kim,
        staff_id: null,
        payload: { points: 500, reason: 'nobody approved this', approved_by: 'nobody' },
      },
    ]);
    await till.client.sync();
    expect(await rejectedEvents(till.db)).toHaveLength(1);
    await s.app.ctx.db.run(
      `UPDATE tokens SET revoked_at = 'now' WHERE device_id = (SELECT device_id FROM devices ORDER BY created_at DESC LIMIT 1)`,
    );
    // Still selling while the endpoint refuses the token: a sale, and a new member.
    const sale = await till.sell(kim, { amount: 20_000 });
    const lee = await till.enroll();
    expect(await till.client.sync()).toMatchObject({ ok: false, reason: 'unauthorized' });
    expect(await till.outbox()).toBe(2);

    // "Pair it again": a new pairing code, a new identity. The endpoint holds all it confirmed,
    // so only the two unsynced events go.
    await till.pairAgain(s);
    expect(await till.outbox()).toBe(2);
    expect((await syncStateOf(till.db)).restored).toBeNull();
    expect(await till.client.sync()).toMatchObject({ ok: true, pushed: 2, rejected: 0 });
    expect(await serverBalance(kim)).toBe(1_000 + (sale?.points_earned ?? -1));
    expect(await serverBalance(lee)).toBe(1_000);
    // The old rejection is still listed, and the till records and syncs on.
    expect(await rejectedEvents(till.db)).toEqual([
      expect.objectContaining({ reason: 'forbidden_for_role' }),
    ]);
    await till.sell(lee, { amount: 10_000 });
    expect(await till.client.sync()).toMatchObject({ ok: true, pushed: 1, rejected: 0 });
    expect(await till.outbox()).toBe(0);
  });

  it('records nothing the endpoint would refuse as malformed, and the chain goes on', async () => {
    const till = await DeviceUnderTest.pair(s);
    const before = await outboxCount(till.db);
    // A phone the events' schema refuses: once pushed, the member would exist on this till only.
    await expect(till.enroll({ phone: '010+98' })).rejects.toMatchObject({
      name: 'StorageError',
      code: 'invalid_event',
      message: 'member_enrolled not recorded: payload.phone: must be 6-15 digits',
    });
    // A batch with one bad event records none of it.
    const id = await till.enroll();
    const good = {
      type: 'feedback_given' as const,
      member_id: id,
      staff_id: null,
      payload: { score: 9, comment: null },
    };
    await expect(
      till.record([good, { ...good, payload: { score: 11, comment: null } }]),
    ).rejects.toMatchObject({ code: 'invalid_event' });
    // U+0000 (pasted into a comment), which the endpoint refuses in any text.
    await expect(
      till.record([{ ...good, payload: { score: 9, comment: 'fine\u0000' } }]),
    ).rejects.toMatchObject({
      code: 'invalid_event',
      message: 'feedback_given not recorded: text may not contain the NUL character (U+0000)',
    });
    expect(await outboxCount(till.db)).toBe(before + 1); // the enrollment only
    await till.record([good]);
    await till.client.sync();
    expect(await outboxCount(till.db)).toBe(0);
    expect(await rejectedEvents(till.db)).toEqual([]);
    expect(await serverBalance(id)).toBe(1_000);
  });

  it('keeps a rejected event, shows why, and leaves it out of the balance', async () => {
    const till = await DeviceUnderTest.pair(s);
    const id = await till.enroll();
    await till.record([
      {
        type: 'points_adjusted',
        member_id: id,
        staff_id: null,
        payload: { points: 50_000, reason: 'no manager approved this', approved_by: 'nobody' },
      },
    ]);
    expect(await till.balance(id)).toBe(51_000);
    await till.client.sync();
    const rejected = await rejectedEvents(till.db);
    expect(rejected).toEqual([
      expect.objectContaining({
        status: 'rejected',
        reason: 'forbidden_for_role',
        message: expect.stringContaining('manager'),
      }),
    ]);
    expect(await till.balance(id)).toBe(1_000);
    expect(await serverBalance(id)).toBe(1_000);
  });

  it('lets two offline tills spend the same points: both kept, a debt and a conflict, and both views equal the server', async () => {
    const a = await DeviceUnderTest.pair(s);
    const b = await DeviceUnderTest.pair(s);
    const id = await a.enroll();
    await a.sell(id, { amount: 200_000 }); // first purchase: 8,000 -> 9,000 points
    await a.client.sync();
    await b.client.sync();
    expect(await b.balance(id)).toBe(9_000);
    a.fault = 'offline';
    b.fault = 'offline';
    await a.client.sync();
    await b.client.sync();
    expect(await a.sell(id, { amount: 8_000, redeem_points: 8_000 })).not.toBeNull();
    b.skewMs = 1_000;
    expect(await b.sell(id, { amount: 7_000, redeem_points: 7_000 })).not.toBeNull();
    a.fault = 'none';
    b.fault = 'none';
    await a.client.sync({ force: true });
    await b.client.sync({ force: true });
    await a.client.sync({ force: true });
    const later = Date.now() + 10_000;
    expect(await serverBalance(id, later)).toBe(-6_000);
    expect(await a.balance(id, later)).toBe(-6_000);
    expect(await b.balance(id, later)).toBe(-6_000);
    const conflicts = (await s.api('GET', '/conflicts')).body.conflicts.filter(
      (c: { member_id: string }) => c.member_id === id,
    );
    expect(conflicts).toEqual([expect.objectContaining({ kind: 'overdrawn', points: 6_000 })]);
  });

  it('survives a lost response and a duplicated push: nothing lost, nothing counted twice', async () => {
    const till = await DeviceUnderTest.pair(s);
    const id = await till.enroll();
    await till.sell(id, { amount: 30_000 });
    till.fault = 'drop_response';
    expect((await till.client.sync()).ok).toBe(false);
    expect(await till.outbox()).toBe(2); // the server has them; the device does not know yet
    till.fault = 'duplicate';
    expect((await till.client.sync({ force: true })).ok).toBe(true);
    till.fault = 'none';
    expect(await till.outbox()).toBe(0);
    expect(await serverBalance(id)).toBe(1_000 + 1_200);
    expect(await till.balance(id)).toBe(2_200);
  });

  it('survives the device dying between recording and pushing', async () => {
    const till = await DeviceUnderTest.pair(s);
    const id = await till.enroll();
    await till.sell(id, { amount: 40_000 });
    till.restart();
    expect(await till.outbox()).toBe(2);
    await till.client.sync();
    expect(await serverBalance(id)).toBe(2_600);
  });

  it('reads a program version an older build stored beyond a bound added since: the endpoint starts, a till syncs it', async () => {
    const till = await DeviceUnderTest.pair(s, 'cashier');
    expect(await till.client.sync()).toMatchObject({ ok: true });
    const current = (await s.api('GET', '/program')).body;
    const version = current.version + 1;
    // Published before decision 0016 bounded the points figures: a signup bonus of 2^53 - 1.
    await s.app.ctx.db.run(
      `INSERT INTO programs (version, definition, effective_from_ms, published_at) VALUES (?, ?, ?, ?)`,
      [
        version,
        JSON.stringify({ ...current, version, signup_bonus: 2 ** 53 - 1 }),
        Date.now(),
        new Date().toISOString(),
      ],
    );
    s = await s.restart();
    expect((await s.api('GET', '/program')).body).toMatchObject({
      version,
      signup_bonus: MAX_POINTS,
    });
    expect(await till.client.sync({ force: true })).toMatchObject({ ok: true });
    expect((await programsOf(till.db)).latest()).toMatchObject({
      version,
      signup_bonus: MAX_POINTS,
    });
    // A till that stored that version before it was updated to this build reads it too: before,
    // every quote and sale of the till failed on its own stored program.
    await till.db.programs.put({
      version,
      definition: { ...current, version, signup_bonus: 2 ** 53 - 1 },
      effective_from: Date.now(),
    });
    expect((await programsOf(till.db)).latest().signup_bonus).toBe(MAX_POINTS);
  });

  it('finds a member stored before the shop changed its phone rule, and knows the number is taken', async () => {
    const own = await startServer('sqlite');
    try {
      const publish = async (change: (p: Record<string, unknown>) => void) => {
        const program = (await own.api('GET', '/program')).body as Record<string, unknown>;
        change(program);
        expect((await own.api('PUT', '/program', program)).status).toBe(200);
      };
      // Without a phone rule a number is kept as typed: this member's hash is of +821060607070.
      await publish((p) => delete p.phone);
      const web = await own.api('POST', '/customers', { name: 'Yoon', phone: '+82 10 6060 7070' });
      expect(web.status).toBe(201);
      await publish((p) => (p.phone = { country_code: '82', national_prefix: '0' }));
      const till = await DeviceUnderTest.pair(own, 'cashier');
      expect(await till.client.sync()).toMatchObject({ ok: true });
      // Paired after the change, the till still holds every version, each from when it took effect.
      const held = (await programsOf(till.db)).versions();
      expect(held.map((p) => p.version)).toEqual([1, 2, 3]);
      expect((await programsOf(till.db)).at(Date.now() - 86_400_000).version).toBe(1);
      const key = (await deviceOf(till.db)).phone_key;
      // Typed the national way (the rule in force writes it 01060607070, a hash no member has).
      const hashes = await phoneHashesAsWritten(till.db, key, '010-6060-7070');
      expect(hashes).toHaveLength(2);
      expect(await memberByPhoneHash(till.db, hashes.slice(0, 1))).toBeNull();
      expect(await memberByPhoneHash(till.db, hashes)).toBe(web.body.customer_id);
      expect(
        await memberByPhoneHash(till.db, await phoneHashesAsWritten(till.db, key, '010-6060-7071')),
      ).toBeNull();
    } finally {
      await own.close();
    }
  });

  it('fetches a member it has not pulled yet from the endpoint, and the pull that reaches them adds nothing twice', async () => {
    const first = await DeviceUnderTest.pair(s);
    const kang = await first.enroll({ phone: '01098765432' });
    await first.sell(kang, { amount: 40_000 });
    await first.sell(kang, { amount: 12_000 });
    expect(await first.client.sync()).toMatchObject({ ok: true, pushed: 3 });
    const card = (await first.db.members.get(kang))?.card_number as string;
    // A till paired this morning has pulled nothing yet (in a shop with a long history that
    // takes minutes): the cashier types Kang's card number.
    const fresh = await DeviceUnderTest.pair(s);
    expect(await fresh.db.members.get(kang)).toBeUndefined();
    expect(await fresh.client.fetchMember(` ${card} `)).toEqual({ found: true, member_id: kang });
    expect((await fresh.db.members.get(kang))?.events.map((e) => e.type)).toEqual([
      'member_enrolled',
      'purchase_recorded',
      'purchase_recorded',
    ]);
    expect(await fresh.balance(kang)).toBe(await serverBalance(kang));
    expect((await syncStateOf(fresh.db)).cursor).toBe(0);
    // By phone too, and the till sells to Kang before its first pull.
    expect(await fresh.client.fetchMember('010-9876-5432')).toEqual({
      found: true,
      member_id: kang,
    });
    expect(await fresh.sell(kang, { amount: 25_000 })).not.toBeNull();
    // Its sync then pulls the whole ledger: Kang's events are there once each.
    expect(await fresh.client.sync()).toMatchObject({ ok: true, pushed: 1, rejected: 0 });
    const ids = (await fresh.db.members.get(kang))?.events.map((e) => e.event_id) ?? [];
    expect(ids).toHaveLength(4);
    expect(new Set(ids).size).toBe(4);
    expect(await fresh.balance(kang)).toBe(await serverBalance(kang));
    // Nobody by that number there either: answered, nothing stored. Offline: not asked.
    expect(await fresh.client.fetchMember('card-nobody-has')).toEqual({
      found: false,
      answered: true,
      status: 404,
      code: 'not_found',
    });
    fresh.fault = 'offline';
    expect(await fresh.client.fetchMember(card)).toEqual({
      found: false,
      answered: false,
      status: 0,
    });
    // An endpoint from before this route answers 404 "no endpoint ...": not an answer, so the
    // till still syncs once and looks again, as it did with that endpoint.
    const older = new SyncClient(fresh.db, {
      fetch: (url, init) => fetch(url.replace('/sync/member', '/sync/member-unknown'), init),
    });
    expect(await older.fetchMember(card)).toMatchObject({
      found: false,
      answered: false,
      status: 404,
    });
  });

  it('fetches a member by phone and PIN for a kiosk, masked, only with the right PIN', async () => {
    const { hashPinSync } = await import('../../shared/protocol');
    const till = await DeviceUnderTest.pair(s);
    const han = await till.enroll({
      name: 'Han Sora',
      phone: '01033334444',
      pin_hash: hashPinSync('4321'),
    });
    await till.sell(han, { amount: 30_000 });
    expect(await till.client.sync()).toMatchObject({ ok: true, pushed: 2 });
    const kiosk = await DeviceUnderTest.pair(s, 'kiosk');
    expect(await kiosk.client.fetchMember({ phone: '010-3333-4444', pin: '1234' })).toMatchObject({
      found: false,
      answered: true,
      status: 422,
      code: 'pin_wrong',
    });
    expect(await kiosk.db.members.get(han)).toBeUndefined();
    // A kiosk finds no one by a phone number alone.
    expect(await kiosk.client.fetchMember('01033334444')).toMatchObject({
      found: false,
      status: 404,
    });
    expect(await kiosk.client.fetchMember({ phone: '010-3333-4444', pin: '4321' })).toEqual({
      found: true,
      member_id: han,
    });
    const row = await kiosk.db.members.get(han);
    expect(row?.name).toBe('H*******');
    expect(row?.events.map((e) => e.type)).toEqual(['member_enrolled', 'purchase_recorded']);
    expect(await kiosk.balance(han)).toBe(await serverBalance(han));
  });

  it('fetches no member from an endpoint restored since its last sync until that sync', async () => {
    await BackedUp.with(async (own) => {
      const till = await DeviceUnderTest.pair(own.server);
      const kim = await till.enroll();
      expect(await till.client.sync()).toMatchObject({ ok: true, pushed: 1 });
      await own.takeBackup();
      await own.restore();
      const reader = await DeviceUnderTest.pair(own.server);
      expect(await reader.client.sync()).toMatchObject({ ok: true });
      await reader.db.members.clear();
      const card = (await till.db.members.get(kim))?.card_number as string;
      // The restored endpoint numbers its events anew; the reader knows the new ledger, the
      // till still the old one.
      expect(await reader.client.fetchMember(card)).toEqual({ found: true, member_id: kim });
      await till.db.members.clear();
      expect(await till.client.fetchMember(card)).toEqual({
        found: false,
        answered: false,
        status: 0,
      });
      expect(await till.db.members.get(kim)).toBeUndefined();
      expect(await till.client.sync()).toMatchObject({ ok: true });
      expect(await till.client.fetchMember(card)).toEqual({ found: true, member_id: kim });
    });
  });

  it('sends again what an endpoint restored from a backup lost, without pairing again (restore command)', async () => {
    await BackedUp.with(async (own) => {
      const till = await DeviceUnderTest.pair(own.server);
      const kiosk = await DeviceUnderTest.pair(own.server, 'kiosk');
      const kim = await till.enroll();
      await till.sell(kim, { amount: 30_000 });
      expect(await till.client.sync()).toMatchObject({ ok: true, pushed: 2 });
      await own.takeBackup();
      // After the backup: a sale for Kim, and a new member with a sale, all confirmed; the
      // kiosk pulls them.
      await till.sell(kim, { amount: 50_000 });
      const lee = await till.enroll();
      await till.sell(lee, { amount: 20_000 });
      expect(await till.client.sync()).toMatchObject({ ok: true, pushed: 3 });
      expect(await till.outbox()).toBe(0);
      expect(await kiosk.client.sync()).toMatchObject({ ok: true });
      const kimBefore = await own.points(kim);
      const leeBefore = await own.points(lee);
      expect(await kiosk.balance(kim)).toBe(kimBefore);
      // The disk is lost; the owner restores the backup with the restore command.
      await own.restore();
      expect(await own.points(kim)).toBeLessThan(kimBefore);
      expect((await own.server.api('GET', `/customers/${lee}/points`)).status).toBe(404);
      // The kiosk syncs first (nothing to push): it finds a new ledger and pulls afresh, so it
      // no longer shows the sale the endpoint lost.
      expect(await kiosk.client.sync()).toMatchObject({ ok: true });
      expect(await kiosk.balance(kim)).toBe(await own.points(kim));
      expect(await kiosk.db.members.get(lee)).toBeUndefined();
      // The till sells again and syncs, not paired again: the three events the backup lacks go
      // again, in their order, then the new sale.
      const next = await till.sell(kim, { amount: 10_000 });
      const outcome = await till.client.sync();
      expect(outcome).toMatchObject({ ok: true, rejected: 1 }); // the new sale, seq_gap at first
      expect(await till.outbox()).toBe(0);
      expect((await syncStateOf(till.db)).restored).toMatchObject({ resent: 3 });
      expect(await rejectedEvents(till.db)).toEqual([]);
      const kimNow = await own.points(kim);
      expect(kimNow).toBe(kimBefore + (next?.points_earned ?? -1));
      expect(await own.points(lee)).toBe(leeBefore);
      expect(await till.balance(kim)).toBe(kimNow);
      // Every device of the store shows what the endpoint holds again.
      expect(await kiosk.client.sync()).toMatchObject({ ok: true });
      expect(await kiosk.balance(kim)).toBe(kimNow);
      expect(await kiosk.balance(lee)).toBe(leeBefore);
      expect((await syncStateOf(kiosk.db)).restored).toMatchObject({ resent: 0 });
    });
  });

  /**
   * Before the backup Kim enrolls and buys at till A. After it, Lee enrolls at till A and buys
   * twice at till B; Kim buys twice at till B and returns the first at till A. Then the endpoint
   * is restored, and the tills sync in the order given.
   */
  async function lostDay(own: BackedUp) {
    const a = await DeviceUnderTest.pair(own.server);
    const b = await DeviceUnderTest.pair(own.server);
    const kim = await a.enroll();
    await a.sell(kim, { amount: 20_000 });
    expect(await a.client.sync()).toMatchObject({ ok: true, pushed: 2 });
    await own.takeBackup();
    const lee = await a.enroll();
    await a.client.sync();
    await b.client.sync();
    await b.sell(lee, { amount: 30_000 });
    const kimSale = await b.sell(kim, { amount: 40_000 });
    await b.sell(lee, { amount: 12_000 });
    await b.sell(kim, { amount: 15_000 });
    expect(await b.client.sync()).toMatchObject({ ok: true, pushed: 4 });
    await a.client.sync();
    expect(await a.refund(kim, kimSale?.purchase_id ?? '?')).toBe(true);
    expect(await a.client.sync()).toMatchObject({ ok: true, pushed: 1 });
    const before = { kim: await own.points(kim), lee: await own.points(lee) };
    await own.restore();
    return { a, b, kim, lee, before };
  }

  /**
   * Everything is sent, nothing refused, and the ledger is what it was before the loss (with
   * what was recorded since).
   */
  async function allBack(own: BackedUp, day: Awaited<ReturnType<typeof lostDay>>) {
    await day.b.syncAll();
    await day.a.syncAll();
    for (const till of [day.a, day.b]) {
      expect(await till.outbox()).toBe(0);
      expect(await rejectedEvents(till.db)).toEqual([]);
      expect((await statusOf(till.db)).awaiting).toEqual({ count: 0, message: null });
    }
    expect(await own.points(day.kim)).toBe(day.before.kim);
    expect(await own.points(day.lee)).toBe(day.before.lee);
  }

  it('after a restore, a sale for a member another till enrolled waits; the rest of the till goes on', async () => {
    await BackedUp.with(async (own) => {
      const day = await lostDay(own);
      const { a, b, kim, lee } = day;
      // Till B syncs first: Lee is not on the restored ledger yet, so Lee's two sales wait on
      // the till; Kim's, recorded between and after them, go through. Nothing is refused.
      expect(await b.client.sync()).toMatchObject({ ok: true });
      expect(await rejectedEvents(b.db)).toEqual([]);
      const waiting = await b.db.outbox.where('status').equals('pending').sortBy('seq');
      // In the order they were recorded (a member's records never pass each other).
      expect(
        waiting.map((r) => [r.member_id, r.reason, (r.event.payload as { amount: number }).amount]),
      ).toEqual([
        [lee, 'awaiting_other_device', 30_000],
        [lee, 'awaiting_other_device', 12_000],
      ]);
      expect(waiting[0]?.message).toContain('restored from a backup');
      const kimSales = (await b.db.outbox.where('member_id').equals(kim).toArray()).map(
        (r) => r.status,
      );
      expect(kimSales).toEqual(['synced', 'synced']);
      // The till's status bar says two records wait for another device, and why.
      expect((await statusOf(b.db)).awaiting).toEqual({
        count: 2,
        message: expect.stringContaining(`no member ${lee}`),
      });
      // What B records meanwhile does not wait behind them either.
      const later = await b.sell(kim, { amount: 8_000 });
      day.before.kim += later?.points_earned ?? Number.NaN;
      expect(await b.client.sync()).toMatchObject({ ok: true });
      expect(await b.outbox()).toBe(2);
      // Till A sends Lee again, and the refund of B's sale of Kim, which B has sent: nothing
      // waits on A.
      expect(await a.client.sync()).toMatchObject({ ok: true });
      expect(await a.outbox()).toBe(0);
      await allBack(own, day);
      expect(await b.db.outbox.where('member_id').equals(kim).count()).toBe(3);
    });
  });

  it("after a restore, a refund of a sale another till made waits for that till's sale", async () => {
    await BackedUp.with(async (own) => {
      const day = await lostDay(own);
      const { a } = day;
      // Till A syncs first: Lee's enrollment goes; the refund waits for B's sale of Kim.
      expect(await a.client.sync()).toMatchObject({ ok: true });
      expect(await a.outbox()).toBe(1);
      expect(await a.db.outbox.where('status').equals('pending').first()).toMatchObject({
        reason: 'awaiting_other_device',
      });
      expect(await rejectedEvents(a.db)).toEqual([]);
      await allBack(own, day);
    });
  });

  it('refuses a sale for an unknown member as before once the restore is two days old', async () => {
    await BackedUp.with(async (own) => {
      const a = await DeviceUnderTest.pair(own.server);
      const b = await DeviceUnderTest.pair(own.server);
      await own.takeBackup();
      const lee = await a.enroll();
      await a.client.sync();
      await b.client.sync();
      await b.sell(lee, { amount: 30_000 });
      await b.client.sync();
      await own.restore();
      // Till A never comes back; two days on, till B's sale is refused, listed, and B goes on.
      await own.server.app.ctx.db.run(`UPDATE meta SET value = ? WHERE key = 'restored_at'`, [
        String(Date.now() - RESTORE_CATCH_UP_MS - 60_000),
      ]);
      await b.syncAll();
      expect(await b.outbox()).toBe(0);
      expect(await rejectedEvents(b.db)).toEqual([
        expect.objectContaining({ reason: 'unknown_member' }),
      ]);
    });
  });

  it('finds an endpoint restored by hand (the ledger unchanged) from its own confirmed events', async () => {
    await BackedUp.with(async (own) => {
      const till = await DeviceUnderTest.pair(own.server);
      const kim = await till.enroll();
      expect(await till.client.sync()).toMatchObject({ ok: true, pushed: 1 });
      await own.takeBackup();
      await till.sell(kim, { amount: 40_000 });
      expect(await till.client.sync()).toMatchObject({ ok: true, pushed: 1 });
      const before = await own.points(kim);
      await own.restore('by hand');
      expect(await own.points(kim)).toBeLessThan(before);
      // Nothing new to push: the endpoint's end of the chain (seq 1) is before the sale the till
      // had confirmed (seq 2), so the sale goes again.
      expect(await till.client.sync()).toMatchObject({ ok: true });
      expect((await syncStateOf(till.db)).restored).toMatchObject({ resent: 1 });
      expect(await own.points(kim)).toBe(before);
      expect(await till.balance(kim)).toBe(before);
    });
  });

  it("follows an endpoint restored from a backup once paired again: its view is the endpoint's", async () => {
    await BackedUp.with(async (own) => {
      const till = await DeviceUnderTest.pair(own.server);
      const kim = await till.enroll();
      await till.sell(kim, { amount: 30_000 });
      expect(await till.client.sync()).toMatchObject({ ok: true, pushed: 2 });
      // The nightly backup (npm run admin -- backup), then a sale that reaches the endpoint.
      await own.takeBackup();
      await till.sell(kim, { amount: 50_000 });
      expect(await till.client.sync()).toMatchObject({ ok: true, pushed: 1 });
      const before = await till.balance(kim);
      // The disk is lost: the endpoint is restored from the backup by hand (README "Backups").
      await own.restore('by hand');
      expect(await own.points(kim)).toBeLessThan(before);
      // Offline meanwhile, the till sells once more; then it is paired again. The endpoint
      // holds its former chain up to the backup, so the sale it lost goes again with the new one.
      till.fault = 'offline';
      const offline = await till.sell(kim, { amount: 10_000 });
      till.fault = 'none';
      await till.pairAgain(own.server);
      expect((await syncStateOf(till.db)).restored).toMatchObject({ resent: 1 });
      expect(await till.outbox()).toBe(2);
      await till.syncAll();
      expect(await till.outbox()).toBe(0);
      const server = await own.points(kim);
      expect(server).toBe(before + (offline?.points_earned ?? -1));
      // The till shows what the endpoint holds, and a sale after it comes back from the
      // endpoint like any other.
      expect(await till.balance(kim)).toBe(server);
      const next = await till.sell(kim, { amount: 20_000 });
      expect(await till.client.sync({ force: true })).toMatchObject({ ok: true, pushed: 1 });
      await till.client.sync({ force: true });
      expect((await till.db.members.get(kim))?.events.map((e) => e.event_id)).toContain(
        (await till.db.outbox.orderBy('seq').last())?.event_id,
      );
      expect(await till.balance(kim)).toBe(server + (next?.points_earned ?? -1));
      expect(await own.points(kim)).toBe(server + (next?.points_earned ?? -1));
    });
  });

  it('gets back what a till paired after the backup had synced, once it is paired again', async () => {
    await BackedUp.with(async (own) => {
      const first = await DeviceUnderTest.pair(own.server);
      const kim = await first.enroll();
      expect(await first.client.sync()).toMatchObject({ ok: true, pushed: 1 });
      await own.takeBackup();
      // A till added to the shop after the nightly backup: it enrolls a member and sells.
      const added = await DeviceUnderTest.pair(own.server);
      const lee = await added.enroll();
      await added.sell(kim, { amount: 40_000 });
      await added.sell(lee, { amount: 25_000 });
      expect(await added.client.sync()).toMatchObject({ ok: true, pushed: 3 });
      const kimBefore = await own.points(kim);
      const leeBefore = await own.points(lee);
      // The disk is lost; the owner restores the backup with the restore command. The endpoint
      // does not know the new till any more: it must be paired again.
      await own.restore();
      expect((await own.server.api('GET', `/customers/${lee}/points`)).status).toBe(404);
      expect(await added.client.sync()).toMatchObject({ ok: false, reason: 'unauthorized' });
      await added.pairAgain(own.server);
      // Its three synced events are pending again, under its new identity, and it says so.
      expect(await added.outbox()).toBe(3);
      expect((await syncStateOf(added.db)).restored).toMatchObject({ resent: 3 });
      // Paired once more before it syncs (a code typed for the wrong till, say): nothing lost.
      await added.pairAgain(own.server);
      expect(await added.outbox()).toBe(3);
      expect((await syncStateOf(added.db)).restored).toMatchObject({ resent: 3 });
      await added.syncAll();
      expect(await added.outbox()).toBe(0);
      expect(await rejectedEvents(added.db)).toEqual([]);
      expect(await own.points(kim)).toBe(kimBefore);
      expect(await own.points(lee)).toBe(leeBefore);
      expect(await added.balance(lee)).toBe(leeBefore);
      // The till paired before the backup follows by itself, and sees the same.
      await first.syncAll();
      await first.client.sync({ force: true });
      expect(await first.balance(kim)).toBe(kimBefore);
    });
  });

  it('sends nothing it had synced to another ledger when paired with another endpoint', async () => {
    await BackedUp.with(async (own) => {
      const till = await DeviceUnderTest.pair(own.server);
      const kim = await till.enroll();
      await till.sell(kim, { amount: 40_000 });
      expect(await till.client.sync()).toMatchObject({ ok: true, pushed: 2 });
      till.fault = 'offline';
      await till.enroll();
      till.fault = 'none';
      // Moved to the shared test endpoint, a ledger of its own: only the unsynced enrollment goes.
      await till.pairAgain(s);
      expect(await till.outbox()).toBe(1);
      expect((await syncStateOf(till.db)).restored).toBeNull();
      expect(await till.client.sync()).toMatchObject({ ok: true, pushed: 1, rejected: 0 });
      expect((await s.api('GET', `/customers/${kim}/points`)).status).toBe(404);
    });
  });
});
