/**
 * Identifiers made by devices and the server: UUID version 7 (RFC 9562), a 48-bit Unix time in
 * milliseconds followed by random bits. Ids made one after another sort together, so the
 * database's unique indexes on event and purchase ids take new entries at their right-hand edge
 * instead of on a random page each (about half the pages written per synced batch on SQLite;
 * see docs/decisions/0008-group-commit-and-time-ordered-ids.md). Any UUID stays valid input.
 */
const HEX: readonly string[] = Array.from({ length: 256 }, (_, i) =>
  i.toString(16).padStart(2, '0'),
);

export function uuidv7(now: number = Date.now()): string {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  const ms = Math.max(0, Math.floor(now));
  const high = Math.floor(ms / 2 ** 32); // top 16 of the 48 bits
  const low = ms >>> 0;
  b[0] = (high >>> 8) & 0xff;
  b[1] = high & 0xff;
  b[2] = (low >>> 24) & 0xff;
  b[3] = (low >>> 16) & 0xff;
  b[4] = (low >>> 8) & 0xff;
  b[5] = low & 0xff;
  b[6] = 0x70 | ((b[6] as number) & 0x0f); // version 7
  b[8] = 0x80 | ((b[8] as number) & 0x3f); // variant 10
  let s = '';
  for (let i = 0; i < 16; i += 1) {
    if (i === 4 || i === 6 || i === 8 || i === 10) s += '-';
    s += HEX[b[i] as number] as string;
  }
  return s;
}

/** The millisecond time a version 7 UUID carries (null for other versions). */
export function uuidv7Time(id: string): number | null {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i.test(id))
    return null;
  return Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}
