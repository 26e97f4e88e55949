/** Bad input gets a clear 4xx in the one error shape and writes nothing; no input makes a 5xx. */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, TestDevice, startServer, type Running } from '../support/server';

describe.each(BACKENDS)('bad input on %s', (backend) => {
  let s: Running;
  let memberId: string;
  let device: TestDevice;
  const written = async (): Promise<number> =>
    Number((await s.app.ctx.db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM events`))?.n);

  beforeAll(async () => {
    s = await startServer(backend);
    memberId = (await s.api('POST', '/customers', { name: 'Ahn', phone: '01050505050' })).body
      .customer_id;
    device = await TestDevice.pair(s, 'store-1', 'cashier');
  });
  afterAll(async () => {
    await s.close();
  });

  const expectError = (res: { status: number; body: any }, status: number, code?: string) => {
    expect(res.status).toBe(status);
    expect(res.body.error).toEqual(
      expect.objectContaining({ code: code ?? expect.any(String), message: expect.any(String) }),
    );
  };
  /** `bad` is rejected as `invalid_event` with `message`, and the event after it still applies. */
  const rejectedThenApplied = async (bad: { event_id: string }, message: string) => {
    const fine = await device.event('feedback_given', memberId, { score: 7, comment: null });
    const res = await device.sync([bad, fine]);
    expect(res.status).toBe(200);
    expect(res.body.acks).toEqual([
      { event_id: bad.event_id, status: 'rejected', reason: 'invalid_event', message },
      { event_id: fine.event_id, status: 'applied' },
    ]);
  };

  it('answers each kind of bad input with its error and writes nothing', async () => {
    const before = await written();
    const buy = `/customers/${memberId}/purchases`;
    expectError(
      await s.api('POST', buy, '{"store_id": "store-1", "amount": 1'),
      400,
      'invalid_json',
    );
    expectError(
      await s.api('POST', buy, { store_id: 'store-1', amount: '1000' }),
      400,
      'invalid_input',
    );
    expectError(await s.api('POST', buy, { store_id: 'store-1' }), 400, 'invalid_input');
    expectError(
      await s.api('POST', buy, { store_id: 'store-1', amount: 2 ** 53 }),
      400,
      'invalid_input',
    );
    expectError(
      await s.api('POST', buy, { store_id: 'store-1', amount: 10.5 }),
      400,
      'invalid_input',
    );
    expectError(
      await s.api('POST', buy, { store_id: 'store-1', amount: -1 }),
      400,
      'invalid_input',
    );
    expectError(
      await s.api('POST', buy, { store_id: 'store-1', amount: 1_000, tip: 5 }),
      400,
      'invalid_input',
    );
    expectError(
      await s.api('POST', buy, {
        store_id: 'store-1',
        amount: 1_000,
        lines: [{ sku: 'a', category: 'c', quantity: 1, unit_price: 999 }],
      }),
      400,
      'invalid_input',
    );
    expectError(
      await s.api('POST', buy, {
        store_id: 'store-1',
        amount: 1_000,
        occurred_at: new Date(Date.now() + 3_600_000).toISOString(),
      }),
      400,
      'invalid_input',
    );
    expectError(
      await s.api('POST', buy, {
        store_id: 'store-1',
        amount: 1_000,
        occurred_at: '2026-03-01 10:00',
      }),
      400,
      'invalid_input',
    );
    // Before 1970: the year 0 once reached the server's own referral event and answered 500.
    for (const at of ['0000-01-01T00:00:00Z', '1969-12-31T23:59:59Z']) {
      const res = await s.api('POST', buy, { store_id: 'store-1', amount: 1_000, occurred_at: at });
      expectError(res, 400, 'invalid_input');
      expect(JSON.stringify(res.body.error), at).toContain('1970 to 2999');
    }
    expectError(
      await s.api('GET', `/customers/${memberId}/points?as_of=3000-01-01T00:00:00Z`),
      400,
      'invalid_input',
    );
    expectError(
      await s.api('POST', buy, 'amount=1000', undefined, { 'content-type': 'text/plain' }),
      415,
    );
    expectError(
      await s.api(
        'POST',
        buy,
        JSON.stringify({ store_id: 'store-1', amount: 1, pad: 'x'.repeat(1_100_000) }),
      ),
      413,
      'body_too_large',
    );
    expectError(
      await s.api('POST', '/customers/nobody/purchases', { store_id: 'store-1', amount: 1_000 }),
      404,
      'not_found',
    );
    expectError(
      await s.api('POST', buy, { store_id: 'store-404', amount: 1_000 }),
      404,
      'not_found',
    );
    expectError(await s.api('GET', '/customers/nobody'), 404, 'not_found');
    expectError(await s.api('GET', '/no/such/endpoint'), 404, 'not_found');
    expectError(await s.api('DELETE', '/customers'), 405, 'method_not_allowed');
    expectError(
      await s.api('POST', '/customers', { name: '', phone: '010' }),
      400,
      'invalid_input',
    );
    expectError(
      await s.api(
        'POST',
        '/sync',
        {
          protocol: 1,
          device_id: device.device_id,
          events: Array.from({ length: 501 }, () => ({})),
          cursor: 0,
        },
        device.token,
      ),
      400,
      'invalid_input',
    );
    expectError(
      await s.api(
        'POST',
        '/sync',
        { protocol: 99, device_id: device.device_id, events: [], cursor: 0 },
        device.token,
      ),
      400,
      'invalid_input',
    );
    expectError(
      await s.api(
        'POST',
        '/sync',
        { protocol: 1, device_id: device.device_id, events: [], cursor: -1 },
        device.token,
      ),
      400,
      'invalid_input',
    );
    expect(await written()).toBe(before);
  });

  it('answers JSON nested 100,000 deep with a 4xx or a rejected event, never a 5xx', async () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const before = await written();
    for (const [method, path] of [
      ['POST', '/customers'],
      ['POST', `/customers/${memberId}/purchases`],
      ['PUT', '/program'],
    ] as const) {
      const res = await s.api(method, path, `{"name": ${deep}, "amount": ${deep}}`);
      expect(res.status, `${method} ${path}`).toBeGreaterThanOrEqual(400);
      expect(res.status, `${method} ${path}`).toBeLessThan(500);
    }
    // An event that is the deep array, and one with sound chain fields and a deep payload.
    const chained = await device.event('feedback_given', memberId, { score: 9, comment: null });
    const head: Record<string, unknown> = { ...chained };
    delete head.payload;
    const events = `[${deep}, ${JSON.stringify(head).slice(0, -1)}, "payload": ${deep}}]`;
    const res = await s.api(
      'POST',
      '/sync',
      `{"protocol": 1, "device_id": "${device.device_id}", "cursor": 0, "events": ${events}}`,
      device.token,
    );
    expect(res.status).toBe(200);
    expect(res.body.acks).toMatchObject([
      { event_id: '', status: 'rejected', reason: 'invalid_event' },
      { event_id: chained.event_id, status: 'rejected', reason: 'invalid_event' },
    ]);
    expect(res.body.acks[1].message).toMatch(/nested too deeply/);
    expect(await written()).toBe(before);
    device.seq -= 1; // the event never joined the chain
    device.prev = chained.prev_hash;
  });

  it('refuses text holding U+0000 (PostgreSQL cannot store it) with a 400 or a rejected event', async () => {
    const before = await written();
    for (const res of [
      await s.api('POST', '/customers', { name: 'Ahn\u0000', phone: '01050505051' }),
      await s.api('POST', `/customers/${memberId}/quote`, { amount: 1_000, 'lines\u0000': [] }),
      await s.api('GET', '/customers/a%00b/points'),
      await s.api('GET', '/customers/lookup?card_number=a%00b'),
      await s.api('GET', `/customers/${memberId}/points?as_of%00=1`),
    ]) {
      expectError(res, 400, 'invalid_input');
      expect(res.body.error.message).toBe('text may not contain the NUL character (U+0000)');
    }
    expect(await written()).toBe(before);

    // In a sync batch only that event is refused; it joins the chain (its hash is sound), so the
    // events after it are applied.
    const nulName = await device.event('member_updated', memberId, { name: 'Ahn\u0000' } as never);
    const nulMember = await device.event('feedback_given', 'm\u0000', { score: 7, comment: null });
    const fine = await device.event('feedback_given', memberId, { score: 8, comment: null });
    const res = await device.sync([nulName, nulMember, fine]);
    expect(res.status).toBe(200);
    expect(res.body.acks).toEqual([
      {
        event_id: nulName.event_id,
        status: 'rejected',
        reason: 'invalid_event',
        message: 'text may not contain the NUL character (U+0000)',
      },
      {
        event_id: nulMember.event_id,
        status: 'rejected',
        reason: 'invalid_event',
        message: 'text may not contain the NUL character (U+0000)',
      },
      { event_id: fine.event_id, status: 'applied' },
    ]);
    expect(await written()).toBe(before + 3);
  });

  it('bounds the work a request can ask for: units of a purchase, how far ahead as_of looks', async () => {
    const before = await written();
    const drinks = (quantity: number, sku = 'latte') => ({
      sku,
      category: 'drink',
      quantity,
      unit_price: 1,
    });
    // A quantity of 10,000,000 took 8 s and answered 116 MB (a million stamp-card coupons).
    const huge = await s.api('POST', `/customers/${memberId}/quote`, {
      store_id: 'store-1',
      amount: 10_000_000,
      lines: [drinks(10_000_000)],
    });
    expectError(huge, 400, 'invalid_input');
    expect(huge.body.error.message).toContain('lines.0.quantity: must be at most 10000');
    // Two lines within the bound, over it together: the rules refuse it.
    const twoLines = [drinks(6_000), drinks(5_000, 'mocha')];
    for (const path of ['quote', 'purchases']) {
      const res = await s.api('POST', `/customers/${memberId}/${path}`, {
        store_id: 'store-1',
        amount: 11_000,
        lines: twoLines,
      });
      expectError(res, 422, 'too_many_units');
    }
    // The same purchase synced by a device is rejected, and the chain goes on after it.
    const big = await device.event('purchase_recorded', memberId, {
      purchase_id: 'units-1',
      receipt_id: null,
      amount: 11_000,
      lines: twoLines,
      coupon_code: null,
      coupon_discount: 0,
      membership_discount: 0,
      points_redeemed: 0,
      amount_paid: 11_000,
      points_earned: 220,
      stamps_added: 11_000,
      offline: false,
    });
    await rejectedThenApplied(big, 'payload: a purchase may hold at most 10000 units');
    // Points an event moves are bounded, so a balance (a sum of events) stays exact: three
    // adjustments of 2^53 - 1 once answered a balance of 36028797018964970.
    const manager = (
      await s.api('POST', '/staff', {
        store_id: 'store-1',
        name: 'Kim',
        role: 'manager',
        pin: '4821',
      })
    ).body.staff_id;
    const adjust = (points: number) =>
      device.event('points_adjusted', memberId, {
        points,
        reason: 'goodwill',
        approved_by: manager,
      });
    const tooMany = await adjust(2 ** 53 - 1);
    const most = await adjust(1_000_000_000_000);
    const pointsBefore = (await s.api('GET', `/customers/${memberId}/points`)).body.total_points;
    expect((await device.sync([tooMany, most])).body.acks).toEqual([
      {
        event_id: tooMany.event_id,
        status: 'rejected',
        reason: 'invalid_event',
        message: 'payload.points: must be at most 1000000000000',
      },
      { event_id: most.event_id, status: 'applied' },
    ]);
    expect((await s.api('GET', `/customers/${memberId}/points`)).body.total_points).toBe(
      pointsBefore + 1_000_000_000_000,
    );
    // as_of up to ten years ahead (expiry projections); 2999 cost a third of a second a read.
    const ahead = (years: number) => new Date(Date.now() + years * 365 * 86_400_000).toISOString();
    expect((await s.api('GET', `/customers/${memberId}/points?as_of=${ahead(9)}`)).status).toBe(
      200,
    );
    for (const path of ['', '/points', '/history', '/coupons']) {
      const far = await s.api('GET', `/customers/${memberId}${path}?as_of=${ahead(11)}`);
      expectError(far, 400, 'invalid_input');
      expect(far.body.error.message).toBe('as_of may be at most 10 years ahead');
    }
    expect(await written()).toBe(before + 4);
  });

  it('rejects an event dated before 1970 and applies the one after it', async () => {
    const before = await written();
    const old = await device.event('feedback_given', memberId, { score: 5, comment: null }, 0, {
      occurred_at: '0000-01-01T00:00:00Z',
    });
    await rejectedThenApplied(
      old,
      'occurred_at: must be an ISO 8601 time with offset, from 1970 to 2999',
    );
    expect(await written()).toBe(before + 2);
  });

  it('never answers 5xx, whatever the body (fast-check)', async () => {
    const paths = [
      ['POST', '/customers'],
      ['POST', `/customers/${memberId}/purchases`],
      ['POST', `/customers/${memberId}/quote`],
      ['POST', '/purchases/x/refunds'],
      ['POST', `/customers/${memberId}/pin/verify`],
      ['PUT', '/program'],
      ['POST', '/devices'],
      ['POST', '/staff'],
      ['POST', '/devices/pair'],
    ] as const;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...paths),
        fc.oneof(
          fc.json(),
          fc.string(),
          fc.anything().map((x) => JSON.stringify(x) ?? 'null'),
          // Any code point in keys and values: U+0000, lone surrogates, controls.
          fc
            .dictionary(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }))
            .map((x) => JSON.stringify(x)),
        ),
        async ([method, path], body) => {
          const res = await s.api(method, path, body);
          expect(res.status, `${method} ${path} ${body}`).toBeLessThan(500);
        },
      ),
      { numRuns: 60 },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.anything(),
            fc.dictionary(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' })),
          ),
          { maxLength: 3 },
        ),
        async (events) => {
          const res = await s.api(
            'POST',
            '/sync',
            { protocol: 1, device_id: device.device_id, events, cursor: 0 },
            device.token,
          );
          expect(res.status).toBeLessThan(500);
        },
      ),
      { numRuns: 30 },
    );
  });
});
