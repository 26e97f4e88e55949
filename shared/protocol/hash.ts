/**
 * Canonical form and SHA-256 of an event: the per-device chain (prev_hash -> hash) that makes a
 * removed or edited event visible. WebCrypto, so the same code runs in a service worker, a page
 * and Node.
 */
import type { EventEnvelope, UnsignedEvent } from './envelope';
import { sha256HexSync } from './sha256';

/** JSON with object keys sorted at every level, no whitespace; `hash` itself is left out. */
export function canonicalJson(value: unknown): string {
  // Fast path: JSON.stringify with an array replacer writes only the listed keys, in the listed
  // order, at every level. Listing every key the value holds, sorted, gives the canonical form
  // in one native call. It would drop a nested key named "hash", so such values (none of our
  // events) take the slow path.
  const keys = new Set<string>();
  if (collectKeys(value, keys, 0)) {
    keys.delete('hash');
    return JSON.stringify(value, [...keys].sort(byCodeUnit));
  }
  return canonicalSlow(value, true);
}

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Gathers object keys; false when the fast path can't be used (nested "hash", odd numbers). */
function collectKeys(value: unknown, keys: Set<string>, depth: number): boolean {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value))
      throw new RangeError('non-finite number in an event');
    return true;
  }
  if (Array.isArray(value)) {
    for (const x of value) if (!collectKeys(x, keys, depth + 1)) return false;
    return true;
  }
  for (const k of Object.keys(value)) {
    if (k === 'hash' && depth > 0) return false;
    keys.add(k);
    if (!collectKeys((value as Record<string, unknown>)[k], keys, depth + 1)) return false;
  }
  return true;
}

function canonicalSlow(value: unknown, top: boolean): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value))
      throw new RangeError('non-finite number in an event');
    return JSON.stringify(value);
  }
  if (Array.isArray(value))
    return `[${value.map((x) => (x === undefined ? 'null' : canonicalSlow(x, false))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([k, x]) => x !== undefined && !(top && k === 'hash'))
    .sort(([a], [b]) => byCodeUnit(a, b));
  return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalSlow(x, false)}`).join(',')}}`;
}

function hex(buffer: ArrayBuffer): string {
  return [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export async function sha256Hex(text: string): Promise<string> {
  return hex(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
}

/** The same hash, synchronously (inside an IndexedDB transaction). */
export function hashEventSync(event: UnsignedEvent | EventEnvelope): string {
  return sha256HexSync(canonicalJson(event));
}

/** The hash of an event: SHA-256 over its canonical form, which includes prev_hash. */
export async function hashEvent(event: UnsignedEvent | EventEnvelope): Promise<string> {
  return sha256Hex(canonicalJson(event));
}

export async function signEvent(event: UnsignedEvent): Promise<EventEnvelope> {
  return { ...event, hash: await hashEvent(event) } as EventEnvelope;
}

/** True when the event's hash is right (the chain link to prev_hash is checked by the caller). */
export async function verifyEvent(event: EventEnvelope): Promise<boolean> {
  return (await hashEvent(event)) === event.hash;
}
