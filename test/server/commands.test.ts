/** The commands of the README, run as a newcomer runs them: npm start's server, the admin CLI, the demo. */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { restoreSqlite } from '../../server/restore';

const root = resolve(import.meta.dirname, '../..');
const dataDir = mkdtempSync(join(tmpdir(), 'loyalty-cmd-'));
const env = {
  ...process.env,
  LOYALTY_DATA_DIR: dataDir,
  DATABASE_URL: '',
  LOYALTY_ADMIN_TOKEN: '',
};

function run(script: string, args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: root,
    env,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('the commands a newcomer runs', () => {
  it('admin CLI: creates stores, devices with pairing codes and staff, and round-trips the program', () => {
    expect(run('server/cli.ts', ['store', 'create', 'store-7', 'Busan', 'branch']).out).toContain(
      'store store-7 created',
    );
    const device = run('server/cli.ts', [
      'device',
      'create',
      '--store',
      'store-7',
      '--role',
      'kiosk',
      '--name',
      'Door',
    ]);
    expect(device.out).toMatch(/pairing code: \d{8}/);
    // The owner's view: the new kiosk has a code out and has sent nothing yet.
    const devices = run('server/cli.ts', ['devices', '--store', 'store-7']);
    expect(devices.code, devices.err).toBe(0);
    const door = devices.out.split('\n').find((l) => l.includes('Door'));
    expect(door?.split(/ {2,}/).slice(0, 7)).toEqual([
      'store-7',
      'kiosk',
      'Door',
      'code out',
      'never',
      '0',
      '-',
    ]);
    // The kiosk is never set up: the owner revokes it, and the list says so.
    const doorId = /^device (\S+)$/m.exec(device.out)?.[1] ?? '';
    const revoked = run('server/cli.ts', ['device', 'revoke', doorId]);
    expect(revoked.code, revoked.err).toBe(0);
    expect(revoked.out).toContain(`device ${doorId} revoked at`);
    const after = run('server/cli.ts', ['devices', '--store', 'store-7']).out;
    expect(after.split('\n').find((l) => l.includes('Door'))).toMatch(/ {2}revoked \d{4}-/);
    expect(run('server/cli.ts', ['device', 'revoke', 'kiosk-unknown'])).toMatchObject({
      code: 1,
      err: expect.stringContaining('no device kiosk-unknown'),
    });
    // Tokens: a web shop's is revoked when it leaks; admin tokens too, but never the last.
    const shop = run('server/cli.ts', ['integration', 'create', '--name', 'web shop']);
    const shopId = /its id, to revoke it one day: ([0-9a-f]{16})/.exec(shop.out)?.[1] ?? '';
    expect(shopId).toMatch(/^[0-9a-f]{16}$/);
    expect(run('server/cli.ts', ['integration', 'list']).out).toMatch(
      new RegExp(`${shopId} {2}web shop {2}\\S+ {2}-`),
    );
    expect(run('server/cli.ts', ['integration', 'revoke', shopId]).out).toContain(
      `integration token ${shopId} revoked at`,
    );
    expect(run('server/cli.ts', ['integration', 'list']).out).toMatch(
      new RegExp(`${shopId} {2}web shop {2}\\S+ {2}\\d{4}-`),
    );
    expect(run('server/cli.ts', ['integration', 'revoke', '0123456789abcdef'])).toMatchObject({
      code: 1,
      err: expect.stringContaining('no integration token 0123456789abcdef'),
    });
    run('server/cli.ts', ['admin-token', 'create']);
    run('server/cli.ts', ['admin-token', 'create']);
    const live = run('server/cli.ts', ['admin-token', 'list'])
      .out.split('\n')
      .filter((l) => / {2}-$/.test(l))
      .map((l) => l.split(' ')[0] as string);
    expect(live.length).toBeGreaterThanOrEqual(2);
    for (const adminId of live.slice(0, -1))
      expect(run('server/cli.ts', ['admin-token', 'revoke', adminId]).code).toBe(0);
    expect(run('server/cli.ts', ['admin-token', 'revoke', live.at(-1) as string])).toMatchObject({
      code: 1,
      err: expect.stringContaining('last admin token that works'),
    });
    expect(run('server/cli.ts', ['conflicts']).out.trim()).toBe('no open conflicts');
    expect(run('server/cli.ts', ['conflicts', '--status', 'all']).out.trim()).toBe('no conflicts');
    expect(run('server/cli.ts', ['conflicts', '--status', 'closed'])).toMatchObject({
      code: 1,
      err: expect.stringContaining('--status must be one of open, all'),
    });
    expect(run('server/cli.ts', ['conflicts', '--store'])).toMatchObject({
      code: 1,
      err: expect.stringContaining('--store needs a value'),
    });
    expect(
      run('server/cli.ts', [
        'staff',
        'create',
        '--store',
        'store-7',
        '--name',
        'Park',
        '--pin',
        '12',
        '--role',
        'manager',
      ]),
    ).toMatchObject({ code: 1, err: expect.stringContaining('--pin must be 4 to 8 digits') });
    // A cashier joins, is listed, leaves.
    const hired = run('server/cli.ts', [
      'staff',
      'create',
      '--store',
      'store-7',
      '--name',
      'Han',
      '--pin',
      '2468',
      '--role',
      'cashier',
    ]);
    const staffId = /staff (staff-[\w-]+) created/.exec(hired.out)?.[1] ?? '';
    expect(staffId, hired.err).not.toBe('');
    expect(run('server/cli.ts', ['staff', 'list', '--store', 'store-7']).out).toContain(
      `store-7  cashier  Han  ${staffId}`,
    );
    // A forgotten PIN: a new one, checked first.
    expect(run('server/cli.ts', ['staff', 'pin', staffId, '--pin', '12'])).toMatchObject({
      code: 1,
      err: expect.stringContaining('4 to 8 digits'),
    });
    const repinned = run('server/cli.ts', ['staff', 'pin', staffId, '--pin', '13579']);
    expect(repinned.code, repinned.err).toBe(0);
    expect(repinned.out).toContain("Han's PIN is changed");
    expect(run('server/cli.ts', ['staff', 'remove', staffId]).out).toContain(
      `staff ${staffId} removed`,
    );
    expect(run('server/cli.ts', ['staff', 'list', '--store', 'store-7']).out.trim()).toBe(
      'no staff in store store-7',
    );
    expect(run('server/cli.ts', ['staff', 'remove', staffId])).toMatchObject({
      code: 1,
      err: expect.stringContaining(`no staff ${staffId}`),
    });
    const file = join(dataDir, 'program.json');
    expect(run('server/cli.ts', ['program', 'export', file]).code).toBe(0);
    const program = JSON.parse(readFileSync(file, 'utf8'));
    writeFileSync(file, JSON.stringify({ ...program, signup_bonus: 'lots' }));
    const bad = run('server/cli.ts', ['program', 'import', file]);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('signup_bonus');
    writeFileSync(file, JSON.stringify({ ...program, signup_bonus: 3_000 }));
    expect(run('server/cli.ts', ['program', 'import', file]).out).toContain(
      'program version 2 published',
    );
    expect(run('server/cli.ts', ['bogus']).code).toBe(2);
  }, 180_000);

  it('demo: seeds once, and says so the second time', () => {
    const first = run('server/demo.ts', []);
    expect(first.code, first.err).toBe(0);
    expect(first.out).toMatch(/Seeded store \S+: 12 members, \d+ purchases/);
    // Some sales used a coupon (the owner's report shows which benefits are used most).
    const withCoupon = /\((\d+) with a coupon\)/.exec(first.out);
    expect(Number(withCoupon?.[1] ?? 0)).toBeGreaterThan(0);
    expect(run('server/demo.ts', []).out).toContain('already');
  }, 120_000);

  it('npm start: serves the API and the demo POS, with the data the CLI and the demo wrote', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: root,
      env: { ...env, PORT: '0' },
    });
    try {
      let out = '';
      const base = await new Promise<string>((ok, fail) => {
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          const m = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
          if (m && out.includes('Pair a device')) ok(m[1] as string);
        });
        child.once('exit', (code) => fail(new Error(`exited ${code}: ${out}`)));
      });
      expect(out).toContain('npm run admin -- device create');
      const health = await fetch(`${base}/api/v1/health`);
      expect(await health.json()).toEqual({ ok: true, version: expect.any(String) });
      const pos = await fetch(`${base}/demo-pos/`);
      expect(pos.status).toBe(200);
      expect(await pos.text()).toContain('id="cart-total"');
      const program = await fetch(`${base}/api/v1/program`);
      expect(program.status).toBe(401);
      // A backup taken while the endpoint runs: a sound copy of everything the CLI and the demo
      // wrote; a second one to the same file is refused, and the first is left as it was.
      const copy = join(dataDir, 'backup.db');
      const backup = run('server/cli.ts', ['backup', copy]);
      expect(backup.code, backup.err).toBe(0);
      const source = new BetterSqlite3(join(dataDir, 'loyalty.db'), { readonly: true });
      const saved = new BetterSqlite3(copy, { readonly: true });
      try {
        expect(saved.pragma('integrity_check', { simple: true })).toBe('ok');
        for (const table of ['members', 'events', 'devices', 'staff', 'programs']) {
          const count = (db: BetterSqlite3.Database) =>
            (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
          expect(count(saved), table).toBe(count(source));
        }
        expect(backup.out).toMatch(/backed up to .*: 12 members, \d+ events, \d+ devices/);
        // Noted in the database, for the console's "last backup".
        const noted = source.prepare(`SELECT value FROM meta WHERE key = 'last_backup'`).get() as {
          value: string;
        };
        expect(JSON.parse(noted.value)).toMatchObject({ file: copy, members: 12 });
      } finally {
        source.close();
        saved.close();
      }
      const again = run('server/cli.ts', ['backup', copy]);
      expect(again.code).toBe(1);
      expect(again.err).toContain('exists');
      // Restoring needs the endpoint stopped: refused while it runs, and nothing is moved.
      expect(run('server/cli.ts', ['restore', copy])).toMatchObject({
        code: 1,
        err: expect.stringContaining('the endpoint is running'),
      });
      expect(readdirSync(dataDir).filter((f) => f.includes('before-restore'))).toEqual([]);
      const metaOf = (key: string): string | undefined => {
        const db = new BetterSqlite3(join(dataDir, 'loyalty.db'), { readonly: true });
        try {
          return (
            db.prepare(`SELECT value FROM meta WHERE key = ?`).get(key) as
              { value: string } | undefined
          )?.value;
        } finally {
          db.close();
        }
      };
      const ledgerOf = (): string => metaOf('ledger_id') ?? 'none';
      const ledger = ledgerOf();
      const stopped = new Promise((ok) => child.once('exit', ok));
      child.kill('SIGTERM');
      await stopped;
      // Files that are no backup are refused with the reason, and nothing is moved.
      expect(run('server/cli.ts', ['restore', join(dataDir, 'nothing.db')])).toMatchObject({
        code: 1,
        err: expect.stringContaining('does not exist'),
      });
      expect(run('server/cli.ts', ['restore', join(dataDir, 'program.json')])).toMatchObject({
        code: 1,
        err: expect.stringContaining('not a SQLite database'),
      });
      expect(readdirSync(dataDir).filter((f) => f.includes('before-restore'))).toEqual([]);
      const restored = run('server/cli.ts', ['restore', copy]);
      expect(restored.code, restored.err).toBe(0);
      expect(restored.out).toMatch(/restored .* from .*: 12 members, \d+ events, \d+ devices/);
      expect(restored.out).toContain('sends again');
      // The database it replaced is kept; the restored one is a new ledger for the devices.
      const aside = readdirSync(dataDir).filter((f) => f.startsWith('loyalty.db.before-restore-'));
      expect(aside).toHaveLength(1);
      expect(ledgerOf()).not.toBe(ledger);
      expect(ledgerOf()).toMatch(/^[0-9a-f-]{36}$/);
      // On a new machine, whose data folder is not there yet.
      const fresh = join(mkdtempSync(join(tmpdir(), 'loyalty-new-machine-')), 'data', 'loyalty.db');
      expect(await restoreSqlite(fresh, copy)).toMatchObject({ aside: null, members: 12 });
      expect(existsSync(fresh)).toBe(true);
      rmSync(dirname(dirname(fresh)), { recursive: true, force: true });
      const marked = ledgerOf();
      expect(run('server/cli.ts', ['restored']).out).toContain('the ledger is marked restored');
      expect(ledgerOf()).not.toBe(marked);
      // The ledger remembers the identities it had, so that a till paired again after a restore
      // is told what of its former chain it holds (decision 0029).
      expect(JSON.parse(metaOf('ledger_ancestors') ?? '[]')).toEqual([ledger, marked]);
    } finally {
      child.kill('SIGTERM');
    }
  }, 60_000);

  it('npm start on a port in use: says so, and the first start still shows its admin token', async () => {
    const fresh = mkdtempSync(join(tmpdir(), 'loyalty-port-'));
    const taken = createServer();
    await new Promise<void>((ok) => taken.listen(0, '127.0.0.1', () => ok()));
    const port = (taken.address() as AddressInfo).port;
    try {
      const busy = spawnSync(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
        cwd: root,
        env: { ...env, LOYALTY_DATA_DIR: fresh, PORT: String(port) },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(busy.status).toBe(1);
      expect(busy.stderr).toContain(`127.0.0.1:${port} is in use`);
      expect(busy.stderr).toContain(`PORT=${port + 1} npm start`);
      expect(busy.stdout).not.toContain('Admin token');
    } finally {
      taken.close();
    }
    // The port is free now: this is still the first start, and the token is shown.
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: root,
      env: { ...env, LOYALTY_DATA_DIR: fresh, PORT: '0' },
    });
    try {
      const out = await new Promise<string>((ok, fail) => {
        let text = '';
        child.stdout.on('data', (c: Buffer) => {
          text += c.toString();
          if (text.includes('Pair a device')) ok(text);
        });
        child.once('exit', (code) => fail(new Error(`exited ${code}: ${text}`)));
      });
      expect(out).toMatch(/Admin token \(shown once, keep it\): \S{20,}/);
    } finally {
      child.kill('SIGTERM');
      rmSync(fresh, { recursive: true, force: true });
    }
  }, 60_000);
});
