/**
 * The sync precheck (JSON, request shape, chain fields, schema and hash of each event), on the
 * main thread and on a precheck thread: the same answers, and a thread that dies costs nothing.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  GENESIS_HASH,
  PROTOCOL_VERSION,
  hashEventSync,
  signEvent,
  type EventEnvelope,
} from '../../shared/protocol';
import { DEFAULT_PROGRAM } from '../../shared/rules';
import { precheckSync } from '../../server/precheck';
import { defaultSyncThreads, Prechecker } from '../../server/prechecker';
import { TestDevice, enrollment, purchase, startServer, type Running } from '../support/server';

async function signed(type: string, payload: unknown, seq: number): Promise<EventEnvelope> {
  return signEvent({
    event_id: randomUUID(),
    device_id: 'till-1',
    seq,
    type,
    occurred_at: '2026-11-20T10:00:00+09:00',
    store_id: 'store-1',
    staff_id: null,
    member_id: 'member-1',
    program_version: DEFAULT_PROGRAM.version,
    payload,
    prev_hash: GENESIS_HASH,
  } as never);
}

/** A batch with one event of each kind the precheck tells apart. */
async function mixedBatch(): Promise<{ raw: string; events: unknown[] }> {
  const good = await signed('purchase_recorded', purchase('p-1', 30_000), 1);
  const tampered = await signed('purchase_recorded', purchase('p-2', 30_000), 2);
  const edited = { ...tampered, payload: { ...tampered.payload, receipt_id: 'forged' } };
  const noId: Record<string, unknown> = {
    ...(await signed('purchase_recorded', purchase('p-3', 1), 3)),
  };
  delete noId.event_id;
  const badPayload = await signed(
    'purchase_recorded',
    { ...purchase('p-4', 5_000), amount: -5 },
    4,
  );
  const unknownType = await signed('teleported', {}, 5);
  const enrolled = await signed('member_enrolled', enrollment('card-9', 'R9'), 6);
  const events = [good, edited, noId, badPayload, 42, unknownType, enrolled];
  return {
    raw: JSON.stringify({ protocol: PROTOCOL_VERSION, device_id: 'till-1', events, cursor: 0 }),
    events,
  };
}

