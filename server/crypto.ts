/** Tokens, codes and slow salted PIN hashes (scrypt), from node:crypto. */
import {
  createHash,
  createHmac,
  hash,
  randomBytes,
  randomInt,
  scrypt,
  timingSafeEqual,
} from 'node:crypto';
import { promisify } from 'node:util';
import { canonicalJson, type EventEnvelope } from '../shared/protocol';

const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number },
) => Promise<Buffer>;

/** scrypt parameters: ~20 ms a check on this hardware; stored with each hash. */
const N = 16_384;
const R = 8;
const P = 1;

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Digits only, for pairing codes and card numbers. */
export function digits(count: number): string {
  let s = '';
  for (let i = 0; i < count; i += 1) s += String(randomInt(10));
  return s;
}

const CODE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
export function referralCode(): string {
  let s = '';
  for (let i = 0; i < 7; i += 1) s += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return s;
}

/** `scrypt$N$r$p$salt$hash`, all base64url: devices can check a staff PIN offline with it. */
export async function hashPin(pin: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(pin, salt, 32, { N, r: R, p: P });
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

export async function verifyPin(pin: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await scryptAsync(pin, Buffer.from(salt, 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** Keyed hash of a phone number: devices look members up by it without holding the number. */
export function phoneHash(key: string, phone: string): string {
  return createHmac('sha256', key).update(normalizePhone(phone)).digest('hex');
}

export function normalizePhone(phone: string): string {
  return phone.replace(/[^\d+]/g, '');
}

/** An event's hash: SHA-256 of its canonical JSON (shared/protocol), as every device makes it. */
export function hashEnvelope(event: Omit<EventEnvelope, 'hash'> | EventEnvelope): string {
  return hashOfCanonical(canonicalJson(event));
}

/** The hash of an event whose canonical JSON is made already. */
export function hashOfCanonical(canonical: string): string {
  return hash('sha256', canonical, 'hex');
}
