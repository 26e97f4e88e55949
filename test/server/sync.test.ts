/** POST /sync against the real server, on SQLite and on PostgreSQL, with test devices. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BACKENDS,
  TestDevice,
  enrollment,
  purchase,
  startServer,
  type Running,
} from '../support/server';
import { hashPinSync } from '../../shared/protocol';
import type { Payload } from '../../shared/rules';
import { conflictsText, devicesText } from '../../server/reports';
import { renewLedgerId, RESTORED_AT, writeMeta } from '../../server/context';

describe.each(BACKENDS)('sync on %s', (backend) => {
  let s: Running;
  let till: TestDevice;
  let kiosk: TestDevice;
  beforeAll(async () => {
    s = await startServer(backend);
    till = await TestDevice.pair(s, 'store-1', 'cashier', 'Till');
    kiosk = await TestDevice.pair(s, 'store-1', 'kiosk', 'Kiosk');
  });
  afterAll(async () => {
    await s.close();
  });

  async function member(
    device: TestDevice = till,
    extra: Partial<Payload<'member_enrolled'>> = {},
  ): Promise<string> {
    const id = randomUUID();
    const tag = id.slice(0, 8);
    const res = await device.sync([
      await device.event(
        'member_enrolled',
        id,
        enrollment(`card-${tag}`, `R${tag}`, {
          name: 'Choi Yuna',
          phone: '01055556666'.slice(0, 3) + tag.replace(/\D/g, '1').padEnd(8, '7').slice(0, 8),
          ...extra,
        }),
      ),
    ]);
    expect(res.body.acks[0], JSON.stringify(res.body)).toMatchObject({ status: 'applied' });
    return id;
  }

  it('applies events, answers duplicates as duplicates, and pulls them after the cursor', async () => {
    const id = await member();
    const e = await till.event(
      'purchase_recorded',
      id,
      purchase(randomUUID(), 30_000, { points_earned: 1_200 }),
    );
    const first = await till.sync([e]);
    expect(first.body.acks).toEqual([{ event_id: e.event_id, status: 'applied' }]);
    // Where the till's chain ends here, and which ledger this is (decision 0027).
    expect(first.body.device_seq).toBe(e.seq);
    const ledger = await s.app.ctx.db.get<{ value: string }>(
      `SELECT value FROM meta WHERE key = 'ledger_id'`,
    );
    expect(first.body.ledger_id).toBe(ledger?.value);
    expect(first.body.ledger_id).toMatch(/^[0-9a-f-]{36}$/);
    const again = await till.sync([e]);
    expect(again.body.acks).toEqual([{ event_id: e.event_id, status: 'duplicate' }]);
    expect((await s.api('GET', `/customers/${id}/points`)).body.total_points).toBe(2_200);
    const reader = await TestDevice.pair(s, 'store-1', 'cashier', 'Reader');
    const changes = await reader.pullAll();
    expect(changes.map((c) => c.event.event_id)).toContain(e.event_id);
    const seqs = changes.map((c) => c.server_seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });

  it('refuses events that do not continue the device chain, without advancing it', async () => {
    const id = await member();
    const gap = await till.event('feedback_given', id, { score: 9, comment: null }, Date.now(), {
      seq: till.seq + 5,
    });
    till.seq -= 1; // the gap event was never accepted: the next one reuses its number
    till.prev =
      (
        await s.app.ctx.db.get<{ last_hash: string }>(
          `SELECT last_hash FROM devices WHERE device_id = ?`,
          [till.device_id],
        )
      )?.last_hash ?? till.prev;
    const refused = await till.sync([gap]);
    expect(refused.body.acks[0]).toMatchObject({ status: 'rejected', reason: 'seq_gap' });
    // The answer says where the device's chain ends here (a device restoring sends from there).
    expect(refused.body.device_seq).toBe(till.seq);
    const broken = await till.event('feedback_given', id, { score: 9, comment: null }, Date.now(), {
      prev_hash: 'a'.repeat(64),
    });
    expect((await till.sync([broken])).body.acks[0]).toMatchObject({
      status: 'rejected',
      reason: 'chain_broken',
    });
    till.seq -= 1;
    till.prev =
      (
        await s.app.ctx.db.get<{ last_hash: string }>(
          `SELECT last_hash FROM devices WHERE device_id = ?`,
          [till.device_id],
        )
      )?.last_hash ?? till.prev;
    const good = await till.event('feedback_given', id, { score: 9, comment: 'ok' });
    const tampered = { ...good, payload: { score: 10, comment: 'ok' } };
    expect((await till.sync([tampered])).body.acks[0]).toMatchObject({
      status: 'rejected',
      reason: 'bad_hash',
    });
    expect((await till.sync([good])).body.acks[0]).toMatchObject({ status: 'applied' });
  });

  it('keeps the chain going past a business rejection', async () => {
    const id = await member(kiosk);
    const sale = await kiosk.event('purchase_recorded', id, purchase(randomUUID(), 10_000));
    const feedback = await kiosk.event('feedback_given', id, {
      score: 10,
      comment: 'friendly staff',
    });
    const res = await kiosk.sync([sale, feedback]);
    expect(
      res.body.acks.map((a: { status: string; reason?: string }) => [a.status, a.reason]),
    ).toEqual([
      ['rejected', 'forbidden_for_role'],
      ['applied', undefined],
    ]);
    expect((await s.api('GET', `/customers/${id}/points`)).body.total_points).toBe(1_000);
    // The same push again (its response was lost): the same verdicts, not "duplicate".
    const again = await kiosk.sync([sale, feedback]);
    expect(
      again.body.acks.map((a: { status: string; reason?: string }) => [a.status, a.reason]),
    ).toEqual([
      ['rejected', 'forbidden_for_role'],
      ['duplicate', undefined],
    ]);
  });

  it('refuses an enrollment whose member id, card number or referral code is taken, stored or in the same batch', async () => {
    const first = await member();
    const profile = (await s.api('GET', `/customers/${first}`)).body;
    const card = profile.card_number as string;
    const code = profile.referral_code as string;
    const enroll = (id: string, c: string, r: string) =>
      till.event('member_enrolled', id, enrollment(c, r));
    const fresh = randomUUID().slice(0, 8);
    const batch = [
      await enroll(first, `card-${fresh}-a`, `A${fresh}`),
      await enroll(randomUUID(), card, `B${fresh}`),
      await enroll(randomUUID(), `card-${fresh}-c`, code),
      await enroll(randomUUID(), `card-${fresh}-d`, `D${fresh}`),
      await enroll(randomUUID(), `card-${fresh}-e`, `D${fresh}`),
      await enroll(randomUUID(), `card-${fresh}-d`, `F${fresh}`),
    ];
    const res = await till.sync(batch);
    expect(
      res.body.acks.map((a: { status: string; reason?: string }) => [a.status, a.reason]),
    ).toEqual([
      ['rejected', 'member_exists'],
      ['rejected', 'card_in_use'],
      ['rejected', 'card_in_use'],
      ['applied', undefined],
      ['rejected', 'card_in_use'],
      ['rejected', 'card_in_use'],
    ]);
  });

  it('keeps a second enrollment of a phone number, without the number, flagged; the till syncs on', async () => {
    // The same customer enrolled twice offline (at this till, and once through the API).
    const phone = `010${String(Date.now()).slice(-8)}`;
    // Another number: the last digit changed (a fixed digit matched it one run in ten).
    const other = `${phone.slice(0, -1)}${(Number(phone.at(-1)) + 1) % 10}`;
    // The web shop sends the international form, and a till of an older build did too: one
    // number however it is written (the program's phone rule: +82 10... is 010...).
    const international = (national: string) => `+82 ${national.slice(1)}`;
    const web = await s.api('POST', '/customers', { name: 'Han', phone: international(other) });
    expect(web.status).toBe(201);
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    const tag = a.slice(0, 8);
    const batch = [
      await till.event('member_enrolled', a, enrollment(`card-${tag}-a`, `A${tag}`, { phone })),
      await till.event(
        'member_enrolled',
        b,
        enrollment(`card-${tag}-b`, `B${tag}`, { phone: `+82${phone.slice(1)}` }),
      ),
      await till.event(
        'member_enrolled',
        c,
        enrollment(`card-${tag}-c`, `C${tag}`, { phone: other }),
      ),
      // Its first purchase: twice the points.
      await till.event(
        'purchase_recorded',
        b,
        purchase(randomUUID(), 10_000, { points_earned: 400 }),
      ),
    ];
    const res = await till.sync(batch);
    expect(res.status).toBe(200);
    const flag = (p: string) => [{ field: 'payload.phone', recorded: p, expected: null }];
    expect(
      res.body.acks.map((x: { status: string; flags?: unknown }) => [x.status, x.flags]),
    ).toEqual([
      ['applied', undefined],
      ['applied', flag(`+82${phone.slice(1)}`)],
      ['applied', flag(other)],
      ['applied', undefined],
    ]);
    // The phone finds the first member of each number; the second keeps its sale.
    expect((await s.api('GET', `/customers/lookup?phone=${phone}`)).body.customer_id).toBe(a);
    expect((await s.api('GET', `/customers/lookup?phone=${other}`)).body.customer_id).toBe(
      web.body.customer_id,
    );
    const lookup = (typed: string) => `/customers/lookup?phone=${encodeURIComponent(typed)}`;
    expect((await s.api('GET', lookup(international(phone)))).body.customer_id).toBe(a);
    expect((await s.api('GET', `/customers/${b}/points`)).body.total_points).toBe(1_000 + 400);
    // And the till goes on syncing.
    const next = await till.sync([
      await till.event('feedback_given', a, { score: 8, comment: null }),
    ]);
    expect(next.body.acks[0].status).toBe('applied');
  });

  it('refuses writes for another store, device or the future, and unknown members', async () => {
    const id = await member();
    const otherStore = await till.event(
      'feedback_given',
      id,
      { score: 5, comment: null },
      Date.now(),
      { store_id: 'store-9' },
    );
    const future = await till.event(
      'feedback_given',
      id,
      { score: 5, comment: null },
      Date.now() + 3_600_000,
    );
    const nobody = await till.event('feedback_given', randomUUID(), { score: 5, comment: null });
    const res = await till.sync([otherStore, future, nobody]);
    expect(res.body.acks.map((a: { reason: string }) => a.reason)).toEqual([
      'wrong_store',
      'occurred_in_future',
      'unknown_member',
    ]);
    const foreign = { ...(await kiosk.event('feedback_given', id, { score: 5, comment: null })) };
    kiosk.seq -= 1;
    kiosk.prev =
      (
        await s.app.ctx.db.get<{ last_hash: string }>(
          `SELECT last_hash FROM devices WHERE device_id = ?`,
          [kiosk.device_id],
        )
      )?.last_hash ?? kiosk.prev;
    expect((await till.sync([foreign])).body.acks[0]).toMatchObject({
      status: 'rejected',
      reason: 'wrong_device',
    });
    const impostor = await s.api(
      'POST',
      '/sync',
      { protocol: 1, device_id: kiosk.device_id, events: [], cursor: 0 },
      till.token,
    );
    expect(impostor.status).toBe(403);
  });

  it('keeps a member PIN enrolled at a device for PIN checks, and sends it to no device', async () => {
    const id = await member(till, { pin_hash: hashPinSync('8642') });
    expect((await s.api('POST', `/customers/${id}/pin/verify`, { pin: '8642' })).status).toBe(200);
    expect((await s.api('POST', `/customers/${id}/pin/verify`, { pin: '8641' })).status).toBe(422);
    const reader = await TestDevice.pair(s, 'store-1', 'cashier', 'PIN reader');
    const enrolled = (await reader.pullAll()).find((c) => c.member_id === id);
    expect(enrolled.event.payload.pin_hash).toBeNull();
  });

  it('flags numbers the rules disagree with, and keeps the event as recorded', async () => {
    const id = await member();
    const greedy = await till.event(
      'purchase_recorded',
      id,
      purchase(randomUUID(), 10_000, { points_earned: 9_999 }),
    );
    const ack = (await till.sync([greedy])).body.acks[0];
    expect(ack.status).toBe('applied');
    expect(ack.flags).toEqual([{ field: 'points_earned', recorded: 9_999, expected: 400 }]);
    expect((await s.api('GET', `/customers/${id}/points`)).body.total_points).toBe(1_000 + 9_999);
  });

  it('resolves a purchase recorded against a card number the till had not seen', async () => {
    const id = await member();
    const card = (await s.api('GET', `/customers/${id}`)).body.card_number;
    const e = await till.event(
      'purchase_recorded',
      `card:${card}`,
      purchase(randomUUID(), 20_000, { points_earned: 800, offline: true }),
    );
    expect((await till.sync([e])).body.acks[0].status).toBe('applied');
    expect((await s.api('GET', `/customers/${id}/points`)).body.total_points).toBe(1_800);
  });

  it('keeps both offline redemptions of the same points: a debt and a conflict for the manager', async () => {
    const id = await member();
    const other = await TestDevice.pair(s, 'store-1', 'cashier', 'Till 2');
    const a = await till.event(
      'purchase_recorded',
      id,
      purchase(randomUUID(), 5_000, {
        points_redeemed: 1_000,
        amount_paid: 4_000,
        points_earned: 80,
        offline: true,
      }),
      Date.now() + 1_000,
    );
    const b = await other.event(
      'purchase_recorded',
      id,
      purchase(randomUUID(), 3_000, {
        points_redeemed: 1_000,
        amount_paid: 2_000,
        points_earned: 40,
        offline: true,
      }),
      Date.now() + 2_000,
    );
    expect((await till.sync([a])).body.acks[0].status).toBe('applied');
    expect((await other.sync([b])).body.acks[0].status).toBe('applied');
    const later = encodeURIComponent(new Date(Date.now() + 60_000).toISOString());
    const points = (await s.api('GET', `/customers/${id}/points?as_of=${later}`)).body;
    // a spent the 1,000 signup points and earned 80; b found 80 and left a debt of 920, which
    // its own 40 points paid down to 880.
    expect(points).toMatchObject({ total_points: -880, debt: 880 });
    const conflicts = (await s.api('GET', '/conflicts')).body.conflicts.filter(
      (c: { member_id: string }) => c.member_id === id,
    );
    expect(conflicts).toEqual([
      expect.objectContaining({ kind: 'overdrawn', event_id: b.event_id, points: 920 }),
    ]);

    // The owner reads the same from the shell (npm run admin -- conflicts / devices).
    const card = (await s.api('GET', `/customers/${id}`)).body.card_number as string;
    const text = await conflictsText(s.app.ctx, 'store-1');
    const entry = text.split('\n').findIndex((l) => l.includes(`card ${card}`));
    expect(entry).toBeGreaterThan(0);
    expect(text.split('\n').slice(entry, entry + 3)).toEqual([
      expect.stringMatching(
        new RegExp(`  store-1  overdrawn  920 points  card ${card} \\(Choi Yuna\\)$`),
      ),
      '    redeemed 920 points more than the balance held: a debt',
      `    member ${id}, event ${b.event_id}`,
    ]);
    expect(await conflictsText(s.app.ctx, 'store-9')).toBe('no open conflicts in store store-9');
    // A sale through the REST API goes on the store's server chain, which is not a device.
    const sale = await s.api('POST', `/customers/${id}/purchases`, {
      store_id: 'store-1',
      amount: 10_000,
    });
    expect(sale.status).toBe(201);
    // A till that only pulls has synced, and has sent nothing.
    const reader = await TestDevice.pair(s, 'store-1', 'cashier', 'Reader');
    expect((await reader.sync([])).status).toBe(200);
    const devices = (await devicesText(s.app.ctx, 'store-1')).split('\n');
    expect(devices[0]).toMatch(
      /^store +role +name +paired +last sync +events +latest event received +device$/,
    );
    const cells = (deviceId: string) =>
      devices.find((l) => l.includes(deviceId))?.split(/ {2,}/) ?? [];
    const recent = (text: string | undefined) =>
      Date.parse(text ?? '') > Date.now() - 60_000 && Date.parse(text ?? '') <= Date.now();
    const row = cells(other.device_id);
    expect(row.slice(0, 3)).toEqual(['store-1', 'cashier', 'Till 2']);
    expect(row[3]).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(recent(row[4])).toBe(true);
    expect(row[5]).toBe('1');
    expect(recent(row[6])).toBe(true);
    const pulled = cells(reader.device_id);
    expect(recent(pulled[4])).toBe(true);
    expect(pulled.slice(5, 7)).toEqual(['0', '-']);
    expect(devices.some((l) => l.startsWith('store-1  server'))).toBe(false);
  });

  it('stops a removed member of staff at the next sync; what a manager approved before stands', async () => {
    const manager = (
      await s.api('POST', '/staff', {
        store_id: 'store-1',
        name: 'Departing manager',
        pin: '97531',
        role: 'manager',
      })
    ).body.staff_id as string;
    const listed = (await s.api('GET', '/staff?store_id=store-1')).body.staff;
    expect(listed).toContainEqual({
      staff_id: manager,
      store_id: 'store-1',
      name: 'Departing manager',
      role: 'manager',
      created_at: expect.any(String),
    });
    expect(listed.filter((x: object) => 'pin_hash' in x)).toEqual([]);
    const id = await member();
    const adjust = (at: number) =>
      till.event(
        'points_adjusted',
        id,
        { points: 500, reason: 'goodwill', approved_by: manager },
        at,
      );
    // Approved at the till (offline) a minute ago, while the manager was on the staff.
    const before = await adjust(Date.now() - 60_000);
    const removed = await s.api('DELETE', `/staff/${manager}`);
    expect(removed.body).toEqual({ staff_id: manager, removed_at: expect.any(String) });
    expect((await s.api('DELETE', `/staff/${manager}`)).status).toBe(404);
    expect(
      (await s.api('GET', '/staff?store_id=store-1')).body.staff.map(
        (x: { staff_id: string }) => x.staff_id,
      ),
    ).not.toContain(manager);
    const after = await adjust(Date.now() + 1_000);
    const res = await till.sync([before, after]);
    expect(
      res.body.acks.map((a: { status: string; reason?: string }) => [a.status, a.reason]),
    ).toEqual([
      ['applied', undefined],
      ['rejected', 'forbidden_for_role'],
    ]);
    expect(res.body.staff.map((x: { staff_id: string }) => x.staff_id)).not.toContain(manager);
    expect((await s.api('GET', `/customers/${id}/points`)).body.total_points).toBe(1_000 + 500);
  });

  it('gives a kiosk masked personal data and newer program versions', async () => {
    const id = await member(till, { name: 'Hong Gildong', phone: '01077778888' });
    const changes = await kiosk.pullAll();
    const mine = changes.find((c) => c.member_id === id);
    expect(mine.event.payload).toMatchObject({ name: 'H***********', phone: null });
    const tillView = (await TestDevice.pair(s, 'store-1', 'cashier', 'Viewer')).pullAll();
    expect((await tillView).find((c) => c.member_id === id).event.payload.phone).toBe(
      '01077778888',
    );
    const current = (await s.api('GET', '/program')).body;
    await s.api('PUT', '/program', { ...current, signup_bonus: 1_500 });
    const res = await kiosk.sync([], { program_version: current.version });
    expect(res.body.program_version).toBe(current.version + 1);
    expect(
      res.body.programs.map((p: { program: { version: number } }) => p.program.version),
    ).toEqual([current.version + 1]);
  });

  it('pages a pull with limit and more', async () => {
    const reader = await TestDevice.pair(s, 'store-1', 'cashier', 'Pager');
    const first = await reader.sync([], { limit: 2 });
    expect(first.body.changes.length).toBeLessThanOrEqual(2);
    expect(first.body.more).toBe(true);
    const rest = await reader.pullAll();
    const all = [...first.body.changes, ...rest].map((c) => c.server_seq);
    expect(new Set(all).size).toBe(all.length);
  });

  it("hands a device one member's events by card, member code or phone, as a pull would", async () => {
    const id = await member(till, {
      name: 'Kang Minji',
      phone: '01031415926',
      pin_hash: hashPinSync('2718'),
    });
    const sale = await till.event('purchase_recorded', id, purchase(randomUUID(), 20_000));
    const refused = await till.event('purchase_recorded', randomUUID(), purchase(randomUUID(), 1));
    expect(
      (await till.sync([sale, refused])).body.acks.map((a: { status: string }) => a.status),
    ).toEqual(['applied', 'rejected']);
    const card = (await s.api('GET', `/customers/${id}`)).body.card_number as string;
    const newcomer = await TestDevice.pair(s, 'store-1', 'cashier', 'Newcomer');
    const pulled = (await newcomer.pullAll()).filter((c) => c.member_id === id);
    expect(pulled.map((c) => c.event.type)).toEqual(['member_enrolled', 'purchase_recorded']);
    const code = pulled[0].event.payload.referral_code as string;
    const ledger = (await newcomer.sync([])).body.ledger_id as string;
    expect(ledger).toMatch(/^[0-9a-f-]{36}$/);
    for (const q of [card, ` ${card} `, code, '010-3141-5926', '+82 10 3141 5926']) {
      const res = await s.api(
        'GET',
        `/sync/member?q=${encodeURIComponent(q)}`,
        undefined,
        newcomer.token,
      );
      expect(res.status, q).toBe(200);
      expect(res.body, q).toEqual({ member_id: id, changes: pulled, ledger_id: ledger });
    }
    expect(pulled[0].event.payload.pin_hash).toBeNull();
    const masked = await s.api('GET', `/sync/member?q=${card}`, undefined, kiosk.token);
    expect(masked.body.changes[0].event.payload).toMatchObject({ name: 'K*********', phone: null });
    // A kiosk is a public screen: there a phone number finds a member only with the PIN.
    const byPhone = await s.api('GET', '/sync/member?q=01031415926', undefined, kiosk.token);
    expect(byPhone.status).toBe(404);
    for (const [q, status] of [
      ['no-such-card', 404],
      ['010-0000-0001', 404],
      ['', 400],
      ['x'.repeat(101), 400],
    ] as const) {
      const res = await s.api('GET', `/sync/member?q=${q}`, undefined, newcomer.token);
      expect(res.status, q).toBe(status);
      expect(res.body.error.code).toBe(status === 404 ? 'not_found' : 'invalid_input');
    }
  });

  it('hands a device a member by phone number and PIN, once the PIN is right, limited as the PIN check', async () => {
    const id = await member(till, {
      name: 'Yoon Jia',
      phone: '01027182818',
      pin_hash: hashPinSync('1618'),
    });
    await member(till, { name: 'Lim Dana', phone: '01014142135' }); // no PIN
    const ask = (body: unknown, token = kiosk.token) => s.api('POST', '/sync/member', body, token);
    const right = await ask({ phone: '010 2718 2818', pin: '1618' });
    expect(right.status).toBe(200);
    const card = (await s.api('GET', `/customers/${id}`)).body.card_number as string;
    expect(right.body).toEqual(
      (await s.api('GET', `/sync/member?q=${card}`, undefined, kiosk.token)).body,
    );
    expect(right.body.changes[0].event.payload).toMatchObject({
      name: 'Y*******',
      phone: null,
      pin_hash: null,
    });
    const wrong = await ask({ phone: '01027182818', pin: '0000' });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error).toMatchObject({ code: 'pin_wrong', details: { attempts_left: 4 } });
    expect(wrong.body.changes).toBeUndefined();
    expect((await ask({ phone: '01014142135', pin: '1234' })).body.error.code).toBe('pin_not_set');
    expect((await ask({ phone: '01000000000', pin: '1234' })).status).toBe(404);
    for (const bad of [
      { phone: '01027182818' },
      { phone: 'x', pin: '1618' },
      { phone: '01027182818', pin: '12' },
    ])
      expect((await ask(bad)).status, JSON.stringify(bad)).toBe(400);
    // The same five tries as POST /customers/{id}/pin/verify, counted together: then locked.
    for (let i = 0; i < 3; i += 1)
      expect((await ask({ phone: '01027182818', pin: '0000' })).status).toBe(422);
    const locked = await s.api('POST', `/customers/${id}/pin/verify`, { pin: '0000' });
    expect(locked.status).toBe(429);
    expect((await ask({ phone: '01027182818', pin: '1618' })).body.error.code).toBe('pin_locked');
  });

  it('soon after a restore, keeps out of the chain an event naming a member it lacks', async () => {
    const waiter = await TestDevice.pair(s, 'store-1', 'cashier', 'Waiter');
    const enroller = await TestDevice.pair(s, 'store-1', 'cashier', 'Enroller');
    const lee = randomUUID();
    const sale = await waiter.event(
      'purchase_recorded',
      lee,
      purchase(randomUUID(), 30_000, { points_earned: 1_200 }),
    );
    const after = await waiter.event('feedback_given', lee, { score: 9, comment: null });
    // Marked restored (npm run admin -- restored) a minute ago.
    await writeMeta(s.app.ctx.db, RESTORED_AT, String(Date.now() - 60_000));
    try {
      const first = await waiter.sync([sale, after]);
      expect(first.body.acks).toEqual([
        expect.objectContaining({ status: 'rejected', reason: 'awaiting_other_device' }),
        expect.objectContaining({ status: 'rejected', reason: 'seq_gap' }),
      ]);
      // Not stored, and the chain still ends before it.
      expect(first.body.device_seq).toBe(0);
      expect(
        await s.app.ctx.db.get(`SELECT 1 AS one FROM events WHERE event_id = ?`, [sale.event_id]),
      ).toBeUndefined();
      // The other till sends the member; the same events, sent again, are applied.
      const tag = lee.slice(0, 8);
      const enrolled = await enroller.sync([
        await enroller.event('member_enrolled', lee, enrollment(`card-${tag}`, `R${tag}`)),
      ]);
      expect(enrolled.body.acks[0]).toMatchObject({ status: 'applied' });
      const again = await waiter.sync([sale, after]);
      expect(again.body.acks.map((a: { status: string }) => a.status)).toEqual([
        'applied',
        'applied',
      ]);
      expect(again.body.device_seq).toBe(2);
      // A refund of a sale the ledger lacks waits the same way.
      const refund = await waiter.event('purchase_refunded', lee, {
        refund_id: randomUUID(),
        purchase_id: randomUUID(),
        amount: 1_000,
        lines: [],
        amount_refunded: 1_000,
        points_reversed: 20,
        points_restored: 0,
        coupon_restored: false,
        stamps_removed: 0,
      });
      expect((await waiter.sync([refund])).body.acks[0]).toMatchObject({
        reason: 'awaiting_other_device',
      });
    } finally {
      await s.app.ctx.db.run(`DELETE FROM meta WHERE key = 'restored_at'`);
    }
  });

  it('tells a device paired again how far it holds the chain of its former identity', async () => {
    const former = await TestDevice.pair(s, 'store-1', 'cashier', 'Former');
    await member(former);
    await member(former);
    const code = async (): Promise<string> =>
      (await s.api('POST', '/devices', { store_id: 'store-1', role: 'cashier', name: 'Again' }))
        .body.pairing_code;
    const pairWith = async (previous: unknown, pairing_code?: string) =>
      s.api(
        'POST',
        '/devices/pair',
        { pairing_code: pairing_code ?? (await code()), previous },
        null,
      );
    const ledger = s.app.ctx.ledgerId;
    // This ledger (or a restored copy of it): the seq of the former identity's last event here.
    const same = await pairWith({ device_id: former.device_id, ledger_id: ledger });
    expect(same.status).toBe(200);
    expect(same.body).toMatchObject({
      ledger_id: ledger,
      previous: { device_id: former.device_id, held_seq: 2 },
    });
    // A device this ledger never knew (paired after the backup it was restored from): nothing.
    expect((await pairWith({ device_id: 'gone-device', ledger_id: ledger })).body.previous).toEqual(
      { device_id: 'gone-device', held_seq: 0 },
    );
    // Another shop's ledger, or a device that never synced: no answer, so it sends again nothing
    // it had synced.
    for (const ledger_id of [randomUUID(), null]) {
      const other = await pairWith({ device_id: former.device_id, ledger_id });
      expect(other.status).toBe(200);
      expect(other.body).not.toHaveProperty('previous');
    }
    // Bad input is refused with the field named, and the code is not used up by it.
    for (const bad of [
      { device_id: former.device_id },
      { ...{ device_id: 'x', ledger_id: null }, extra: 1 },
    ]) {
      const unused = await code();
      const refused = await pairWith(bad, unused);
      expect(refused.status).toBe(400);
      expect(JSON.stringify(refused.body.error)).toContain('previous');
      expect((await pairWith(undefined, unused)).status).toBe(200);
    }
  });

  it('goes on after a server restart: the chain, duplicates and the cursor hold', async () => {
    const id = await member();
    const e = await till.event('feedback_given', id, { score: 8, comment: null });
    const before = await till.sync([e]);
    expect(before.body.acks[0].status).toBe('applied');
    // Meanwhile the owner marks the ledger restored (npm run admin -- restored): once the
    // endpoint is back, its answers carry the new ledger id.
    s = await s.restart(async () => {
      const db = await s.connect();
      try {
        await renewLedgerId(db);
      } finally {
        await db.close();
      }
    });
    till = new TestDevice(s, till.token, till.device_id, till.store_id);
    Object.assign(till, { seq: e.seq, prev: e.hash });
    kiosk = new TestDevice(s, kiosk.token, kiosk.device_id, kiosk.store_id);
    Object.assign(kiosk, {
      seq: Number(
        (
          await s.app.ctx.db.get<{ last_seq: number }>(
            `SELECT last_seq FROM devices WHERE device_id = ?`,
            [kiosk.device_id],
          )
        )?.last_seq,
      ),
      prev: (
        await s.app.ctx.db.get<{ last_hash: string }>(
          `SELECT last_hash FROM devices WHERE device_id = ?`,
          [kiosk.device_id],
        )
      )?.last_hash,
    });
    const after = await till.sync([e]);
    expect(after.body.acks[0].status).toBe('duplicate');
    expect(after.body.ledger_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(after.body.ledger_id).not.toBe(before.body.ledger_id);
    expect(after.body.device_seq).toBe(e.seq);
    const next = await till.event('feedback_given', id, { score: 9, comment: null });
    expect((await till.sync([next])).body.acks[0].status).toBe('applied');
    // Marked restored, the ledger holds back events naming unknown members for two days
    // (decision 0030): not what the tests after this one are about.
    await s.app.ctx.db.run(`DELETE FROM meta WHERE key = 'restored_at'`);
  });
});
