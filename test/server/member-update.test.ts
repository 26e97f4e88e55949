/**
 * A member's details change (a new phone number, a corrected name, a birthday): through the API
 * (PATCH /customers/{id}) and from a till (member_updated by sync). The member is found by the
 * new number and not by the old; a number another member has is refused, and nothing is written.
 * On SQLite and on PostgreSQL.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, TestDevice, enrollment, startServer, type Running } from '../support/server';

describe.each(BACKENDS)("a member's details on %s", (backend) => {
  let s: Running;
  let till: TestDevice;
  let kiosk: TestDevice;
  beforeAll(async () => {
    s = await startServer(backend, { syncThreads: 0 });
    till = await TestDevice.pair(s, 'store-1', 'cashier', 'Till');
    kiosk = await TestDevice.pair(s, 'store-1', 'kiosk', 'Kiosk');
    await till.pullAll();
    await kiosk.pullAll();
  });
  afterAll(async () => {
    await s.close();
  });

  const lookup = async (phone: string) =>
    (await s.api('GET', `/customers/lookup?phone=${encodeURIComponent(phone)}`)).body?.customer_id;
  const enroll = async (name: string, phone: string) => {
    const res = await s.api('POST', '/customers', { name, phone });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { customer_id: string; card_number: string };
  };

  it('changes the phone, name and birthday: found by the new number, not the old', async () => {
    const m = await enroll('Kang Mina', '010-8100-0001');
    const res = await s.api('PATCH', `/customers/${m.customer_id}`, {
      name: 'Kang Min-a',
      phone: '+82 10 8100 0002',
      birthday: '1990-04-05',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      customer_id: m.customer_id,
      name: 'Kang Min-a',
      phone: '01081000002',
      birthday: '1990-04-05',
      points: { total_points: 1_000 },
    });
    expect(await lookup('010-8100-0002')).toBe(m.customer_id);
    expect((await s.api('GET', '/customers/lookup?phone=01081000001')).status).toBe(404);
    // The old number is free for someone else; the new one is taken.
    expect((await s.api('POST', '/customers', { name: 'X', phone: '01081000002' })).status).toBe(
      409,
    );
    const other = await enroll('Other', '01081000001');
    expect(await lookup('01081000001')).toBe(other.customer_id);
    // The owner's list shows the new details.
    const listed = await s.api('GET', `/customers?q=${encodeURIComponent('Min-a')}`);
    expect(listed.body.items).toEqual([
      expect.objectContaining({ customer_id: m.customer_id, phone: '01081000002' }),
    ]);
    // A till receives the change (with the number); a kiosk, without it and with the name masked.
    const change = (list: { event: { type: string; member_id: string; payload: unknown } }[]) =>
      list.find((c) => c.event.type === 'member_updated' && c.event.member_id === m.customer_id)
        ?.event.payload;
    expect(change(await till.pullAll())).toMatchObject({
      name: 'Kang Min-a',
      phone: '01081000002',
      phone_hash: expect.any(String),
      birthday: '1990-04-05',
    });
    expect(change(await kiosk.pullAll())).toMatchObject({
      name: 'K*********',
      phone: null,
      phone_hash: expect.any(String),
    });
    // Taking the number away: no longer found by it.
    const cleared = await s.api('PATCH', `/customers/${m.customer_id}`, { phone: null });
    expect(cleared.body.phone).toBeNull();
    expect((await s.api('GET', '/customers/lookup?phone=01081000002')).status).toBe(404);
  });

  it('refuses a number another member has (409) and writes nothing of the request', async () => {
    const a = await enroll('Lim A', '010-8200-0001');
    const b = await enroll('Lim B', '010-8200-0002');
    await till.pullAll();
    const res = await s.api('PATCH', `/customers/${b.customer_id}`, {
      name: 'Renamed',
      phone: '+82 10 8200 0001',
    });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'conflict', details: { field: 'phone' } });
    expect((await s.api('GET', `/customers/${b.customer_id}`)).body).toMatchObject({
      name: 'Lim B',
      phone: '01082000002',
    });
    expect(await lookup('01082000001')).toBe(a.customer_id);
    expect((await till.pullAll()).filter((c) => c.event.type === 'member_updated')).toEqual([]);
    // Its own number again is no conflict.
    const same = await s.api('PATCH', `/customers/${b.customer_id}`, { phone: '01082000002' });
    expect(same.status).toBe(200);
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await s.api('GET', '/openapi.json', undefined, null)).body;
    expect(doc.paths['/customers/{customer_id}'].patch.responses).toHaveProperty('409');
  });

  it('refuses bad requests with the field named', async () => {
    const m = await enroll('Noh', '010-8300-0001');
    for (const [body, field] of [
      [{}, ''],
      [{ phone: 'call me' }, 'phone'],
      [{ name: '   ' }, 'name'],
      [{ birthday: '1990-02-30' }, 'birthday'],
      [{ nickname: 'N' }, 'nickname'],
    ] as const) {
      const res = await s.api('PATCH', `/customers/${m.customer_id}`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      if (field) expect(JSON.stringify(res.body.error.details), field).toContain(field);
    }
    expect((await s.api('PATCH', '/customers/nobody', { name: 'N' })).status).toBe(404);
    // A birthday that does not exist is refused at enrollment too; one without its year is kept.
    const feb30 = await s.api('POST', '/customers', {
      name: 'Feb',
      phone: '010-8300-0002',
      birthday: '1990-02-30',
    });
    expect(feb30.status).toBe(400);
    const leap = await s.api('PATCH', `/customers/${m.customer_id}`, { birthday: '--02-29' });
    expect(leap.body.birthday).toBe('--02-29');
    expect(
      (await s.api('PATCH', `/customers/${m.customer_id}`, { birthday: '--02-30' })).status,
    ).toBe(400);
    expect((await s.api('GET', `/customers/${m.customer_id}`)).body.name).toBe('Noh');
  });

  it("applies a till's member_updated to the member's row, and flags a number that is taken", async () => {
    const [x, y] = [randomUUID(), randomUUID()];
    const tag = x.slice(0, 6);
    const res = await till.sync([
      await till.event(
        'member_enrolled',
        x,
        enrollment(`c-${tag}-x`, `X${tag}`, { phone: '01084000001' }),
      ),
      await till.event(
        'member_enrolled',
        y,
        enrollment(`c-${tag}-y`, `Y${tag}`, { phone: '01084000002' }),
      ),
      await till.event('member_updated', x, { phone: '01084000003', name: 'Ahn' }),
      // Y takes X's old number (free since the update before it) and then X's new one (taken).
      await till.event('member_updated', y, { phone: '01084000003' }),
    ]);
    expect(res.status).toBe(200);
    expect(
      res.body.acks.map((a: { status: string; flags?: unknown }) => [a.status, a.flags]),
    ).toEqual([
      ['applied', undefined],
      ['applied', undefined],
      ['applied', undefined],
      ['applied', [{ field: 'payload.phone', recorded: '01084000003', expected: null }]],
    ]);
    expect(await lookup('01084000003')).toBe(x);
    expect(await lookup('01084000002')).toBe(y);
    expect((await s.api('GET', `/customers/${x}`)).body.name).toBe('Ahn');
    // A later batch: X's old number is free now, and Y takes it.
    const next = await till.sync([await till.event('member_updated', y, { phone: '01084000001' })]);
    expect(next.body.acks[0]).toEqual({ event_id: expect.any(String), status: 'applied' });
    expect(await lookup('01084000001')).toBe(y);
  });
});
