/** GET /feedback: kiosk feedback and its NPS, on SQLite and on PostgreSQL. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, TestDevice, enrollment, startServer, type Running } from '../support/server';

describe.each(BACKENDS)('feedback on %s', (backend) => {
  let s: Running;
  let kiosk: TestDevice;
  beforeAll(async () => {
    s = await startServer(backend);
    kiosk = await TestDevice.pair(s, 'store-1', 'kiosk', 'Kiosk');
  });
  afterAll(async () => {
    await s.close();
  });

  it('lists applied feedback newest first with its NPS, for the admin only', async () => {
    const empty = (await s.api('GET', '/feedback')).body;
    expect(empty).toEqual({
      count: 0,
      promoters: 0,
      passives: 0,
      detractors: 0,
      nps: null,
      feedback: [],
    });

    const id = randomUUID();
    const tag = id.slice(0, 8);
    const events = [await kiosk.event('member_enrolled', id, enrollment(`card-${tag}`, `R${tag}`))];
    const scores = [10, 9, 8, 7, 6, 0, 10];
    for (const [i, score] of scores.entries())
      events.push(
        await kiosk.event('feedback_given', id, { score, comment: i === 0 ? 'kind staff' : null }),
      );
    // Feedback about nobody is refused, and not counted.
    events.push(await kiosk.event('feedback_given', randomUUID(), { score: 0, comment: null }));
    const res = await kiosk.sync(events);
    expect(res.body.acks.map((a: { status: string }) => a.status)).toEqual([
      ...Array(1 + scores.length).fill('applied'),
      'rejected',
    ]);

    const all = (await s.api('GET', '/feedback')).body;
    // 3 promoters (9-10), 2 passives (7-8), 2 detractors (0-6): (3 - 2) / 7 = 14 %.
    expect(all).toMatchObject({ count: 7, promoters: 3, passives: 2, detractors: 2, nps: 14 });
    expect(all.feedback.map((f: { score: number }) => f.score)).toEqual([...scores].reverse());
    expect(all.feedback.at(-1)).toMatchObject({
      member_id: id,
      store_id: 'store-1',
      device_id: kiosk.device_id,
      comment: 'kind staff',
    });
    expect((await s.api('GET', '/feedback?limit=2')).body.feedback).toHaveLength(2);
    expect((await s.api('GET', '/feedback?limit=2')).body.count).toBe(7);
    expect((await s.api('GET', '/feedback?store_id=store-2')).body.count).toBe(0);
    expect((await s.api('GET', '/feedback', undefined, kiosk.token)).status).toBe(403);
    expect((await s.api('GET', '/feedback', undefined, null)).status).toBe(401);
  });
});
