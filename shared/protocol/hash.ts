/**
 * Canonical form and SHA-256 of an event: the per-device chain (prev_hash -> hash) that makes a
 * removed or edited event visible. WebCrypto, so the same code runs in a service worker, a page
 * and Node.
 */
import type { EventEnvelope, UnsignedEvent } from './envelope';

/** JSON with object keys sorted at every level, no whitespace; `hash` itself is left out. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value))
      throw new RangeError('non-finite number in an event');
    return JSON.stringify(value);
  }
  if (Array.isArray(value))
    return `[${value.map((x) => canonicalJson(x === undefined ? null : x)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([k, x]) => x !== undefined && k !== 'hash')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
}

function hex(buffer: ArrayBuffer): string {
  return [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export async function sha256Hex(text: string): Promise<string> {
  return hex(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
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
