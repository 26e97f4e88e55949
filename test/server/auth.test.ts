/**
 * Who may call what: every endpoint without a token, with the wrong kind of token, with the
 * wrong device role, and (where a store is named) for the wrong store. Nothing is written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, BACKENDS, TestDevice, startServer, type Running } from '../support/server';

describe.each(BACKENDS)('authorization on %s', (backend) => {
  let s: Running;
  let cashier: TestDevice;
  let kiosk: TestDevice;
  let integration: string;
  let memberId: string;
  let purchaseId: string;

  beforeAll(async () => {
    s = await startServer(backend);
    await s.api('POST', '/stores', { store_id: 'store-2', name: 'Second store' });
    cashier = await TestDevice.pair(s, 'store-1', 'cashier');
    kiosk = await TestDevice.pair(s, 'store-1', 'kiosk');
    integration = (await s.api('POST', '/integrations', { name: 'web shop' })).body.token;
    memberId = (await s.api('POST', '/customers', { name: 'Seo', phone: '01040404040' })).body
      .customer_id;
    purchaseId = (
      await s.api('POST', `/customers/${memberId}/purchases`, {
        store_id: 'store-1',
        amount: 10_000,
      })
    ).body.purchase_id;
  });
  afterAll(async () => {
    await s.close();
  });

  type Call = [method: string, path: () => string, body?: () => unknown];
  const calls: Record<string, Call> = {
    enroll: [
      'POST',
      () => '/customers',
      () => ({ name: 'N', phone: `010${Math.floor(Math.random() * 1e8)}` }),
    ],
    profile: ['GET', () => `/customers/${memberId}`],
    update: ['PATCH', () => `/customers/${memberId}`, () => ({ name: 'Seo Jiwoo' })],
    memberList: ['GET', () => '/customers?q=Seo'],
    report: ['GET', () => '/reports/activity?from=2026-01-01&to=2026-01-31'],
    pointsReport: ['GET', () => '/reports/points'],
    membersCsv: ['GET', () => '/reports/members'],
    lookup: ['GET', () => '/customers/lookup?card_number=000'],
    points: ['GET', () => `/customers/${memberId}/points`],
    history: ['GET', () => `/customers/${memberId}/history`],
    coupons: ['GET', () => `/customers/${memberId}/coupons`],
    pin: ['POST', () => `/customers/${memberId}/pin/verify`, () => ({ pin: '1234' })],
    purchase: [
      'POST',
      () => `/customers/${memberId}/purchases`,
      () => ({ store_id: 'store-1', amount: 1_000 }),
    ],
    quote: [
      'POST',
      () => `/customers/${memberId}/quote`,
      () => ({ store_id: 'store-1', amount: 1_000 }),
    ],
    refund: ['POST', () => `/purchases/${purchaseId}/refunds`, () => ({ amount: 1 })],
    programGet: ['GET', () => '/program'],
    programPut: ['PUT', () => '/program', () => ({})],
    stores: ['POST', () => '/stores', () => ({ store_id: 'x', name: 'x' })],
    integrations: ['POST', () => '/integrations', () => ({ name: 'x' })],
    integrationList: ['GET', () => '/integrations'],
    integrationRevoke: ['DELETE', () => '/integrations/0123456789abcdef'],
    devices: [
      'POST',
      () => '/devices',
      () => ({ store_id: 'store-1', role: 'cashier', name: 'x' }),
    ],
    staff: [
      'POST',
      () => '/staff',
      () => ({ store_id: 'store-1', name: 'x', pin: '1234', role: 'cashier' }),
    ],
    conflicts: ['GET', () => '/conflicts'],
    conflictHandled: ['PATCH', () => '/conflicts/e-unknown/overdrawn', () => ({ handled: true })],
    storeList: ['GET', () => '/stores'],
    deviceList: ['GET', () => '/devices?store_id=store-1'],
    deviceRevoke: ['DELETE', () => '/devices/cashier-unknown'],
    backups: ['GET', () => '/backups'],
    staffList: ['GET', () => '/staff'],
    staffRemove: ['DELETE', () => '/staff/staff-unknown'],
    staffChange: ['PATCH', () => '/staff/staff-unknown', () => ({ pin: '1234' })],
    sync: ['POST', () => '/sync', () => ({ protocol: 1, device_id: 'x', events: [], cursor: 0 })],
    syncMember: ['GET', () => '/sync/member?q=01040404040'],
    syncMemberPin: ['POST', () => '/sync/member', () => ({ phone: '01040404040', pin: '1234' })],
  };
  const call = (name: string, token: string | null) => {
    const [method, path, body] = calls[name] as Call;
    return s.api(method, path(), body?.(), token);
  };

  it('refuses every protected endpoint without a token or with a bad one', async () => {
    for (const name of Object.keys(calls)) {
      expect((await call(name, null)).status, name).toBe(401);
      expect((await call(name, 'not-a-real-token-at-all-000')).status, name).toBe(401);
    }
  });

  it('keeps admin endpoints for the admin', async () => {
    for (const name of [
      'programPut',
      'stores',
      'storeList',
      'integrations',
      'integrationList',
      'integrationRevoke',
      'devices',
      'deviceList',
      'deviceRevoke',
      'backups',
      'staff',
      'staffList',
      'staffRemove',
      'staffChange',
      'conflicts',
      'conflictHandled',
      'memberList',
      'report',
      'pointsReport',
      'membersCsv',
    ]) {
      expect((await call(name, integration)).status, `${name} by integration`).toBe(403);
      expect((await call(name, cashier.token)).status, `${name} by cashier`).toBe(403);
      expect((await call(name, kiosk.token)).status, `${name} by kiosk`).toBe(403);
    }
  });

  it('keeps sales for cashiers: a kiosk can neither quote, sell nor refund', async () => {
    for (const name of ['purchase', 'quote', 'refund']) {
      const res = await call(name, kiosk.token);
      expect(res.status, name).toBe(403);
    }
    expect((await s.api('GET', `/customers/${memberId}/history`)).body.total).toBe(2);
  });

  it("keeps a member's details from the kiosk, a public screen", async () => {
    expect((await call('update', kiosk.token)).status).toBe(403);
    expect((await call('profile', null)).status).toBe(401);
    expect((await s.api('GET', `/customers/${memberId}`)).body.name).toBe('Seo');
  });

  it('keeps sync for devices', async () => {
    expect((await call('sync', integration)).status).toBe(403);
    expect((await call('syncMember', integration)).status).toBe(403);
    expect((await call('syncMember', ADMIN_TOKEN)).status).toBe(403);
    expect((await call('syncMember', cashier.token)).status).toBe(200);
    expect((await call('syncMemberPin', integration)).status).toBe(403);
    expect((await call('syncMemberPin', ADMIN_TOKEN)).status).toBe(403);
    expect((await call('syncMemberPin', kiosk.token)).body.error.code).toBe('pin_not_set');
  });

  it('refuses a device writing for another store', async () => {
    const sale = await s.api(
      'POST',
      `/customers/${memberId}/purchases`,
      { store_id: 'store-2', amount: 1_000 },
      cashier.token,
    );
    expect(sale.status).toBe(403);
    const quote = await s.api(
      'POST',
      `/customers/${memberId}/quote`,
      { store_id: 'store-2', amount: 1_000 },
      cashier.token,
    );
    expect(quote.status).toBe(403);
    const enroll = await s.api(
      'POST',
      '/customers',
      { name: 'N', phone: '01012121212', store_id: 'store-2' },
      kiosk.token,
    );
    expect(enroll.status).toBe(403);
    const update = await s.api(
      'PATCH',
      `/customers/${memberId}`,
      { name: 'N', store_id: 'store-2' },
      cashier.token,
    );
    expect(update.status).toBe(403);
    expect((await s.api('GET', `/customers/${memberId}`)).body.name).toBe('Seo');
    expect((await s.api('GET', `/customers/${memberId}/history`)).body.total).toBe(2);
  });

  it('lets each allowed caller through', async () => {
    for (const token of [integration, cashier.token]) {
      expect((await call('purchase', token)).status).toBe(201);
      expect((await call('profile', token)).status).toBe(200);
    }
    expect((await call('enroll', kiosk.token)).status).toBe(201);
    for (const token of [integration, cashier.token, ADMIN_TOKEN])
      expect((await call('update', token)).status).toBe(200);
    expect((await call('profile', kiosk.token)).body.phone).toBe('*******4040');
  });
});
