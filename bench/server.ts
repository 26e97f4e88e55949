/**
 * Server benchmarks:
 * - sync ingest: events per second through POST /sync in batches of 100 (eight devices pushing
 *   at once), on SQLite and on PostgreSQL; beside it, the rate of inserting the same rows (each
 *   event, and its purchase or member row) straight into the same database in transactions of
 *   100 events (the limit). On SQLite the limit is measured twice: on a connection opened as the
 *   endpoint opens its own (checkpoints on a thread), and on one that checkpoints inside its
 *   commits, as SQLite does by default. Where Linux's /proc is there, it also prints the CPU an
 *   event took on the endpoint's threads and in the load (this process), against what the
 *   machine's cores can give an event at 20,000 events/s.
 * - sync ingest for members with long histories (every sale is re-checked on its member's state).
 * - GET /customers/{id}/points latency with 100,000 members and 1,000,000 events stored.
 */
import {
  GENESIS_HASH,
  PROTOCOL_VERSION,
  canonicalJson,
  uuidv7,
  type EventEnvelope,
} from '../shared/protocol';
import { DEFAULT_PROGRAM, formatInstant, type Payload } from '../shared/rules';
import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashEnvelope, openDatabase, type Database } from '../server';
import { GAP_MS } from '../server/db/checkpointer';
import { openSqlite } from '../server/db/sqlite';
import {
  ADMIN_TOKEN,
  createPgDatabase,
  purchase,
  startServer,
  type Backend,
} from '../test/support/server';
import { fmt, summarizeTimes } from './stats';

const BATCH = 100;
/** Tills pushing at once (a central endpoint hears from many devices). */
const DEVICES = Number(process.env.BENCH_INGEST_DEVICES ?? 8);

/**
 * Builds a device's chain of events: enrollments and purchases for its own members, with ids
 * made the way the tills make them (shared/protocol uuidv7). A new member every tenth event, or
 * with `memberCount`, that many members first and then only their purchases.
 */
function chain(
  deviceId: string,
  storeId: string,
  count: number,
  startSeq = 0,
  startHash = GENESIS_HASH,
  memberCount?: number,
): EventEnvelope[] {
  const out: EventEnvelope[] = [];
  let prev = startHash;
  const members: string[] = [];
  const t0 = Date.now() - 30 * 86_400_000;
  for (let i = 0; i < count; i += 1) {
    const enroll =
      memberCount === undefined ? members.length === 0 || i % 10 === 0 : i < memberCount;
    const member = enroll ? uuidv7() : (members[i % members.length] as string);
    if (enroll) members.push(member);
    const amount = 5_000 + ((i * 7_919) % 95_000);
    const payload = enroll
      ? ({
          card_number: `c-${member}`,
          referral_code: `r-${member}`,
          referred_by: null,
          birthday: null,
          name: 'Bench',
          phone: null,
          phone_hash: null,
          consent: true,
        } satisfies Payload<'member_enrolled'>)
      : purchase(uuidv7(), amount, {
          lines: [{ sku: 'latte', category: 'drink', quantity: 1, unit_price: amount }],
          stamps_added: 1,
        });
    const unsigned = {
      event_id: uuidv7(),
      device_id: deviceId,
      seq: startSeq + i + 1,
      type: enroll ? 'member_enrolled' : 'purchase_recorded',
      occurred_at: formatInstant('Asia/Seoul', t0 + i * 1_000),
      store_id: storeId,
      staff_id: null,
      member_id: member,
      program_version: DEFAULT_PROGRAM.version,
      payload,
      prev_hash: prev,
    };
    const event = {
      ...unsigned,
      hash: hashEnvelope(unsigned as unknown as EventEnvelope),
    } as unknown as EventEnvelope;
    prev = event.hash;
    out.push(event);
  }
  return out;
}

