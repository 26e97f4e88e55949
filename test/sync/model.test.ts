/**
 * Model-based test of sync under faults (fast-check commands): random schedules of enroll,
 * earn, redeem, refund, going offline, dropped requests and responses, duplicated pushes,
 * devices dying between write and push, server restarts and device clocks moved by hours.
 * After the network heals and every device syncs: no event lost, none applied twice, every
 * device's view of every member equals the server's, and every outbox is empty.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DeviceUnderTest, type Fault } from '../support/device';
import { startServer, type Running } from '../support/server';
import { outboxCount, programsOf, rejectedEvents } from '../../shared/storage';
import { balanceOf, summarize } from '../../shared/rules';

interface World {
  server: Running;
  devices: DeviceUnderTest[];
  members: string[];
  purchases: { member: string; id: string; device: number }[];
  log: string[];
}

type Cmd = fc.AsyncCommand<object, World>;
const HOUR = 3_600_000;

const cmd = (name: string, run: (w: World) => Promise<void>): Cmd => ({
  check: () => true,
  run: async (_m, w) => {
    w.log.push(name);
    await run(w);
  },
  toString: () => name,
});

const commands = (devices: number) => {
  const d = fc.nat({ max: devices - 1 });
  const all = [
    d.map((i) =>
      cmd(
        `enroll@${i}`,
        async (w) => void w.members.push(await (w.devices[i] as DeviceUnderTest).enroll()),
      ),
    ),
    fc.tuple(d, fc.nat(), fc.integer({ min: 1_000, max: 400_000 })).map(([i, m, amount]) =>
      cmd(`earn@${i} ${amount}`, async (w) => {
        const member = await known(w, i, m);
        if (!member) return;
        const sale = await (w.devices[i] as DeviceUnderTest).sell(member, { amount });
        if (sale) w.purchases.push({ member, id: sale.purchase_id, device: i });
      }),
    ),
    fc
      .tuple(
        d,
        fc.nat(),
        fc.integer({ min: 1_000, max: 60_000 }),
        fc.integer({ min: 1_000, max: 20_000 }),
      )
      .map(([i, m, amount, redeem]) =>
        cmd(`redeem@${i} ${redeem}/${amount}`, async (w) => {
          const member = await known(w, i, m);
          if (!member) return;
          const sale = await (w.devices[i] as DeviceUnderTest).sell(member, {
            amount,
            redeem_points: Math.min(redeem, amount),
          });
          if (sale) w.purchases.push({ member, id: sale.purchase_id, device: i });
        }),
      ),
    fc
      .tuple(fc.nat(), fc.option(fc.integer({ min: 1, max: 50_000 }), { nil: undefined }))
      .map(([p, amount]) =>
        cmd(`refund ${amount ?? 'all'}`, async (w) => {
          const purchase = w.purchases[p % Math.max(1, w.purchases.length)];
          if (purchase)
            await (w.devices[purchase.device] as DeviceUnderTest).refund(
              purchase.member,
              purchase.id,
              amount,
            );
        }),
      ),
    fc
      .tuple(
        d,
        fc.constantFrom<Fault>('none', 'offline', 'drop_request', 'drop_response', 'duplicate'),
      )
      .map(([i, fault]) =>
        cmd(`fault@${i} ${fault}`, async (w) => {
          (w.devices[i] as DeviceUnderTest).fault = fault;
        }),
      ),
    d.map((i) =>
      cmd(
        `sync@${i}`,
        async (w) => void (await (w.devices[i] as DeviceUnderTest).client.sync({ force: true })),
      ),
    ),
    d.map((i) => cmd(`kill@${i}`, async (w) => (w.devices[i] as DeviceUnderTest).restart())),
    fc.constant(cmd('restart-server', async (w) => void (w.server = await w.server.restart()))),
    fc.tuple(d, fc.integer({ min: -6, max: 6 })).map(([i, hours]) =>
      cmd(`skew@${i} ${hours}h`, async (w) => {
        (w.devices[i] as DeviceUnderTest).skewMs = hours * HOUR;
      }),
    ),
  ];
  // Sales and syncs are what tills mostly do: give them more weight.
  const [enroll, earn, redeem, refund, , sync] = all;
  return [...all, earn, earn, redeem, redeem, refund, sync, sync, enroll] as fc.Arbitrary<Cmd>[];
};

/** A member this device knows (enrolled here or pulled from the server), or none. */
async function known(w: World, device: number, pick: number): Promise<string | undefined> {
  if (w.members.length === 0) return undefined;
  const member = w.members[pick % w.members.length] as string;
  const dev = w.devices[device] as DeviceUnderTest;
  const here =
    (await dev.db.members.get(member)) ??
    (await dev.db.outbox.where('member_id').equals(member).first());
  return here ? member : undefined;
}

