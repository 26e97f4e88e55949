import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  GENESIS_HASH,
  canonicalJson,
  hashEventSync,
  parseEnvelope,
  sha256HexSync,
  signEvent,
  verifyEvent,
  type UnsignedEvent,
} from './index';

const unsigned: UnsignedEvent = {
  event_id: '0b7d3c1e-8a7f-4c1e-9d55-7f1e2a3b4c5d',
  device_id: 'till-1',
  seq: 1,
  type: 'points_adjusted',
  occurred_at: '2026-03-01T10:00:00+09:00',
  store_id: 'store-1',
  staff_id: 'manager-1',
  member_id: 'member-1',
  program_version: 1,
  payload: { points: 500, reason: 'broken cup', approved_by: 'manager-1' },
  prev_hash: GENESIS_HASH,
};

describe('SHA-256 without WebCrypto', () => {
  it('matches node:crypto on texts of every length around the block edges', () => {
    for (const n of [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000]) {
      const text = 'ç가'.repeat(n).slice(0, n);
      expect(sha256HexSync(text)).toBe(createHash('sha256').update(text).digest('hex'));
    }
  });
  it('hashes an event the same way as the asynchronous form', async () => {
    expect(hashEventSync(unsigned)).toBe((await signEvent(unsigned)).hash);
  });
});

describe('event envelope and hash chain', () => {
  it('hashes the canonical form: key order does not matter, content does', async () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: null }] })).toBe('{"a":[{"c":null,"d":2}],"b":1}');
    // The top-level hash is left out; a nested key named hash is kept (the slow path).
    expect(canonicalJson({ hash: 'x', b: { hash: 'y', a: 1 } })).toBe('{"b":{"a":1,"hash":"y"}}');
    expect(canonicalJson({ z: undefined, y: [undefined, 'é'] })).toBe('{"y":[null,"é"]}');
    const signed = await signEvent(unsigned);
    expect(signed.hash).toMatch(/^[0-9a-f]{64}$/);
    const reordered = Object.fromEntries(Object.entries(signed).reverse()) as typeof signed;
    expect(await verifyEvent(reordered)).toBe(true);
    expect(
      await verifyEvent({
        ...signed,
        payload: { ...unsigned.payload, points: 5_000 },
      } as typeof signed),
    ).toBe(false);
    expect(await verifyEvent({ ...signed, prev_hash: 'f'.repeat(64) })).toBe(false);
  });

  it('validates envelopes and payloads, naming the bad field', async () => {
    const signed = await signEvent(unsigned);
    expect(parseEnvelope(signed).ok).toBe(true);
    const bad = parseEnvelope({ ...signed, payload: { ...unsigned.payload, points: 1.5 } });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.issues[0]?.path).toBe('payload.points');
    const unknownType = parseEnvelope({ ...signed, type: 'points_stolen' });
    expect(unknownType.ok).toBe(false);
    const noOffset = parseEnvelope({ ...signed, occurred_at: '2026-03-01 10:00' });
    expect(!noOffset.ok && noOffset.issues[0]?.path).toBe('occurred_at');
  });
});
