/**
 * PIN hashes and phone hashes as the endpoint makes them and devices check them offline:
 * `scrypt$N$r$p$salt$hash` (base64url), and HMAC-SHA-256 of the normalized phone number.
 */
import { hmac } from '@noble/hashes/hmac';
import { scrypt } from '@noble/hashes/scrypt';
import { sha256 } from '@noble/hashes/sha2';

function fromBase64url(text: string): Uint8Array {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

function toBase64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

/** Hashes a PIN the way the endpoint does (scrypt N=16384, r=8, p=1, 16-byte salt). */
export function hashPinSync(pin: string): string {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const key = scrypt(new TextEncoder().encode(pin), salt, { N: 16_384, r: 8, p: 1, dkLen: 32 });
  return `scrypt$16384$8$1$${toBase64url(salt)}$${toBase64url(key)}`;
}

/** Checks a PIN against a stored scrypt hash (slow on purpose: ~0.1 s). */
export function verifyPinHash(pin: string, stored: string): boolean {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const expected = fromBase64url(hash);
  const key = scrypt(new TextEncoder().encode(pin), fromBase64url(salt), {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    dkLen: expected.length,
  });
  let diff = key.length ^ expected.length;
  for (let i = 0; i < Math.min(key.length, expected.length); i += 1)
    diff |= (key[i] as number) ^ (expected[i] as number);
  return diff === 0;
}

export function normalizePhone(phone: string): string {
  return phone.replace(/[^\d+]/g, '');
}

/** The keyed hash members are found by, without the device holding their number. */
export function phoneHashOf(key: string, phone: string): string {
  const mac = hmac(
    sha256,
    new TextEncoder().encode(key),
    new TextEncoder().encode(normalizePhone(phone)),
  );
  return [...mac].map((b) => b.toString(16).padStart(2, '0')).join('');
}
