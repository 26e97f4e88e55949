/**
 * Revoking a device (a till stolen or lost, a kiosk retired): its token stops working at once,
 * a pairing code still out for it no longer pairs, and what it sent stays in the ledger. Revoking
 * an integration token (a web shop's key leaked). On SQLite and on PostgreSQL.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_TOKEN,
  BACKENDS,
  TestDevice,
  enrollment,
  purchase,
  startServer,
  type Running,
} from '../support/server';

describe.each(BACKENDS)('device revocation on %s', (backend) => {
  let s: Running;
  beforeAll(async () => {
    s = await startServer(backend);
  });
  afterAll(async () => {
    await s.close();
  });

  const listed = async (deviceId: string) =>
    (
      (await s.api('GET', '/devices?store_id=store-1')).body.devices as {
        device_id: string;
        revoked_at: string | null;
        events: number;
      }[]
    ).find((d) => d.device_id === deviceId);

  it('stops a revoked till at once; its sales stay, and the others go on', async () => {
    const lost = await TestDevice.pair(s, 'store-1', 'cashier', 'Till 2');
    const other = await TestDevice.pair(s, 'store-1', 'cashier', 'Till 1');
    const member = 'c7f0c1de-0000-4000-8000-00000000d001';
    const sent = await lost.sync([
      await lost.event('member_enrolled', member, enrollment('card-d1', 'REFD1')),
      await lost.event('purchase_recorded', member, purchase('p-d1', 40_000)),
    ]);
    expect(sent.body.acks.map((a: { status: string }) => a.status)).toEqual(['applied', 'applied']);
    const points = (await s.api('GET', `/customers/${member}/points`)).body.total_points;
    expect(points).toBe(1_800);
    expect((await listed(lost.device_id))?.revoked_at).toBeNull();

    const revoked = await s.api('DELETE', `/devices/${lost.device_id}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body).toEqual({ device_id: lost.device_id, revoked_at: expect.any(String) });
    // Its token no longer syncs, looks members up or reads their points.
    expect((await lost.sync()).status).toBe(401);
    const lookup = await s.api(
      'GET',
      '/customers/lookup?card_number=card-d1',
      undefined,
      lost.token,
    );
    expect(lookup.status).toBe(401);
    const read = await s.api('GET', `/customers/${member}/points`, undefined, lost.token);
    expect(read.status).toBe(401);
    // What it sent stays; the owner's list says it is revoked; the other till goes on.
    expect((await s.api('GET', `/customers/${member}/points`)).body.total_points).toBe(points);
    expect(await listed(lost.device_id)).toMatchObject({
      revoked_at: revoked.body.revoked_at,
      events: 2,
    });
    const next = await other.sync([
      await other.event('purchase_recorded', member, purchase('p-d2', 10_000)),
    ]);
    expect(next.body.acks[0].status).toBe('applied');
    expect((await listed(other.device_id))?.revoked_at).toBeNull();
    // Revoking again answers the first revocation.
    const again = await s.api('DELETE', `/devices/${lost.device_id}`);
    expect(again.body).toEqual(revoked.body);
  });

  it('voids a pairing code still out, and says what it does not know', async () => {
    const made = await s.api('POST', '/devices', {
      store_id: 'store-1',
      role: 'kiosk',
      name: 'Kiosk never set up',
    });
    expect((await s.api('DELETE', `/devices/${made.body.device_id}`)).status).toBe(200);
    const paired = await s.api(
      'POST',
      '/devices/pair',
      { pairing_code: made.body.pairing_code },
      null,
    );
    expect(paired.status).toBe(404);
    expect(await listed(made.body.device_id)).toMatchObject({ pairing_open: false });
    const unknown = await s.api('DELETE', '/devices/cashier-unknown');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');
  });

  it("revokes a web shop's leaked token; the other channel's token goes on", async () => {
    const shop = await s.api('POST', '/integrations', { name: 'web shop' });
    const app = await s.api('POST', '/integrations', { name: 'mobile app' });
    expect(shop.status).toBe(201);
    expect(shop.body.integration_id).toMatch(/^[0-9a-f]{16}$/);
    const enroll = (token: string) =>
      s.api(
        'POST',
        '/customers',
        { name: 'Online', phone: `010${Math.floor(1e7 + Math.random() * 9e7)}` },
        token,
      );
    expect((await enroll(shop.body.token)).status).toBe(201);
    const list = await s.api('GET', '/integrations');
    expect(list.status).toBe(200);
    const names = list.body.integrations.map((i: { name: string }) => i.name);
    expect(names).toEqual(expect.arrayContaining(['web shop', 'mobile app']));
    expect(JSON.stringify(list.body)).not.toContain(shop.body.token);
    const revoked = await s.api('DELETE', `/integrations/${shop.body.integration_id}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body).toEqual({
      integration_id: shop.body.integration_id,
      revoked_at: expect.any(String),
    });
    expect((await enroll(shop.body.token)).status).toBe(401);
    expect((await enroll(app.body.token)).status).toBe(201);
    const listed = (await s.api('GET', '/integrations')).body.integrations as {
      integration_id: string;
      revoked_at: string | null;
    }[];
    expect(listed.find((i) => i.integration_id === shop.body.integration_id)?.revoked_at).toBe(
      revoked.body.revoked_at,
    );
    expect(listed.find((i) => i.integration_id === app.body.integration_id)?.revoked_at).toBeNull();
    expect((await s.api('DELETE', `/integrations/${shop.body.integration_id}`)).body).toEqual(
      revoked.body,
    );
    // An id that names no integration token (a pattern, or the admin's own) is a 404.
    const adminId = createHash('sha256').update(ADMIN_TOKEN).digest('hex').slice(0, 16);
    for (const id of ['0123456789abcdef', '%', 'x'.repeat(16), adminId])
      expect((await s.api('DELETE', `/integrations/${encodeURIComponent(id)}`)).status).toBe(404);
    // Only the admin revokes.
    expect(
      (await s.api('DELETE', `/integrations/${app.body.integration_id}`, undefined, app.body.token))
        .status,
    ).toBe(403);
  });
});
