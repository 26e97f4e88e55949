import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { uuidv7 } from '../protocol';
import { DEFAULT_PROGRAM } from './default-program';
import type { EventOf } from './events';
import { MovementLog, PurchaseIndex, PurchaseRecord, type Movement } from './state';

function record(purchaseId: string, n: number): PurchaseRecord {
  const event = {
    event_id: `e-${n}`,
    member_id: 'm-1',
    store_id: 'store-1',
    device_id: 'till-1',
    seq: n,
    program_version: DEFAULT_PROGRAM.version,
    occurred_at: '2026-11-01T10:00:00+09:00',
    type: 'purchase_recorded',
    payload: { purchase_id: purchaseId },
  } as unknown as EventOf<'purchase_recorded'>;
  return new PurchaseRecord(n, purchaseId, n, n, n, 0, 0, event, 0, false, 0);
}

describe('PurchaseIndex (a member purchases by id: a sorted run, the rest in maps)', () => {
  it('finds every purchase by its id, whatever its shape and order, and lists them in the order added', () => {
    const t0 = Date.parse('2026-11-01T00:00:00Z');
    const ids = [
      // The tills' ids, one a second: each after the last (the sorted run).
      ...Array.from({ length: 6_000 }, (_, i) => uuidv7(t0 + i * 1_000)),
      // Shorter ids come before the run's last: into the maps (one, then 64 past 2,048).
      ...Array.from({ length: 3_000 }, (_, i) => `p-${i}`),
      // Short and odd ids, whose characters before the start are read as nothing.
      '',
      'a',
      'ab',
      'R-0001',
      '영수증-7',
      // Later tills' ids again: back onto the run, after a uuid made in the same millisecond
      // (its random part may put it before the other: then it goes to the maps).
      ...Array.from({ length: 100 }, (_, i) => uuidv7(t0 + 10_000_000 + Math.floor(i / 2))),
    ];
    const index = new PurchaseIndex();
    const allFound = (count: number) => {
      expect(index.size).toBe(count);
      for (const [n, id] of ids.slice(0, count).entries()) {
        expect(index.has(id)).toBe(true);
        expect(index.get(id)?.id).toBe(n);
      }
      if (count < ids.length) expect(index.has(ids[count] as string)).toBe(false);
    };
    // At the run's end, at the first id out of order, and as the maps split in 64.
    const checks = new Set([6_000, 6_001, 6_000 + 2_048, 6_000 + 2_049]);
    for (const [n, id] of ids.entries()) {
      index.add(record(id, n));
      if (checks.has(n + 1)) allFound(n + 1);
    }
    allFound(ids.length);
    expect([...index.values()].map((r) => r.purchase_id)).toEqual(ids);
    // Ids never added: after the last, between two of the run, before the first, one that
    // differs from an added id only in an early character.
    const between = `${(ids[10] as string).slice(0, -1)}${(ids[10] as string).endsWith('0') ? '1' : '0'}`;
    for (const id of [
      uuidv7(t0 + 20_000_000),
      between,
      'p-3000',
      'q-1',
      'b',
      `x${ids[0]?.slice(1) ?? ''}`,
    ]) {
      if (ids.includes(id)) continue;
      expect(index.has(id)).toBe(false);
      expect(index.get(id)).toBeUndefined();
    }
  });

  it('finds exactly the ids added, in any order and any mix (fast-check)', () => {
    const byRun = (a: string, b: string): number =>
      a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ unit: 'binary', maxLength: 12 }), { maxLength: 300 }),
        fc.uniqueArray(fc.string({ unit: 'binary', maxLength: 12 }), { maxLength: 50 }),
        fc.nat(),
        (some, others, cut) => {
          // Part of the ids in the run's order, then the rest as they came.
          const at = some.length === 0 ? 0 : cut % (some.length + 1);
          const ids = [...some.slice(0, at).sort(byRun), ...some.slice(at)];
          const index = new PurchaseIndex();
          for (const [n, id] of ids.entries()) index.add(record(id, n));
          expect(index.size).toBe(ids.length);
          for (const [n, id] of ids.entries()) expect(index.get(id)?.id).toBe(n);
          for (const id of others) if (!ids.includes(id)) expect(index.has(id)).toBe(false);
          expect([...index.values()].map((r) => r.purchase_id)).toEqual(ids);
        },
      ),
      { numRuns: Number(process.env.FC_RUNS ?? 200) },
    );
  });
});

describe('MovementLog (a member movements, in chunks)', () => {
  it('keeps movements in order across its chunks, for filter, map and iteration', () => {
    const log = new MovementLog();
    const all: Movement[] = Array.from({ length: 10_000 }, (_, i) => ({
      at: i,
      kind: i % 2 === 0 ? 'purchase' : 'redeem',
      points: i % 2 === 0 ? i : -i,
      ref: `r-${i}`,
      event_id: `e-${i}`,
    }));
    expect(log.length).toBe(0);
    expect(log.map((m) => m.at)).toEqual([]);
    for (const m of all) log.push(m);
    expect(log.length).toBe(10_000);
    expect([...log]).toEqual(all);
    expect(log.map((m) => m.at)).toEqual(all.map((m) => m.at));
    expect(log.filter((m) => m.kind === 'redeem' && m.at > 8_190 && m.at < 8_200)).toEqual(
      all.filter((m) => m.kind === 'redeem' && m.at > 8_190 && m.at < 8_200),
    );
  });

  it('holds exactly what was pushed at each edge of its arrays (the first of 256, then 4,096)', () => {
    const move = (i: number): Movement => ({
      at: i,
      kind: 'purchase',
      points: i + 1,
      ref: `r-${i}`,
      event_id: `e-${i}`,
    });
    for (const n of [1, 255, 256, 257, 4_351, 4_352, 4_353, 8_447, 8_448, 8_449]) {
      const log = new MovementLog();
      for (let i = 0; i < n; i += 1) log.push(move(i));
      const ats = Array.from({ length: n }, (_, i) => i);
      expect(log.length, `${n}`).toBe(n);
      expect(
        [...log].map((m) => m.at),
        `${n}`,
      ).toEqual(ats);
      expect(
        log.map((m) => m.at),
        `${n}`,
      ).toEqual(ats);
      expect(log.filter(() => true).length, `${n}`).toBe(n);
      // No empty slot is read as a movement, and none is left out.
      expect(log.filter((m) => m.points === m.at + 1).length, `${n}`).toBe(n);
    }
  });
});
