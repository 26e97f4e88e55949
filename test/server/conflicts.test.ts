/**
 * The manager's conflicts list: what tills decided offline that collided. A conflict is marked
 * handled (with a note) and leaves the open list; it can be opened again. SQLite and PostgreSQL.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conflictsText } from '../../server/reports';
import { BACKENDS, TestDevice, purchase, startServer, type Running } from '../support/server';

describe.each(BACKENDS)('conflicts handled on %s', (backend) => {
  let s: Running;
  let conflict: { event_id: string; kind: string; member_id: string };
  beforeAll(async () => {
    s = await startServer(backend);
    // Two offline tills spend the same 1,000 sign-up points.
    const id = (await s.api('POST', '/customers', { name: 'Choi', phone: '010-6100-0001' })).body
      .customer_id as string;
    const tills = [
      await TestDevice.pair(s, 'store-1', 'cashier', 'Till 1'),
      await TestDevice.pair(s, 'store-1', 'cashier', 'Till 2'),
    ];
    for (const [i, till] of tills.entries()) {
      const sale = await till.event(
        'purchase_recorded',
        id,
        purchase(randomUUID(), 5_000, {
          points_redeemed: 1_000,
          amount_paid: 4_000,
          points_earned: 80,
          offline: true,
        }),
        Date.now() + 1_000 * (i + 1),
      );
      expect((await till.sync([sale])).body.acks[0].status).toBe('applied');
    }
    const open = (await s.api('GET', '/conflicts')).body.conflicts;
    expect(open).toHaveLength(1);
    conflict = open[0];
  });
  afterAll(async () => {
    await s.close();
  });

  const path = () => `/conflicts/${conflict.event_id}/${conflict.kind}`;
  const list = async (q = '') => (await s.api('GET', `/conflicts${q}`)).body.conflicts;

  it('lists the open conflicts; one marked handled leaves the list, and can be opened again', async () => {
    expect(conflict).toMatchObject({ kind: 'overdrawn', handled_at: null, handled_note: null });
    const handled = await s.api('PATCH', path(), {
      handled: true,
      note: '  Called Ms Choi: the debt is paid from her next points.  ',
    });
    expect(handled.status).toBe(200);
    expect(handled.body).toMatchObject({
      event_id: conflict.event_id,
      handled_at: expect.any(String),
      handled_note: 'Called Ms Choi: the debt is paid from her next points.',
    });
    expect(await list()).toEqual([]);
    expect(await list('?store_id=store-1')).toEqual([]);
    expect(await list('?status=all')).toEqual([
      expect.objectContaining({ event_id: conflict.event_id, handled_note: expect.any(String) }),
    ]);
    // The same from the shell (npm run admin -- conflicts [--status all]).
    expect(await conflictsText(s.app.ctx, 'store-1')).toBe('no open conflicts in store store-1');
    const all = (await conflictsText(s.app.ctx, null, 'all')).split('\n');
    expect(all[0]).toBe('1 conflict, newest first:');
    expect(all.at(-1)).toMatch(
      /^ {4}handled \d{4}-\S+: Called Ms Choi: the debt is paid from her next points\.$/,
    );
    // The member's own record still shows it: the ledger is not rewritten.
    const later = encodeURIComponent(new Date(Date.now() + 60_000).toISOString());
    const profile = await s.api('GET', `/customers/${conflict.member_id}?as_of=${later}`);
    expect(profile.body.conflicts).toBe(1);
    const reopened = await s.api('PATCH', path(), { handled: false });
    expect(reopened.body).toMatchObject({ handled_at: null, handled_note: null });
    expect(await list()).toHaveLength(1);
    expect((await conflictsText(s.app.ctx, null)).split('\n')[0]).toBe(
      '1 open conflict, newest first:',
    );
  });

  it('refuses what it cannot do, and says why', async () => {
    for (const body of [
      {},
      { handled: 'yes' },
      { handled: true, note: 'x'.repeat(501) },
      { handled: true, x: 1 },
    ]) {
      const res = await s.api('PATCH', path(), body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    expect(
      (await s.api('PATCH', `/conflicts/${conflict.event_id}/nope`, { handled: true })).status,
    ).toBe(404);
    for (const q of ['?status=closed', '?sort=new', '?store_id=']) {
      const res = await s.api('GET', `/conflicts${q}`);
      expect(res.status, q).toBe(400);
    }
    expect(await list()).toHaveLength(1);
  });
});