describe('sync precheck', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('tells each kind of event apart, and keeps a malformed one as sent', async () => {
    const { raw, events } = await mixedBatch();
    const result = precheckSync(raw);
    if (!result.ok) throw new Error(result.message);
    expect(result.request).toEqual({ protocol: PROTOCOL_VERSION, device_id: 'till-1', cursor: 0 });
    const [good, edited, noId, badPayload, number, unknownType, enrolled] = result.events;
    const sent = events as EventEnvelope[];

    expect(good).toMatchObject({
      event_id: sent[0]?.event_id,
      hashOk: true,
      issue: null,
      sent: null,
    });
    expect(good?.chain).toMatchObject({ seq: 1, hash: sent[0]?.hash });
    expect(JSON.parse(good?.body ?? 'null')).toEqual(sent[0]);

    // Well formed, but not what was signed: the body is kept for the verdict, the hash is wrong.
    expect(edited).toMatchObject({ hashOk: false, issue: null });
    expect(JSON.parse(edited?.body ?? 'null').payload.receipt_id).toBe('forged');

    expect(noId).toMatchObject({ event_id: '', chain: null, hashOk: false, body: null });
    expect(noId?.issue).toMatch(/^the event's id, device, seq or hashes are malformed/);
    expect(number).toMatchObject({ event_id: '', chain: null, body: null, sent: null });

    expect(badPayload).toMatchObject({ hashOk: true, body: null });
    expect(badPayload?.issue).toMatch(/^payload\.amount: /);
    expect(JSON.parse(badPayload?.sent ?? 'null')).toEqual(sent[3]);

    expect(unknownType).toMatchObject({ hashOk: true, body: null });
    expect(unknownType?.issue).toMatch(/^type: /);

    expect(enrolled).toMatchObject({ hashOk: true, issue: null });
    expect(result.ids).toEqual({
      events: [0, 1, 3, 5, 6].map((i) => sent[i]?.event_id),
      members: ['member-1', 'member-1', 'member-1', 'member-1', 'member-1', 'member-1'],
      purchases: ['p-1', 'p-2', 'p-3', 'p-4'],
      cards: ['card-9'],
      codes: ['R9'],
      phones: [],
    });
  });

  it('stores a valid event as the JSON of the whole envelope, keys sorted, whatever its text', () => {
    const sorted = (x: unknown): unknown =>
      Array.isArray(x)
        ? x.map(sorted)
        : x !== null && typeof x === 'object'
          ? Object.fromEntries(
              Object.keys(x)
                .sort()
                .map((k) => [k, sorted((x as Record<string, unknown>)[k])]),
            )
          : x;
    // Any code point but U+0000 (refused on its own), in the texts the precheck writes itself.
    const text = fc
      .string({ unit: 'binary', minLength: 1, maxLength: 40 })
      .filter((t) => !t.includes('\u0000'));
    fc.assert(
      fc.property(text, text, text, fc.boolean(), (device, name, card, shuffle) => {
        const unsigned = {
          event_id: randomUUID(),
          device_id: device.slice(0, 100),
          seq: 1,
          type: 'member_enrolled',
          occurred_at: '2026-11-20T10:00:00+09:00',
          store_id: 'store-1',
          staff_id: null,
          member_id: 'member-1',
          program_version: DEFAULT_PROGRAM.version,
          payload: enrollment(card.slice(0, 100), 'R1', { name: name.slice(0, 100) }),
          prev_hash: GENESIS_HASH,
        };
        const event = { ...unsigned, hash: hashEventSync(unsigned as never) };
        // The order a device sends the keys in does not matter.
        const sent = shuffle ? Object.fromEntries(Object.entries(event).reverse()) : event;
        const raw = JSON.stringify({ protocol: 1, device_id: device, events: [sent], cursor: 0 });
        const result = precheckSync(raw);
        if (!result.ok) throw new Error(result.message);
        const [checked] = result.events;
        expect(checked).toMatchObject({ hashOk: true, issue: null });
        expect(checked?.body).toBe(JSON.stringify(sorted(event)));
      }),
      { numRuns: 200 },
    );
  });

  it('answers a body that is not JSON, or not a sync request, with the error to send', () => {
    expect(precheckSync('{"protocol": 1,')).toEqual({
      ok: false,
      status: 400,
      code: 'invalid_json',
      message: 'the request body is not valid JSON',
    });
    const wrong = precheckSync(
      JSON.stringify({ protocol: 1, device_id: 'd', events: {}, cursor: 0 }),
    );
    expect(wrong).toMatchObject({ ok: false, status: 400, code: 'invalid_input' });
    expect(wrong.ok ? '' : wrong.message).toMatch(/^invalid sync request: events: /);
  });

  it('gives on a thread exactly the answers of the main thread', async () => {
    const pool = new Prechecker(2);
    const { raw } = await mixedBatch();
    const bodies = [
      raw,
      '{"protocol": 1,',
      '',
      JSON.stringify({ protocol: 1, device_id: 'd', events: [], cursor: 0 }),
    ];
    // Several at once, so that both threads take some.
    const answers = await Promise.all([...bodies, ...bodies].map((b) => pool.check(b)));
    expect(answers).toEqual([...bodies, ...bodies].map((b) => precheckSync(b)));
    expect(pool.checkedOnThreads).toBe(8);
    expect(pool.threaded).toBe(true);
  });

  it('takes its size from LOYALTY_SYNC_THREADS, and refuses a size that is not one', () => {
    expect(defaultSyncThreads({ LOYALTY_SYNC_THREADS: '0' })).toBe(0);
    expect(defaultSyncThreads({ LOYALTY_SYNC_THREADS: '3' })).toBe(3);
    const fallback = defaultSyncThreads({});
    expect(fallback).toBeGreaterThanOrEqual(0);
    expect(fallback).toBeLessThanOrEqual(4);
    expect(defaultSyncThreads({ LOYALTY_SYNC_THREADS: '' })).toBe(fallback);
    for (const bad of ['two', '-1', '1.5', '65'])
      expect(() => defaultSyncThreads({ LOYALTY_SYNC_THREADS: bad })).toThrow(
        `LOYALTY_SYNC_THREADS must be a whole number from 0 to 64, got ${bad}`,
      );
  });

  it('checks on the main thread when asked for no threads, or for a lone batch', async () => {
    const none = new Prechecker(0);
    const { raw } = await mixedBatch();
    expect(await none.check(raw)).toEqual(precheckSync(raw));
    expect(none.checkedOnThreads).toBe(0);
    expect(none.threaded).toBe(false);

    const pool = new Prechecker(1);
    expect(await pool.check(raw, false)).toEqual(precheckSync(raw));
    expect(pool.checkedOnThreads).toBe(0);
    expect(await pool.check(raw, true)).toEqual(precheckSync(raw));
    expect(pool.checkedOnThreads).toBe(1);
  });

  it('answers every batch on the main thread once a thread has died', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const pool = new Prechecker(1, new URL('./fixtures/crashing-worker.mjs', import.meta.url));
    const { raw } = await mixedBatch();
    const first = await Promise.all([pool.check(raw), pool.check('{')]);
    expect(first).toEqual([precheckSync(raw), precheckSync('{')]);
    expect(pool.threaded).toBe(false);
    expect(await pool.check(raw)).toEqual(precheckSync(raw));
    expect(pool.checkedOnThreads).toBe(0);
    expect(logged).toHaveBeenCalledWith(
      'sync precheck thread failed; checking on the main thread:',
      expect.anything(),
    );
  });
});

