import { describe, expect, it } from 'vitest';
import { uuidv7, uuidv7Time } from './ids';

describe('uuidv7', () => {
  it('is an RFC 9562 version 7 UUID carrying its millisecond time', () => {
    const at = Date.UTC(2026, 10, 23, 7, 40, 12, 345);
    const id = uuidv7(at);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(id.slice(0, 13)).toBe(
      `${at.toString(16).padStart(12, '0').slice(0, 8)}-${at.toString(16).padStart(12, '0').slice(8)}`,
    );
    expect(uuidv7Time(id)).toBe(at);
  });

  it('sorts by time as text, and ids of one millisecond differ', () => {
    const times = [0, 1, 255, 256, 2 ** 32 - 1, 2 ** 32, Date.UTC(2030, 0, 1), 2 ** 48 - 1];
    const ids = times.map((t) => uuidv7(t));
    expect([...ids].sort()).toEqual(ids);
    expect(ids.map((id) => uuidv7Time(id))).toEqual(times);
    const same = new Set(Array.from({ length: 1000 }, () => uuidv7(1_800_000_000_000)));
    expect(same.size).toBe(1000);
  });

  it('reads no time from other UUID versions', () => {
    expect(uuidv7Time('3b241101-e2bb-4255-8caf-4136c566a962')).toBeNull();
    expect(uuidv7Time('not a uuid')).toBeNull();
  });
});
