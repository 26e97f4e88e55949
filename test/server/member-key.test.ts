/**
 * The member cache's key, a member's latest stored event read from the events (decision 0034):
 * an endpoint that holds a member sees what another endpoint on the same database (or `npm run
 * demo` against a running one) recorded for them, and forgets what a rolled-back writer read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../server/app';
import { memberRow, withWriter } from '../../server/ledger';
import { ADMIN_TOKEN, BACKENDS, startServer, type Running } from '../support/server';

describe.each(BACKENDS)('the member cache key on %s', (backend) => {
  let s: Running;
  let other: App;
  let otherBase: string;
  beforeAll(async () => {
    s = await startServer(backend);
    // A second endpoint on the same database, with a connection and a member cache of its own.
    other = await createApp(await s.connect());
    otherBase = `http://127.0.0.1:${await other.listen(0)}/api/v1`;
  });
  afterAll(async () => {
    await other.close();
    await s.close();
  });

  const sale = (amount: number) => ({
    store_id: 'store-1',
    amount,
    lines: [{ sku: 'beans', category: 'goods', quantity: 1, unit_price: amount }],
  });
  const points = async (id: string): Promise<number> =>
    (await s.api('GET', `/customers/${id}/points`)).body.total_points;

  it('sees a sale another endpoint recorded for a member it holds', async () => {
    const c = (await s.api('POST', '/customers', { name: 'Lee Hana', phone: '01055556666' })).body;
    const id = c.customer_id as string;
    expect((await s.api('POST', `/customers/${id}/purchases`, sale(50_000))).status).toBe(201);
    const before = await points(id);
    // The member is held by this endpoint now, under their latest event.
    const row = await memberRow(s.app.ctx.db, id);
    expect(s.app.ctx.cache.get(id, Number(row?.last_seq))).toBeDefined();

    const elsewhere = await fetch(`${otherBase}/customers/${id}/purchases`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(sale(100_000)),
    });
    expect(elsewhere.status, await elsewhere.clone().text()).toBe(201);
    const earned = ((await elsewhere.json()) as { points_earned: number }).points_earned;
    expect(earned).toBeGreaterThan(0);

    expect(await points(id)).toBe(before + earned);
    // And a sale here after it builds on both.
    const third = await s.api('POST', `/customers/${id}/purchases`, sale(20_000));
    expect(third.status).toBe(201);
    expect(third.body.balance_after).toBe(before + earned + third.body.points_earned);
  });

  it('forgets the members a rolled-back writer read', async () => {
    const c = (await s.api('POST', '/customers', { name: 'Park Jisu', phone: '01077778888' })).body;
    const id = c.customer_id as string;
    await points(id);
    const key = Number((await memberRow(s.app.ctx.db, id))?.last_seq);
    expect(s.app.ctx.cache.get(id, key)).toBeDefined();
    await expect(
      withWriter(s.app.ctx, async (w) => {
        const row = await w.member(id);
        expect(row).toBeDefined();
        await w.events(row as NonNullable<typeof row>);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(s.app.ctx.cache.get(id, key)).toBeUndefined();
    // Read again from the database, the same.
    expect(await points(id)).toBe(1_000);
  });
});
