/**
 * The pull cursor never skips an event that commits late: devices push concurrently while a
 * reader pulls in small pages; the reader must see every applied event exactly once, in order.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, TestDevice, enrollment, startServer, type Running } from '../support/server';

describe.each(BACKENDS)('pull cursor under concurrent pushes on %s', (backend) => {
  let s: Running;
  beforeAll(async () => {
    s = await startServer(backend);
  });
  afterAll(async () => {
    await s.close();
  });

  it('sees every event once, in server order', async () => {
    const devices = await Promise.all(
      [1, 2, 3, 4].map((i) => TestDevice.pair(s, 'store-1', 'cashier', `till-${i}`)),
    );
    const memberId = randomUUID();
    const first = devices[0] as TestDevice;
    expect(
      (await first.sync([await first.event('member_enrolled', memberId, enrollment('c-1', 'R-1'))]))
        .body.acks[0].status,
    ).toBe('applied');

    const reader = await TestDevice.pair(s, 'store-1', 'cashier', 'reader');
    const seen: { seq: number; id: string }[] = [];
    let pushing = true;
    const readLoop = (async () => {
      while (pushing) {
        const res = await reader.sync([], { limit: 7 });
        for (const c of res.body.changes) seen.push({ seq: c.server_seq, id: c.event.event_id });
      }
    })();
    await Promise.all(
      devices.map(async (d) => {
        for (let batch = 0; batch < 15; batch += 1) {
          const events = [];
          for (let i = 0; i < 5; i += 1)
            events.push(
              await d.event('feedback_given', memberId, { score: (batch + i) % 11, comment: null }),
            );
          const res = await d.sync(events);
          expect(res.body.acks.every((a: { status: string }) => a.status === 'applied')).toBe(true);
        }
      }),
    );
    pushing = false;
    await readLoop;
    for (;;) {
      const res = await reader.sync([], { limit: 50 });
      for (const c of res.body.changes) seen.push({ seq: c.server_seq, id: c.event.event_id });
      if (!res.body.more) break;
    }
    const stored = await s.app.ctx.db.all<{ event_id: string }>(
      `SELECT event_id FROM events WHERE status = 'applied' ORDER BY server_seq`,
    );
    expect(seen.map((x) => x.id)).toEqual(stored.map((r) => r.event_id));
    expect(seen.length).toBe(1 + 4 * 15 * 5);
  });
});