/** One till's batch with each kind of verdict, the same whichever server it goes to. */
async function tillBatch(till: TestDevice): Promise<unknown[]> {
  const member = randomUUID();
  const tag = member.slice(0, 8);
  const enrolled = await till.event('member_enrolled', member, enrollment(`c-${tag}`, `R${tag}`));
  const bought = await till.event('purchase_recorded', member, purchase(randomUUID(), 20_000));
  const prev = till.prev;
  const malformed: Record<string, unknown> = {
    ...(await till.event('purchase_recorded', member, purchase(randomUUID(), 5_000))),
  };
  delete malformed.event_id;
  // The malformed event never joins the chain.
  till.seq -= 1;
  till.prev = prev;
  const badPayload = await till.event('purchase_recorded', member, {
    ...purchase(randomUUID(), 5_000),
    amount_paid: 1,
  });
  const edited = await till.event('purchase_recorded', member, purchase(randomUUID(), 9_000));
  const forged = { ...edited, payload: { ...edited.payload, receipt_id: 'forged' } };
  return [enrolled, bought, malformed, badPayload, forged, bought];
}

/** Acks with event ids replaced by their place in the batch. */
function shapeOf(acks: { event_id: string }[], batch: unknown[]): unknown[] {
  const ids = batch.map((e) => (e as { event_id?: string }).event_id ?? '');
  return acks.map((a) => ({ ...a, event_id: ids.indexOf(a.event_id) }));
}

describe('POST /sync with and without precheck threads', () => {
  it('answers the same acks, and uses the thread when syncs overlap', async () => {
    const answers: unknown[][] = [];
    for (const syncThreads of [1, 0]) {
      const s: Running = await startServer('sqlite', { syncThreads });
      try {
        const tills: TestDevice[] = [];
        for (const name of ['A', 'B', 'C'])
          tills.push(await TestDevice.pair(s, 'store-1', 'cashier', name));
        const before = s.app.ctx.prechecker.checkedOnThreads;
        const batches = await Promise.all(tills.map((t) => tillBatch(t)));
        const results = await Promise.all(tills.map((t, i) => t.sync(batches[i])));
        const onThreads = s.app.ctx.prechecker.checkedOnThreads - before;
        if (syncThreads === 1) expect(onThreads).toBeGreaterThanOrEqual(1);
        else expect(onThreads).toBe(0);
        answers.push(
          results.map((r, i) => {
            expect(r.status).toBe(200);
            return shapeOf(r.body.acks, batches[i] as unknown[]);
          }),
        );
      } finally {
        await s.close();
      }
    }
    expect(answers[0]).toEqual(answers[1]);
    // Each kind of verdict is there: applied, malformed, invalid payload, bad hash, duplicate.
    expect(answers[0]?.[0]).toMatchObject([
      { event_id: 0, status: 'applied' },
      { event_id: 1, status: 'applied' },
      { event_id: 2, status: 'rejected', reason: 'invalid_event' },
      { event_id: 3, status: 'rejected', reason: 'invalid_event' },
      { event_id: 4, status: 'rejected', reason: 'bad_hash' },
      { event_id: 1, status: 'duplicate' },
    ]);
  });
});