interface Spawned {
  readonly base: string;
  /** The endpoint's process id. */
  readonly pid: number;
  readonly db: { file?: string; url?: string };
  stop(): Promise<void>;
  cleanup(): Promise<void>;
}

/** The endpoint as `npm start` runs it, in its own process (the load comes from this one). */
async function spawnServer(backend: Backend): Promise<Spawned> {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', LOYALTY_ADMIN_TOKEN: ADMIN_TOKEN };
  const db: { file?: string; url?: string } = {};
  let drop = async (): Promise<void> => undefined;
  const dir = mkdtempSync(join(tmpdir(), 'loyalty-bench-'));
  if (backend === 'sqlite') {
    env.LOYALTY_DATA_DIR = dir;
    db.file = join(dir, 'loyalty.db');
  } else {
    const created = await createPgDatabase();
    env.DATABASE_URL = created.url;
    db.url = created.url;
    drop = created.drop;
  }
  const profile = process.env.BENCH_SERVER_PROFILE
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_SERVER_PROFILE}`]
    : [];
  const child = spawn(
    process.execPath,
    [
      ...profile,
      ...(process.env.BENCH_SERVER_FLAGS ?? '').split(' ').filter(Boolean),
      '--import',
      'tsx',
      'server/main.ts',
    ],
    {
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const base = await new Promise<string>((resolveBase, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /on (http:\/\/[\d.]+:\d+)/.exec(out);
      if (m) resolveBase(`${m[1]}/api/v1`);
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
  child.stdout.resume();
  return {
    base,
    pid: child.pid as number,
    db,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
    async cleanup() {
      await drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The fields of the answers the benchmark reads back. */
interface Answer {
  pairing_code: string;
  device_id: string;
  token: string;
  acks: { status: string }[];
}

/** Keep-alive connections and node:http (lighter than fetch): the figure should be the server's. */
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

function post(base: string, path: string, body: string, token: string): Promise<Answer> {
  return new Promise((resolvePost, reject) => {
    const req = request(
      `${base}${path}`,
      {
        method: 'POST',
        agent,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          try {
            const json = JSON.parse(Buffer.concat(chunks).toString()) as Answer;
            if ((res.statusCode ?? 500) >= 400)
              reject(new Error(`${path}: ${JSON.stringify(json)}`));
            else resolvePost(json);
          } catch (error) {
            reject(error as Error);
          }
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** A POST /sync body pushing `events` (and pulling at most one change back). */
function syncBody(deviceId: string, events: readonly EventEnvelope[]): string {
  return JSON.stringify({
    protocol: PROTOCOL_VERSION,
    device_id: deviceId,
    events,
    cursor: 0,
    limit: 1,
  });
}

/** Pushes the bodies one after another; every event must be applied. */
async function pushAll(base: string, token: string, bodies: readonly string[]): Promise<void> {
  for (const body of bodies) {
    const res = await post(base, '/sync', body, token);
    if (res.acks.some((a) => a.status !== 'applied'))
      throw new Error(`ingest failed: ${JSON.stringify(res.acks[0])}`);
  }
}

interface TillRequest {
  readonly bytes: Buffer;
  readonly events: number;
}

/**
 * One till's connection for the ingest rounds, as lean as a load generator can be (wrk's way):
 * requests are bytes made before the clock starts, and an answer is read as text, not parsed.
 * Tills are other machines; here the load shares the endpoint's two cores, and what it spends
 * there is taken from the endpoint's figure. Every answer is still checked: status 200, and one
 * "applied" ack for each event pushed.
 */
class LeanTill {
  private readonly socket: Socket;
  private buffered: Buffer = Buffer.alloc(0);
  private waiting: { resolve: (text: string) => void; reject: (e: Error) => void } | null = null;

  private constructor(
    socket: Socket,
    private readonly host: string,
    private readonly path: string,
    private readonly token: string,
  ) {
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.read(chunk));
    socket.on('error', (e) => this.fail(e));
    socket.on('close', () => this.fail(new Error('the endpoint closed the connection')));
  }

  static open(base: string, token: string): Promise<LeanTill> {
    const url = new URL(`${base}/sync`);
    return new Promise((resolveOpen, reject) => {
      const socket = connect(Number(url.port), url.hostname, () =>
        resolveOpen(new LeanTill(socket, url.host, url.pathname, token)),
      );
      socket.once('error', reject);
    });
  }

  /** The request pushing `events` (its bytes made before the clock starts). */
  request(deviceId: string, events: readonly EventEnvelope[]): TillRequest {
    const payload = Buffer.from(syncBody(deviceId, events));
    const head =
      `POST ${this.path} HTTP/1.1\r\nhost: ${this.host}\r\nauthorization: Bearer ${this.token}\r\n` +
      `content-type: application/json\r\ncontent-length: ${payload.length}\r\n\r\n`;
    return { bytes: Buffer.concat([Buffer.from(head), payload]), events: events.length };
  }

  /** Sends the requests one after another; each answer must apply every event it pushed. */
  async pushAll(requests: readonly TillRequest[]): Promise<void> {
    for (const { bytes, events } of requests) {
      const answer = new Promise<string>((resolve, reject) => {
        this.waiting = { resolve, reject };
      });
      this.socket.write(bytes);
      const text = await answer;
      let applied = 0;
      for (
        let i = text.indexOf('"status":"applied"');
        i >= 0;
        i = text.indexOf('"status":"applied"', i + 1)
      )
        applied += 1;
      if (applied !== events) throw new Error(`ingest failed: ${text.slice(0, 500)}`);
    }
  }

  close(): void {
    this.socket.removeAllListeners('close');
    this.socket.destroy();
  }

  private read(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const end = this.buffered.indexOf('\r\n\r\n');
    if (end < 0) return;
    const head = this.buffered.subarray(0, end).toString('latin1');
    const length = /\r\ncontent-length: *(\d+)/i.exec(head);
    if (!length) return this.fail(new Error(`an answer without content-length: ${head}`));
    const total = end + 4 + Number(length[1]);
    if (this.buffered.length < total) return;
    const body = this.buffered.subarray(end + 4, total).toString('utf8');
    this.buffered = this.buffered.subarray(total);
    const waiting = this.waiting;
    this.waiting = null;
    if (!head.startsWith('HTTP/1.1 200 ')) waiting?.reject(new Error(`${head}\n${body}`));
    else waiting?.resolve(body);
  }

  private fail(error: Error): void {
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.reject(error);
  }
}

async function pair(base: string, name: string): Promise<{ device_id: string; token: string }> {
  const made = await post(
    base,
    '/devices',
    JSON.stringify({ store_id: 'store-1', role: 'cashier', name }),
    ADMIN_TOKEN,
  );
  return post(
    base,
    '/devices/pair',
    JSON.stringify({ pairing_code: made.pairing_code }),
    ADMIN_TOKEN,
  );
}

/**
 * Rounds of the endpoint's ingest and of the direct inserts, one after the other: this machine's
 * speed drifts by a third within a minute, and alternating puts both figures under the same drift.
 */
const ROUNDS = 4;
/** Batches of each limit connection inserted untimed first, as the endpoint's warm-up. */
const WARM_BATCHES = 5;

/**
 * A pause between the parts of a round, so that a checkpoint thread still busy with one part's
 * last commits (it runs up to GAP_MS after them) does not slow the next part down.
 */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 3 * GAP_MS));
}

/**
 * CPU time each thread of a process has used so far, in nanoseconds (Linux: the first field of
 * /proc/<pid>/task/<tid>/schedstat), the process's main thread apart; null where /proc is not.
 */
function threadCpu(pid: number): { main: number; others: number } | null {
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return null;
  }
  const used = { main: 0, others: 0 };
  for (const tid of tids) {
    let ns: number;
    try {
      ns = Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      continue; // a thread that ended between the listing and the read
    }
    if (tid === String(pid)) used.main += ns;
    else used.others += ns;
  }
  return used;
}

/** CPU an event took while the devices pushed, in microseconds. */
interface IngestCpu {
  /** The endpoint's main thread (HTTP, the writer, the rules' re-check, SQLite's statements). */
  readonly main: number;
  /** Its other threads: the sync check, WAL checkpoints, V8's collector and compiler. */
  readonly others: number;
  /** This process: the eight tills' sockets. */
  readonly client: number;
}

/** Figures of one ingest run (events per second). */
interface IngestFigures {
  readonly rate: number;
  /** Where the endpoint's part of the rounds spent CPU (null where it cannot be read). */
  readonly cpu: IngestCpu | null;
  /** Direct inserts on a connection opened as the endpoint opens its own. */
  readonly limit: number;
  /** SQLite: direct inserts on a connection that checkpoints inside its commits (SQLite's way). */
  readonly plainLimit?: number;
}

/** One inserting connection of the limit, with its own rows and its share of the clock. */
interface LimitSide {
  readonly db: Database;
  readonly batches: EventEnvelope[][];
  readonly seqBase: number;
  ms: number;
}

async function ingest(backend: Backend, perDevice: number): Promise<IngestFigures> {
  const server = await spawnServer(backend);
  const sides: LimitSide[] = [];
  let tills: LeanTill[] = [];
  try {
    const devices = await Promise.all(
      Array.from({ length: DEVICES }, (_, i) => pair(server.base, `bench-${i + 1}`)),
    );
    // Request bodies and rows are made before the clock starts: the figures are the databases'.
    tills = await Promise.all(devices.map((d) => LeanTill.open(server.base, d.token)));
    const bodies = devices.map((d, i) =>
      split(chain(d.device_id, 'store-1', perDevice), BATCH).map((events) =>
        (tills[i] as LeanTill).request(d.device_id, events),
      ),
    );
    const total = perDevice * devices.length;
    const warm = await pair(server.base, 'warm');
    await pushAll(
      server.base,
      warm.token,
      split(chain(warm.device_id, 'store-1', 500), BATCH).map((e) => syncBody(warm.device_id, e)),
    );
    // The limit's own connections to the same database, beside the endpoint's (idle meanwhile):
    // one opened as the endpoint opens its own (on SQLite, with a checkpoint thread), and on
    // SQLite one more that checkpoints inside its commits, as SQLite does by default.
    const connections = [await openDatabase(server.db)];
    if (server.db.file)
      connections.push(await openSqlite(server.db.file, { checkpointThread: false }));
    const first = connections[0] as Database;
    let seqBase =
      Number((await first.get<{ v: number }>(`SELECT MAX(server_seq) AS v FROM events`))?.v ?? 0) +
      1_000_000;
    for (const [i, db] of connections.entries()) {
      const side: LimitSide = {
        db,
        batches: split(
          chain(`direct-device-${i + 1}`, 'store-1', total + WARM_BATCHES * BATCH),
          BATCH,
        ),
        seqBase,
        ms: 0,
      };
      sides.push(side);
      seqBase += 1_000_000;
      await insertDirect(db, side.batches.slice(0, WARM_BATCHES), side.seqBase);
    }
    let endpointMs = 0;
    // CPU of the endpoint's threads and of this process over the endpoint's parts of the rounds.
    let cpu: { main: number; others: number; client: number } | null = {
      main: 0,
      others: 0,
      client: 0,
    };
    const perRound = Math.ceil(perDevice / BATCH / ROUNDS);
    const directPerRound = Math.ceil(total / BATCH / ROUNDS);
    for (let r = 0; r < ROUNDS; r += 1) {
      const cpu0 = threadCpu(server.pid);
      const client0 = process.cpuUsage();
      const t0 = performance.now();
      await Promise.all(
        tills.map((till, i) =>
          till.pushAll((bodies[i] as TillRequest[]).slice(r * perRound, (r + 1) * perRound)),
        ),
      );
      endpointMs += performance.now() - t0;
      const client = process.cpuUsage(client0);
      const cpu1 = threadCpu(server.pid);
      if (cpu && cpu0 && cpu1) {
        cpu.main += cpu1.main - cpu0.main;
        cpu.others += cpu1.others - cpu0.others;
        cpu.client += (client.user + client.system) * 1_000;
      } else cpu = null;
      for (const side of sides) {
        await settle();
        const t1 = performance.now();
        await insertDirect(
          side.db,
          side.batches.slice(
            WARM_BATCHES + r * directPerRound,
            WARM_BATCHES + (r + 1) * directPerRound,
          ),
          side.seqBase + (WARM_BATCHES + r * directPerRound) * BATCH,
        );
        side.ms += performance.now() - t1;
      }
      await settle();
    }
    const rateOf = (ms: number): number => total / (ms / 1000);
    const perEvent = (ns: number): number => ns / total / 1_000;
    return {
      rate: rateOf(endpointMs),
      cpu: cpu && {
        main: perEvent(cpu.main),
        others: perEvent(cpu.others),
        client: perEvent(cpu.client),
      },
      limit: rateOf((sides[0] as LimitSide).ms),
      ...(sides[1] ? { plainLimit: rateOf(sides[1].ms) } : {}),
    };
  } finally {
    for (const till of tills) till.close();
    for (const side of sides) await side.db.close();
    await server.stop();
    await server.cleanup();
  }
}

function split<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * The limit: the same rows the endpoint stores, inserted straight into the same tables as
 * multi-row statements, one transaction per batch of 100 events: each event's row, and the
 * purchase row of a purchase or the member row of an enrollment. `seq` numbers the rows from
 * `firstSeq` (far above the endpoint's).
 */
async function insertDirect(
  db: Database,
  batches: readonly EventEnvelope[][],
  firstSeq: number,
): Promise<void> {
  const values = (count: number, width: number): string =>
    Array.from(
      { length: count },
      () => `(${Array.from({ length: width }, () => '?').join(', ')})`,
    ).join(', ');
  let n = firstSeq;
  for (const batch of batches) {
    const events: unknown[] = [];
    const purchases: unknown[] = [];
    const members: unknown[] = [];
    const received = new Date().toISOString();
    for (const e of batch) {
      n += 1;
      events.push(
        n,
        e.event_id,
        e.device_id,
        e.seq,
        e.type,
        e.member_id,
        e.store_id,
        e.occurred_at,
        JSON.stringify(e),
        e.hash,
        'applied',
        null,
        null,
        received,
      );
      if (e.type === 'purchase_recorded') {
        purchases.push(e.payload.purchase_id, e.member_id, e.store_id, e.event_id);
      } else if (e.type === 'member_enrolled') {
        const p = e.payload;
        members.push(
          e.member_id,
          p.card_number,
          p.referral_code,
          p.phone,
          p.phone_hash,
          p.name,
          p.birthday,
          null,
          0,
          0,
          p.referred_by,
          e.store_id,
          p.consent ? 1 : 0,
          e.occurred_at,
        );
      }
    }
    await db.transaction(async (tx) => {
      await tx.run(
        `INSERT INTO events (server_seq, event_id, device_id, seq, type, member_id, store_id, occurred_at, body, hash, status, reason, flags, received_at) VALUES ${values(events.length / 14, 14)}`,
        events,
      );
      if (purchases.length > 0)
        await tx.run(
          `INSERT INTO purchases (purchase_id, member_id, store_id, event_id) VALUES ${values(purchases.length / 4, 4)}`,
          purchases,
        );
      if (members.length > 0)
        await tx.run(
          `INSERT INTO members (member_id, card_number, referral_code, phone, phone_hash, name, birthday, pin_hash, pin_failures, pin_locked_until_ms, referred_by, store_id, consent, enrolled_at) VALUES ${values(members.length / 14, 14)}`,
          members,
        );
    });
  }
}

async function pointsLatency(backend: Backend, members: number, events: number): Promise<void> {
  const s = await startServer(backend);
  try {
    const db = s.app.ctx.db;
    const t0 = performance.now();
    const perMember = Math.floor(events / members);
    const enrolledAt = Date.now() - 300 * 86_400_000;
    let seq = 0;
    const ids: string[] = [];
    for (let m0 = 0; m0 < members; m0 += 1_000) {
      await db.transaction(async (tx) => {
        for (let m = m0; m < Math.min(members, m0 + 1_000); m += 1) {
          const id = `m-${m}`;
          ids.push(id);
          await tx.run(
            `INSERT INTO members (member_id, card_number, referral_code, name, phone, store_id, enrolled_at) VALUES (?, ?, ?, ?, ?, 'store-1', ?)`,
            [
              id,
              `card-${m}`,
              `ref-${m}`,
              `Member ${m}`,
              `010${String(m).padStart(8, '0')}`,
              formatInstant('Asia/Seoul', enrolledAt),
            ],
          );
          for (let k = 0; k < perMember; k += 1) {
            seq += 1;
            const at = formatInstant('Asia/Seoul', enrolledAt + k * 86_400_000 * 3 + m);
            const amount = 3_000 + ((m * 31 + k * 7) % 60_000);
            const body =
              k === 0
                ? {
                    type: 'member_enrolled',
                    payload: {
                      card_number: `card-${m}`,
                      referral_code: `ref-${m}`,
                      referred_by: null,
                      birthday: null,
                      name: null,
                      phone: null,
                      phone_hash: null,
                      consent: true,
                    },
                  }
                : {
                    type: 'purchase_recorded',
                    payload: {
                      purchase_id: `p-${m}-${k}`,
                      receipt_id: null,
                      amount,
                      lines: [],
                      coupon_code: null,
                      coupon_discount: 0,
                      membership_discount: 0,
                      points_redeemed: 0,
                      amount_paid: amount,
                      points_earned: Math.floor(amount / 50),
                      stamps_added: 0,
                      offline: false,
                    },
                  };
            const event = {
              event_id: `e-${seq}`,
              device_id: 'seed',
              seq,
              occurred_at: at,
              store_id: 'store-1',
              staff_id: null,
              member_id: id,
              program_version: 1,
              prev_hash: GENESIS_HASH,
              hash: GENESIS_HASH,
              ...body,
            };
            await tx.run(
              `INSERT INTO events (server_seq, event_id, device_id, seq, type, member_id, store_id, occurred_at, body, hash, status, reason, flags, received_at) VALUES (?, ?, 'seed', ?, ?, ?, 'store-1', ?, ?, ?, 'applied', NULL, NULL, ?)`,
              [seq, event.event_id, seq, event.type, id, at, canonicalJson(event), event.hash, at],
            );
          }
        }
      });
    }
    await db.run(`UPDATE counters SET value = ? WHERE name = 'server_seq'`, [seq]);
    console.log(
      `  seeded ${members.toLocaleString()} members, ${seq.toLocaleString()} events in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    const times: number[] = [];
    let x = 12_345;
    for (let i = 0; i < 2_000; i += 1) {
      x = (x * 1_103_515_245 + 12_345) % 2 ** 31;
      const id = ids[x % ids.length] as string;
      const q0 = performance.now();
      const res = await fetch(`${s.base}/customers/${id}/points`, {
        headers: { authorization: `Bearer test-admin-token-0123456789` },
      });
      await res.json();
      times.push(performance.now() - q0);
      if (res.status !== 200) throw new Error(`points failed: ${res.status}`);
    }
    const t = summarizeTimes(times);
    console.log(
      `  GET /customers/{id}/points (${backend}, random members, cold cache)   median ${fmt(t.median_ms)}   p95 ${fmt(t.p95_ms)}   (${t.runs} requests)   target p95 < 10 ms`,
    );
    // The owner's member list (the console's Members tab): its first page by name, and a
    // search by a phone number's last four digits, which reads every member. No target.
    for (const [what, path] of [
      ['first page', () => '/customers?limit=20'],
      [
        'search, last 4 digits',
        () => `/customers?limit=20&q=${String(x++ % 10_000).padStart(4, '0')}`,
      ],
    ] as const) {
      const list: number[] = [];
      for (let i = 0; i < 100; i += 1) {
        const q0 = performance.now();
        const res = await fetch(`${s.base}${path()}`, {
          headers: { authorization: `Bearer test-admin-token-0123456789` },
        });
        const body = (await res.json()) as { items: unknown[] };
        list.push(performance.now() - q0);
        if (res.status !== 200 || body.items.length === 0)
          throw new Error(`list failed: ${res.status}`);
      }
      const l = summarizeTimes(list);
      console.log(
        `  GET /customers, ${what} (${backend}, ${members.toLocaleString()} members)   median ${fmt(l.median_ms)}   p95 ${fmt(l.p95_ms)}   (${l.runs} requests)`,
      );
    }
    // The owner's activity report over the days that hold every seeded event (a month with the
    // defaults: the busiest month can be here, all the events read and counted). No target.
    const day = (ms: number) => formatInstant('Asia/Seoul', ms).slice(0, 10);
    const span = `from=${day(enrolledAt)}&to=${day(enrolledAt + perMember * 3 * 86_400_000)}`;
    const pick = () => {
      x = (x * 1_103_515_245 + 12_345) % 2 ** 31;
      return ids[x % ids.length] as string;
    };
    await timeReport(
      s.base,
      `/reports/activity?${span}`,
      `GET /reports/activity, ${perMember * 3 + 1} days holding all ${seq.toLocaleString()} events (${backend})`,
      backend,
      pick,
      (body) => {
        const t = (body as { totals: { purchases: number; new_members: number } }).totals;
        return t.purchases + t.new_members === seq;
      },
    );
    // What the members hold now: every member's history replayed. No target.
    await timeReport(
      s.base,
      '/reports/points',
      `GET /reports/points, ${members.toLocaleString()} members replayed (${backend})`,
      backend,
      pick,
      (body) => (body as { members: number }).members === members,
    );
  } finally {
    await s.close();
  }
}

