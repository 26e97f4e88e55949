import { createHash } from 'node:crypto';
import fc from 'fast-check';
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
    // The top-level hash is left out; a nested key named hash is kept.
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

  it('keeps the canonical form of earlier versions (events already in outboxes still verify)', () => {
    // Pinned from the version before the hand-written serializer.
    expect(hashEventSync(unsigned)).toBe(
      '5e104989a13e0ee27cec54db9d6c726f1631493d9e5111b96a64fa49b420b229',
    );
    const odd = {
      q: 'quote " back \\ tab \t nl \n ctl \u0001 emoji 😀 lone \ud800 한글',
      n: [-0, 1e21, 1.5e-7, 123456789012345],
      hash: 'top',
      o: { hash: 'kept', é: true, B: false, a: null },
    };
    expect(canonicalJson(odd)).toBe(
      '{"n":[0,1e+21,1.5e-7,123456789012345],"o":{"B":false,"a":null,"hash":"kept","é":true},"q":"quote \\" back \\\\ tab \\t nl \\n ctl \\u0001 emoji 😀 lone \\ud800 한글"}',
    );
  });

  it('equals JSON.stringify of the value with its keys sorted, for any JSON value', () => {
    // Reference: keys sorted, then each part through JSON.stringify.
    const reference = (x: unknown, top: boolean): string =>
      Array.isArray(x)
        ? `[${x.map((y) => reference(y, false)).join(',')}]`
        : x !== null && typeof x === 'object'
          ? `{${Object.keys(x)
              .filter((k) => !(top && k === 'hash'))
              .sort()
              .map(
                (k) =>
                  `${JSON.stringify(k)}:${reference((x as Record<string, unknown>)[k], false)}`,
              )
              .join(',')}}`
          : JSON.stringify(x);
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(canonicalJson(value)).toBe(reference(value, true));
      }),
      { numRuns: 500 },
    );
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
