/**
 * The endpoint killed (SIGKILL) while tills push: no acknowledged event is lost, none is stored
 * twice, every device's chain is whole, and the SQLite file is sound. Acks are sent only after
 * the COMMIT that stores them (group commit, decision 0008), and a till sends again what it got
 * no answer for.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { GENESIS_HASH, PROTOCOL_VERSION, hashEventSync } from '../../shared/protocol';
import { DEFAULT_PROGRAM, formatInstant } from '../../shared/rules';
import { ADMIN_TOKEN, enrollment, purchase } from '../support/server';

const root = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'loyalty-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((ok) => probe.listen(0, '127.0.0.1', () => ok()));
  const port = (probe.address() as AddressInfo).port;
  await new Promise((ok) => probe.close(ok));
  return port;
}

function start(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      LOYALTY_DATA_DIR: dir,
      LOYALTY_ADMIN_TOKEN: ADMIN_TOKEN,
      DATABASE_URL: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((ok, fail) => {
    let out = '';
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('Pair a device')) ok(child);
    });
    child.once('exit', (code) => fail(new Error(`exited ${code}: ${out}`)));
  });
}

/** A till's chain: members enrolled, then their purchases, in batches of 50. */
function batches(deviceId: string, count: number): unknown[][] {
  const out: unknown[][] = [];
  let prev = GENESIS_HASH;
  const members: string[] = [];
  const t0 = Date.now() - 86_400_000;
  for (let seq = 1; seq <= count; seq += 1) {
    const enroll = seq % 10 === 1;
    const member = enroll ? randomUUID() : (members[seq % members.length] as string);
    if (enroll) members.push(member);
    const unsigned = {
      event_id: randomUUID(),
      device_id: deviceId,
      seq,
      type: enroll ? 'member_enrolled' : 'purchase_recorded',
      occurred_at: formatInstant('Asia/Seoul', t0 + seq * 1_000),
      store_id: 'store-1',
      staff_id: null,
      member_id: member,
      program_version: DEFAULT_PROGRAM.version,
      payload: enroll
        ? enrollment(`card-${member}`, `R-${member}`)
        : purchase(randomUUID(), 10_000, { points_earned: 200 }),
      prev_hash: prev,
    };
    const event = { ...unsigned, hash: hashEventSync(unsigned as never) };
    prev = event.hash;
    if ((seq - 1) % 50 === 0) out.push([]);
    out.at(-1)?.push(event);
  }
  return out;
}

describe('the endpoint killed while tills push (SQLite)', () => {
  it('loses no acknowledged event and stores none twice', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}/api/v1`;
    let server = await start(port);
    const call = async (path: string, body: unknown, token = ADMIN_TOKEN) => {
      const res = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Record<string, any> };
    };
    const tills: { device_id: string; token: string; batches: unknown[][] }[] = [];
    for (const name of ['Till 1', 'Till 2', 'Till 3']) {
      const made = await call('/devices', { store_id: 'store-1', role: 'cashier', name });
      const paired = await call('/devices/pair', { pairing_code: made.body.pairing_code });
      const { device_id, token } = paired.body as { device_id: string; token: string };
      tills.push({ device_id, token, batches: batches(device_id, 1_500) });
    }
    let unanswered = 0;
    let acked = 0;
    const push = async (till: (typeof tills)[number]) => {
      for (let b = 0; b < till.batches.length;) {
        try {
          const res = await call(
            '/sync',
            {
              protocol: PROTOCOL_VERSION,
              device_id: till.device_id,
              events: till.batches[b],
              cursor: 0,
              limit: 1,
            },
            till.token,
          );
          expect(res.status).toBe(200);
          for (const ack of res.body.acks) expect(['applied', 'duplicate']).toContain(ack.status);
          b += 1;
          acked += 1;
        } catch (error) {
          if (!String(error).includes('fetch failed')) throw error;
          unanswered += 1; // no answer: the endpoint is down; send the same batch again
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    };
    // Killed at set points of the push (90 batches in all), however fast this machine is.
    const kills = (async () => {
      for (const at of [10, 35, 60]) {
        while (acked < at) await new Promise((r) => setTimeout(r, 5));
        const dead = new Promise((r) => server.once('exit', r));
        server.kill('SIGKILL');
        await dead;
        server = await start(port);
      }
    })();
    try {
      await Promise.all([...tills.map(push), kills]);
      expect(unanswered).toBeGreaterThan(0); // the kills did land mid-push
    } finally {
      const dead = new Promise((r) => server.once('exit', r));
      server.kill('SIGTERM');
      await dead;
    }
    const db = new Database(join(dir, 'loyalty.db'), { readonly: true });
    try {
      const rows = db
        .prepare(
          `SELECT device_id, COUNT(*) AS n, COUNT(DISTINCT seq) AS seqs, MAX(seq) AS last
           FROM events WHERE device_id LIKE 'cashier-%' GROUP BY device_id ORDER BY device_id`,
        )
        .all();
      expect(rows).toEqual(
        tills
          .map((t) => ({ device_id: t.device_id, n: 1_500, seqs: 1_500, last: 1_500 }))
          .sort((a, b) => a.device_id.localeCompare(b.device_id)),
      );
      expect(db.prepare(`SELECT COUNT(*) AS n FROM purchases`).get()).toEqual({ n: 3 * 1_350 });
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
  }, 120_000);
});
