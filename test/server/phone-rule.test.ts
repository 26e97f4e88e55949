/**
 * One number, one member, across a change of the program's phone rule (decision 0014): a member
 * stored under an earlier rule is found, and not enrolled twice, by the number written the way
 * the rule in force writes it. On SQLite and on PostgreSQL.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { phoneHashOf } from '../../shared/protocol';
import { BACKENDS, TestDevice, enrollment, startServer, type Running } from '../support/server';

describe.each(BACKENDS)('a change of phone rule on %s', (backend) => {
  let s: Running;
  let till: TestDevice;
  let kiosk: TestDevice;
  beforeAll(async () => {
    s = await startServer(backend, { syncThreads: 0 });
    till = await TestDevice.pair(s, 'store-1', 'cashier', 'Till');
    kiosk = await TestDevice.pair(s, 'store-1', 'kiosk', 'Kiosk');
  });
  afterAll(async () => {
    await s.close();
  });

  const lookup = (typed: string) =>
    s.api('GET', `/customers/lookup?phone=${encodeURIComponent(typed)}`);
  const publish = async (change: (program: Record<string, unknown>) => void) => {
    const program = (await s.api('GET', '/program')).body as Record<string, unknown>;
    change(program);
    const res = await s.api('PUT', '/program', program);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  };

  it('finds members stored before the shop had a rule, and refuses them a second time', async () => {
    // The shop starts without a phone rule: numbers are kept as typed.
    await publish((p) => delete p.phone);
    const web = await s.api('POST', '/customers', { name: 'Park', phone: '+82 10 5555 6666' });
    expect(web.status).toBe(201);
    expect(web.body.phone).toBe('+821055556666');
    const [tillMember, kioskMember] = [randomUUID(), randomUUID()];
    const first = await till.sync([
      await till.event(
        'member_enrolled',
        tillMember,
        enrollment('card-rule-1', 'RULE1', { phone: '+821077778888' }),
      ),
    ]);
    expect(first.body.acks[0]).toMatchObject({ status: 'applied' });
    // A kiosk holds only the hash of the number, under the rule it knew.
    const phoneKey = s.app.ctx.phoneKey;
    const kioskHash = phoneHashOf(phoneKey, '+821033334444');
    const kioskSync = await kiosk.sync([
      await kiosk.event(
        'member_enrolled',
        kioskMember,
        enrollment('card-rule-2', 'RULE2', { phone_hash: kioskHash }),
      ),
    ]);
    expect(kioskSync.body.acks[0]).toMatchObject({ status: 'applied' });

    // Then the owner sets Korea's rule: numbers are written the national way from now on.
    await publish((p) => (p.phone = { country_code: '82', national_prefix: '0' }));
    // The members stored the international way are found typed either way.
    for (const typed of ['+82 10 5555 6666', '010-5555-6666', '0082 10 5555 6666'])
      expect((await lookup(typed)).body.customer_id, typed).toBe(web.body.customer_id);
    expect((await lookup('010 7777 8888')).body.customer_id).toBe(tillMember);
    // The owner's member search finds them by the whole number typed the new way.
    const search = await s.api('GET', `/customers?q=${encodeURIComponent('010-5555-6666')}`);
    expect(search.body.items.map((i: { customer_id: string }) => i.customer_id)).toEqual([
      web.body.customer_id,
    ]);
    expect((await lookup('010 3333 4444')).body.customer_id).toBe(kioskMember);
    // And none of them can be enrolled again, through the API or from a till.
    for (const phone of ['010-5555-6666', '+82 10 7777 8888', '01033334444']) {
      const again = await s.api('POST', '/customers', { name: 'Again', phone });
      expect(again.status, phone).toBe(409);
    }
    const twice = randomUUID();
    const second = await till.sync([
      await till.event(
        'member_enrolled',
        twice,
        enrollment('card-rule-3', 'RULE3', { phone: '01055556666' }),
      ),
      await till.event(
        'member_enrolled',
        randomUUID(),
        enrollment('card-rule-4', 'RULE4', { phone: '01033334444' }),
      ),
    ]);
    expect(second.body.acks.map((a: { flags?: unknown }) => a.flags)).toEqual([
      [{ field: 'payload.phone', recorded: '01055556666', expected: null }],
      [{ field: 'payload.phone', recorded: '01033334444', expected: null }],
    ]);
    // The second enrollment stands (its card still works); the number finds the first member.
    expect((await lookup('01055556666')).body.customer_id).toBe(web.body.customer_id);
    expect((await s.api('GET', `/customers/${twice}`)).status).toBe(200);
    // A number no version has: a new member, stored the way the rule in force writes it.
    const fresh = await s.api('POST', '/customers', { name: 'New', phone: '+82 10 1212 3434' });
    expect(fresh.status).toBe(201);
    expect(fresh.body.phone).toBe('01012123434');
  });

  it('refuses a kiosk enrollment of a number a member has, flagged, and syncs on', async () => {
    const phoneKey = s.app.ctx.phoneKey;
    const stored = await s.api('POST', '/customers', { name: 'Choi', phone: '010-4040-5050' });
    expect(stored.status).toBe(201);
    const id = randomUUID();
    const hash = phoneHashOf(phoneKey, '01040405050');
    const res = await kiosk.sync([
      await kiosk.event(
        'member_enrolled',
        id,
        enrollment('card-k-1', 'KIOSK1', { phone_hash: hash }),
      ),
      await kiosk.event('feedback_given', id, { score: 9, comment: null }),
    ]);
    expect(
      res.body.acks.map((a: { status: string; flags?: unknown }) => [a.status, a.flags]),
    ).toEqual([
      ['applied', [{ field: 'payload.phone_hash', recorded: hash, expected: null }]],
      ['applied', undefined],
    ]);
    expect((await lookup('010-4040-5050')).body.customer_id).toBe(stored.body.customer_id);
  });
});