/**
 * Times an owner's report three times, then reads random members' points while it runs once
 * more: a report gives way to the tills between its pages.
 */
async function timeReport(
  base: string,
  path: string,
  label: string,
  backend: Backend,
  member: () => string,
  right: (body: unknown) => boolean,
): Promise<void> {
  const headers = { authorization: `Bearer test-admin-token-0123456789` };
  const reports: number[] = [];
  for (let i = 0; i < 3; i += 1) {
    const q0 = performance.now();
    const res = await fetch(`${base}${path}`, { headers });
    const body: unknown = await res.json();
    reports.push(performance.now() - q0);
    if (res.status !== 200 || !right(body))
      throw new Error(`report failed: ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
  }
  const r = summarizeTimes(reports);
  console.log(
    `  ${label}   median ${fmt(r.median_ms)}   p95 ${fmt(r.p95_ms)}   (${r.runs} requests)`,
  );
  let reading = true;
  const report = fetch(`${base}${path}`, { headers }).then(async (res) => {
    await res.json();
    reading = false;
  });
  const during: number[] = [];
  while (reading) {
    const q0 = performance.now();
    const res = await fetch(`${base}/customers/${member()}/points`, { headers });
    await res.json();
    during.push(performance.now() - q0);
  }
  await report;
  const d = summarizeTimes(during);
  console.log(
    `  GET /customers/{id}/points while that report runs (${backend})   median ${fmt(d.median_ms)}   p95 ${fmt(d.p95_ms)}   worst ${fmt(Math.max(...during))}   (${d.runs} requests)`,
  );
}

/**
 * POST /sync for members with long histories: one till, five members, 10,000 events. Every sale
 * is re-checked on its member's state; the rate of the last 2,000 events (members with about
 * 1,600 to 2,000 events each) beside the rate of the first 2,000.
 */
async function longHistories(backend: Backend): Promise<void> {
  const server = await spawnServer(backend);
  try {
    const device = await pair(server.base, 'long-histories');
    const events = chain(device.device_id, 'store-1', 10_000, 0, GENESIS_HASH, 5);
    const batches = split(events, BATCH);
    const times: number[] = [];
    for (const batch of batches) {
      const t0 = performance.now();
      await pushAll(server.base, device.token, [syncBody(device.device_id, batch)]);
      times.push(performance.now() - t0);
    }
    const rate = (from: number, to: number): number =>
      ((to - from) * BATCH) / (times.slice(from, to).reduce((a, b) => a + b, 0) / 1000);
    const n = batches.length;
    console.log(
      `  ${backend.padEnd(8)} first 2,000 events ${Math.round(rate(0, 20)).toLocaleString().padStart(7)} events/s   last 2,000 (members with ~2,000 events each) ${Math.round(
        rate(n - 20, n),
      )
        .toLocaleString()
        .padStart(7)} events/s`,
    );
  } finally {
    await server.stop();
    await server.cleanup();
  }
}

export async function benchServer(): Promise<void> {
  const perDevice = Number(process.env.BENCH_INGEST_PER_DEVICE ?? 5_000);
  console.log(
    `\n# server: sync ingest, ${perDevice * DEVICES} events from ${DEVICES} devices in batches of ${BATCH}`,
  );
  for (const backend of ['sqlite', 'postgres'] as const) {
    const { rate, limit, plainLimit, cpu } = await ingest(backend, perDevice);
    const target =
      backend === 'sqlite' ? '>= 50 % of the limit and >= 20,000/s' : '>= 40 % of the limit';
    const perSecond = (n: number): string => Math.round(n).toLocaleString().padStart(8);
    const share = (n: number): string => `${((rate / n) * 100).toFixed(0)} %`;
    console.log(
      `  ${backend.padEnd(8)} POST /sync ${perSecond(rate)} events/s   direct inserts ${perSecond(limit)} events/s   = ${share(limit)} of the limit   target ${target}`,
    );
    if (plainLimit !== undefined)
      console.log(
        `  ${''.padEnd(8)} (direct inserts that checkpoint inside their commits, SQLite's default: ${perSecond(plainLimit).trim()} events/s, ${share(plainLimit)})`,
      );
    if (cpu) {
      const us = (n: number): string => `${n.toFixed(0)} µs`;
      // What the machine's cores can give an event at the SQLite target's rate.
      const cores = availableParallelism();
      const against =
        backend === 'sqlite'
          ? `. At 20,000/s, ${cores} cores give ${us((cores * 1e6) / 20_000)} an event in all`
          : '';
      console.log(
        `  ${''.padEnd(8)} (CPU an event: endpoint ${us(cpu.main + cpu.others)}: main thread ${us(cpu.main)}, other threads ${us(cpu.others)}; load ${us(cpu.client)}${against})`,
      );
    }
  }
  console.log('\n# server: sync ingest for members with long histories (one till, batches of 100)');
  await longHistories('sqlite');
  const members = Number(process.env.BENCH_MEMBERS ?? 100_000);
  const events = Number(process.env.BENCH_EVENTS ?? 1_000_000);
  console.log(
    `\n# server: points latency with ${members.toLocaleString()} members and ${events.toLocaleString()} events`,
  );
  for (const backend of ['sqlite', 'postgres'] as const)
    await pointsLatency(backend, members, events);
}
