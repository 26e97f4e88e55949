/**
 * Staff PINs: each member of a store's staff unlocks the tills with a PIN of their own, and a
 * forgotten PIN is changed without a new member of staff. On SQLite and on PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPinHash } from '../../shared/protocol';
import { BACKENDS, TestDevice, startServer, type Running } from '../support/server';

describe.each(BACKENDS)('staff PINs on %s', (backend) => {
  let s: Running;
  let till: TestDevice;
  beforeAll(async () => {
    s = await startServer(backend);
    expect((await s.api('POST', '/stores', { store_id: 'store-2', name: 'Busan' })).status).toBe(
      201,
    );
    till = await TestDevice.pair(s, 'store-1', 'cashier', 'Till');
  });
  afterAll(async () => {
    await s.close();
  });

  const add = (store: string, name: string, pin: string, role = 'cashier') =>
    s.api('POST', '/staff', { store_id: store, name, pin, role });
  const tillStaff = async () =>
    (await till.sync()).body.staff as { staff_id: string; name: string; pin_hash: string }[];

  it("refuses a PIN another of the store's staff has, in another store it is fine", async () => {
    const manager = await add('store-1', 'Park', '2468', 'manager');
    expect(manager.status).toBe(201);
    // A cashier with the manager's PIN would unlock (and approve adjustments) as the manager.
    const same = await add('store-1', 'Kim', '2468');
    expect(same.status).toBe(409);
    expect(same.body.error).toMatchObject({ code: 'conflict', details: { field: 'pin' } });
    expect((await tillStaff()).map((x) => x.name)).toEqual(['Park']);
    expect((await add('store-2', 'Kim', '2468')).status).toBe(201);
    // One who left frees their PIN.
    const lee = await add('store-1', 'Lee', '1111');
    expect((await s.api('DELETE', `/staff/${lee.body.staff_id}`)).status).toBe(200);
    expect((await add('store-1', 'Choi', '1111')).status).toBe(201);
  });

  it('changes a PIN (the tills take it at their next sync), a name or a role', async () => {
    const han = (await add('store-1', 'Han', '3579')).body.staff_id as string;
    const changed = await s.api('PATCH', `/staff/${han}`, { pin: '97531' });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ staff_id: han, name: 'Han', role: 'cashier' });
    expect(changed.body).not.toHaveProperty('pin_hash');
    const hash = (await tillStaff()).find((x) => x.staff_id === han)?.pin_hash ?? '';
    expect(verifyPinHash('97531', hash)).toBe(true);
    expect(verifyPinHash('3579', hash)).toBe(false);
    // Another's PIN is refused, and the PIN stays as it was; their own again is fine.
    const taken = await s.api('PATCH', `/staff/${han}`, { pin: '2468' });
    expect(taken.status).toBe(409);
    const still = (await tillStaff()).find((x) => x.staff_id === han)?.pin_hash ?? '';
    expect(verifyPinHash('97531', still)).toBe(true);
    expect((await s.api('PATCH', `/staff/${han}`, { pin: '97531' })).status).toBe(200);
    // Promoted, and renamed.
    const promoted = await s.api('PATCH', `/staff/${han}`, { role: 'manager', name: 'Han Jisoo' });
    expect(promoted.body).toMatchObject({ name: 'Han Jisoo', role: 'manager' });
    expect((await tillStaff()).find((x) => x.staff_id === han)).toMatchObject({
      name: 'Han Jisoo',
      role: 'manager',
    });
  });

  it('refuses bad changes, and one who left or never was', async () => {
    const oh = (await add('store-1', 'Oh', '8642')).body.staff_id as string;
    for (const body of [
      {},
      { pin: '12' },
      { pin: 1234 },
      { role: 'owner' },
      { name: '' },
      { x: 1 },
    ]) {
      const res = await s.api('PATCH', `/staff/${oh}`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('invalid_input');
    }
    expect((await s.api('PATCH', '/staff/staff-nobody', { pin: '1234' })).status).toBe(404);
    expect((await s.api('DELETE', `/staff/${oh}`)).status).toBe(200);
    expect((await s.api('PATCH', `/staff/${oh}`, { pin: '1234' })).status).toBe(404);
  });
});
