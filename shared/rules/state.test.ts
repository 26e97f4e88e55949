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
  return new PurchaseRecord(
    n,
    purchaseId,
    n,
    n,
    n,
    0,
    0,
    event.event_id,
    event,
    0,
    false,
    null,
    [],
    0,
  );
}

describe('PurchaseIndex (a member purchases by id, in many small maps)', () => {
  it('finds every purchase by its id, whatever its shape, and lists them in the order added', () => {
    const ids = [
      ...Array.from({ length: 6_000 }, () => uuidv7()),
      ...Array.from({ length: 3_000 }, (_, i) => `p-${i}`),
      // Short and odd ids, whose characters before the start are read as nothing.
      '',
      'a',
      'ab',
      'R-0001',
      '영수증-7',
    ];
    const index = new PurchaseIndex();
    // One map up to 2,048 purchases, then 64: every purchase found before and after the split.
    const allFound = (count: number) => {
      expect(index.size).toBe(count);
      for (const [n, id] of ids.slice(0, count).entries()) {
        expect(index.has(id)).toBe(true);
        expect(index.get(id)?.id).toBe(n);
      }
      expect(index.has(ids[count] as string)).toBe(false);
    };
    for (const [n, id] of ids.entries()) {
      index.add(record(id, n));
      if (n + 1 === 2_048 || n + 1 === 2_049) allFound(n + 1);
    }
    expect(index.size).toBe(ids.length);
    for (const [n, id] of ids.entries()) {
      expect(index.has(id)).toBe(true);
      expect(index.get(id)?.id).toBe(n);
    }
    expect([...index.values()].map((r) => r.purchase_id)).toEqual(ids);
    // Ids never added, including ones that differ from an added id only in an early character.
    for (const id of ['p-3000', 'q-1', 'b', `x${ids[0]?.slice(1) ?? ''}`]) {
      expect(index.has(id)).toBe(false);
      expect(index.get(id)).toBeUndefined();
    }
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
});