describe('sync under faults (model-based)', () => {
  it('loses nothing, applies nothing twice, and converges', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.commands(commands(2), { maxCommands: 40, size: 'large' }),
        async (cmds) => {
          const server = await startServer('sqlite');
          const world: World = {
            server,
            devices: [await DeviceUnderTest.pair(server), await DeviceUnderTest.pair(server)],
            members: [],
            purchases: [],
            log: [],
          };
          try {
            // Two members both tills know before the schedule starts.
            const first = world.devices[0] as DeviceUnderTest;
            world.members.push(await first.enroll(), await first.enroll());
            await first.client.sync();
            await (world.devices[1] as DeviceUnderTest).client.sync();
            await fc.asyncModelRun(() => ({ model: {}, real: world }), cmds);
            // Heal: network back, clocks right, everyone syncs (twice, so each sees the other's).
            for (const dev of world.devices) {
              dev.fault = 'none';
              dev.skewMs = 0;
            }
            for (let round = 0; round < 3; round += 1)
              for (const dev of world.devices)
                expect((await dev.client.sync({ force: true })).ok, world.log.join(' ')).toBe(true);

            const db = world.server.app.ctx.db;
            const stored = await db.all<{ event_id: string; status: string; device_id: string }>(
              `SELECT event_id, status, device_id FROM events`,
            );
            const storedIds = new Map(stored.map((r) => [r.event_id, r.status]));
            expect(storedIds.size, 'an event stored twice').toBe(stored.length);
            const later = Date.now() + 7 * HOUR;
            for (const dev of world.devices) {
              expect(await outboxCount(dev.db), 'outbox not empty').toBe(0);
              const rejected = new Set((await rejectedEvents(dev.db)).map((r) => r.event_id));
              for (const row of await dev.db.outbox.toArray()) {
                expect(
                  storedIds.has(row.event_id),
                  `event lost: ${row.event.type} ${world.log.join(' ')}`,
                ).toBe(true);
                expect(storedIds.get(row.event_id) === 'applied', `status of ${row.event_id}`).toBe(
                  !rejected.has(row.event_id),
                );
              }
              const programs = await programsOf(dev.db);
              for (const member of world.members) {
                const res = await world.server.api(
                  'GET',
                  `/customers/${member}?as_of=${encodeURIComponent(new Date(later).toISOString())}`,
                );
                if (res.status === 404) {
                  // Enrolled on a device whose enrollment the server refused: nobody counts it.
                  continue;
                }
                const view = summarize(await dev.state(member, later), programs.at(later));
                expect(
                  {
                    points: view.points,
                    tier: view.tier,
                    coupons: view.coupons.length,
                    stamps: view.stamps,
                  },
                  `${member} on a device vs the server; ${world.log.join(' ')}`,
                ).toEqual({
                  points: res.body.points,
                  tier: res.body.tier,
                  coupons: res.body.coupons.length,
                  stamps: res.body.stamps,
                });
                expect(
                  balanceOf(await dev.state(member, later), programs.at(later), later).total,
                ).toBe(res.body.points.total_points);
              }
            }
          } finally {
            await world.server.close();
          }
        },
      ),
      { numRuns: 25 },
    );
  }, 300_000);
});
