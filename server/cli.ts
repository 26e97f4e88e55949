/**
 * npm run admin -- <command>: administration from the shell, on the same data as npm start
 * (LOYALTY_DATA_DIR or DATABASE_URL).
 *
 *   store create <store_id> <name>
 *   device create --store <store_id> --role cashier|kiosk --name <name>
  device revoke <device_id>          a till lost or a kiosk retired: its token stops working now
 *   device revoke <device_id>
 *   staff create --store <store_id> --name <name> --pin <digits> --role cashier|manager
 *   staff list [--store <store_id>]
 *   staff remove <staff_id>
 *   staff pin <staff_id> --pin <digits>
 *   integration create --name <name>
 *   integration list
 *   integration revoke <id>
 *   admin-token create
 *   admin-token list
 *   admin-token revoke <id>
 *   program export [file]
 *   program import <file>
 *   conflicts [--store <store_id>] [--status open|all]
 *   devices [--store <store_id>]
 *   backup <file>
 *   restore <file>
 *   restored
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createContext, renewLedgerId } from './context';
import {
  createDevice,
  createStaff,
  createStore,
  createToken,
  recordBackup,
  removeStaff,
  revokeDevice,
  revokeToken,
  staffList,
  tokenId,
  tokensOf,
  updateStaff,
} from './api-admin';
import { conflictsText, devicesText, table } from './reports';
import { loadConfig } from './config';
import { openDatabase } from './db/database';
import { ApiError } from './errors';
import { ProgramError } from '../shared/rules';
import { checkBackup, restoreSqlite } from './restore';

const USAGE = `usage: npm run admin -- <command>
  store create <store_id> <name>
  device create --store <store_id> --role cashier|kiosk --name <name>
  device revoke <device_id>          a till lost or a kiosk retired: its token stops working now
  staff create --store <store_id> --name <name> --pin <digits> --role cashier|manager
  staff list [--store <store_id>]
  staff remove <staff_id>          one who left: their PIN stops unlocking tills at the next sync
  staff pin <staff_id> --pin <digits>  a new PIN (a forgotten one): the tills take it at their next sync
  integration create --name <name>
  integration list                   the web shops' and scripts' tokens: id, name, created, revoked
  integration revoke <id>            a leaked or retired integration token stops working now
  admin-token create
  admin-token list
  admin-token revoke <id>            (never the last one that works)
  program export [file]
  program import <file>
  conflicts [--store <store_id>] [--status open|all]
                                     the manager's open list: offline double spends, reused coupons...
                                     (--status all: the handled ones too, with their notes)
  devices [--store <store_id>]       tills and kiosks: paired?, last sync, events received
  backup <file>                      a copy of the SQLite database, taken while the endpoint runs
  restore <file>                     the endpoint stopped: put a backup in place of the database
  restored                           after restoring PostgreSQL (pg_restore) or a file by hand`;

/** What the devices do after a restore, said by restore and restored. */
const AFTER_RESTORE = `start the endpoint: each till and kiosk paired before the backup was taken sends again, at its next sync, what it recorded after the backup, and pulls its members afresh; one paired after the backup must be paired again, and then sends again what it had recorded (README "Backups")`;

function flags(args: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < args.length; i += 1) {
    const a = args[i] as string;
    if (a.startsWith('--')) {
      const value = args[i + 1];
      if (value === undefined || value.startsWith('--')) throw new Error(`${a} needs a value`);
      out[a.slice(2)] = value;
      i += 1;
    }
  }
  return out;
}

function need(f: Record<string, string>, name: string, allowed?: readonly string[]): string {
  const v = f[name];
  if (!v) throw new Error(`--${name} is required`);
  if (allowed && !allowed.includes(v))
    throw new Error(`--${name} must be one of ${allowed.join(', ')}`);
  return v;
}

/** --pin, a staff PIN of 4 to 8 digits. */
function pinFlag(f: Record<string, string>): string {
  const pin = need(f, 'pin');
  if (!/^\d{4,8}$/.test(pin)) throw new Error('--pin must be 4 to 8 digits');
  return pin;
}

async function main(argv: string[]): Promise<number> {
  const [noun, second, ...others] = argv;
  // `conflicts --store s1` has flags and no verb; `backup <file>`, a file and no verb.
  const verb = second?.startsWith('--') || noun === 'backup' ? undefined : second;
  const rest = verb === undefined && second !== undefined ? [second, ...others] : others;
  if (!noun || noun === 'help' || noun === '--help') {
    console.log(USAGE);
    return noun ? 0 : 2;
  }
  const config = loadConfig();
  if (noun === 'restore') {
    // Before opening the database: the restore needs it closed by everyone.
    try {
      const file = second;
      if (!file) throw new Error('restore <file>');
      if (config.databaseUrl)
        throw new Error(
          'the data is in PostgreSQL (DATABASE_URL): restore it with pg_restore, then run npm run admin -- restored',
        );
      const r = await restoreSqlite(config.sqliteFile, file);
      console.log(
        `restored ${config.sqliteFile} from ${file}: ${r.members} members, ${r.events} events, ${r.devices} devices`,
      );
      if (r.aside) console.log(`the database it replaced is kept as ${r.aside}`);
      console.log(AFTER_RESTORE);
      return 0;
    } catch (error) {
      console.error(`error: ${(error as Error).message}`);
      return 1;
    }
  }
  let db: Awaited<ReturnType<typeof openDatabase>>;
  try {
    db = await openDatabase(
      config.databaseUrl ? { url: config.databaseUrl } : { file: config.sqliteFile },
    );
  } catch (error) {
    const where = config.databaseUrl
      ? 'the PostgreSQL database of DATABASE_URL'
      : config.sqliteFile;
    console.error(`error: cannot open ${where}: ${(error as Error).message}`);
    return 1;
  }
  const ctx = await createContext(db);
  try {
    const f = flags(rest);
    switch (verb === undefined ? noun : `${noun} ${verb}`) {
      case 'store create': {
        const [id, ...name] = rest;
        if (!id || name.length === 0) throw new Error('store create <store_id> <name>');
        await createStore(ctx, id, name.join(' '));
        console.log(`store ${id} created`);
        return 0;
      }
      case 'device create': {
        const d = await createDevice(
          ctx,
          need(f, 'store'),
          need(f, 'role', ['cashier', 'kiosk']) as 'cashier' | 'kiosk',
          need(f, 'name'),
        );
        console.log(`device ${d.device_id}`);
        console.log(`pairing code: ${d.pairing_code}  (single use, expires ${d.expires_at})`);
        return 0;
      }
      case 'device revoke': {
        const id = rest[0];
        if (!id || id.startsWith('--'))
          throw new Error('give the device id (npm run admin -- devices shows them)');
        const revoked = await revokeDevice(ctx, id);
        if (revoked === null) throw new Error(`no device ${id}`);
        console.log(
          `device ${id} revoked at ${revoked.revoked_at}: it can no longer sync or read members; the events it sent stay`,
        );
        return 0;
      }
      case 'staff create': {
        const pin = pinFlag(f);
        const id = await createStaff(
          ctx,
          need(f, 'store'),
          need(f, 'name'),
          pin,
          need(f, 'role', ['cashier', 'manager']) as 'cashier' | 'manager',
        );
        console.log(`staff ${id} created`);
        return 0;
      }
      case 'staff list': {
        const rows = await staffList(ctx, f.store ?? null);
        if (rows.length === 0) console.log(f.store ? `no staff in store ${f.store}` : 'no staff');
        for (const r of rows)
          console.log(`${r.store_id}  ${r.role.padEnd(7)}  ${r.name}  ${r.staff_id}`);
        return 0;
      }
      case 'staff remove': {
        const id = rest[0];
        if (!id) throw new Error('give the staff id (npm run admin -- staff list shows them)');
        if ((await removeStaff(ctx, id)) === null) throw new Error(`no staff ${id}`);
        console.log(
          `staff ${id} removed: their PIN stops unlocking tills at each till's next sync`,
        );
        return 0;
      }
      case 'staff pin': {
        const id = rest[0];
        if (!id || id.startsWith('--'))
          throw new Error('give the staff id (npm run admin -- staff list shows them)');
        const pin = pinFlag(f);
        const updated = await updateStaff(ctx, id, { pin });
        if (updated === null) throw new Error(`no staff ${id}`);
        console.log(
          `${updated.name}'s PIN is changed: the new one unlocks the tills from each till's next sync`,
        );
        return 0;
      }
      case 'integration create': {
        const token = await createToken(ctx, 'integration', need(f, 'name'));
        console.log(`integration token (shown once): ${token}`);
        console.log(`its id, to revoke it one day: ${tokenId(token)}`);
        return 0;
      }
      case 'admin-token create': {
        const token = await createToken(ctx, 'admin', 'admin (cli)');
        console.log(`admin token (shown once): ${token}`);
        console.log(`its id, to revoke it one day: ${tokenId(token)}`);
        return 0;
      }
      case 'integration list':
      case 'admin-token list': {
        const kind = noun === 'integration' ? 'integration' : 'admin';
        const rows = await tokensOf(ctx, kind);
        console.log(
          rows.length === 0
            ? `no ${kind} tokens`
            : table([
                ['id', 'name', 'created', 'revoked'],
                ...rows.map((r) => [r.id, r.name, r.created_at, r.revoked_at ?? '-']),
              ]),
        );
        return 0;
      }
      case 'integration revoke':
      case 'admin-token revoke': {
        const kind = noun === 'integration' ? 'integration' : 'admin';
        const tokenIdGiven = rest[0];
        if (!tokenIdGiven)
          throw new Error(`give the token's id (npm run admin -- ${noun} list shows them)`);
        const revoked = await revokeToken(ctx, kind, tokenIdGiven);
        if (revoked === null) throw new Error(`no ${kind} token ${tokenIdGiven}`);
        console.log(`${kind} token ${revoked.id} revoked at ${revoked.revoked_at}`);
        return 0;
      }
      case 'program export': {
        const text = `${JSON.stringify(ctx.programs.current(), null, 2)}\n`;
        if (rest[0]) writeFileSync(rest[0], text);
        else process.stdout.write(text);
        return 0;
      }
      case 'program import': {
        if (!rest[0]) throw new Error('program import <file>');
        const program = await ctx.programs.publish(
          db,
          JSON.parse(readFileSync(rest[0], 'utf8')),
          Date.now(),
        );
        console.log(`program version ${program.version} published`);
        return 0;
      }
      case 'conflicts':
      case 'conflicts list': {
        const status = f.status === undefined ? 'open' : need(f, 'status', ['open', 'all']);
        console.log(await conflictsText(ctx, f.store ?? null, status as 'open' | 'all'));
        return 0;
      }
      case 'devices':
      case 'devices list': {
        console.log(await devicesText(ctx, f.store ?? null));
        return 0;
      }
      case 'restored': {
        await renewLedgerId(db);
        console.log(`the ledger is marked restored; ${AFTER_RESTORE}`);
        return 0;
      }
      case 'backup': {
        const file = rest[0];
        if (!file) throw new Error('backup <file>');
        if (db.kind !== 'sqlite')
          throw new Error(
            'the data is in PostgreSQL (DATABASE_URL): back it up with pg_dump, e.g. pg_dump -Fc "$DATABASE_URL" > loyalty.dump',
          );
        if (existsSync(file)) throw new Error(`${file} exists: give a file name not in use`);
        // One consistent copy (a read transaction: the endpoint goes on writing meanwhile),
        // compacted, in a single file with no write-ahead log beside it.
        await db.run(`VACUUM INTO ?`, [resolve(file)]);
        const held = checkBackup(file);
        const bytes = statSync(file).size;
        console.log(
          `backed up to ${file} (${(bytes / 1_048_576).toFixed(1)} MB): ${held.members} members, ${held.events} events, ${held.devices} devices`,
        );
        // The console shows when the last one was taken (an owner sees a backup job that stopped).
        await recordBackup(db, {
          at: new Date().toISOString(),
          file: resolve(file),
          bytes,
          members: held.members,
          events: held.events,
        });
        console.log(
          `to restore: stop the endpoint, run npm run admin -- restore ${file}, and start it (README: "Backups")`,
        );
        return 0;
      }
      default:
        console.error(USAGE);
        return 2;
    }
  } catch (error) {
    if (error instanceof ProgramError) {
      console.error(`error: the program definition is invalid:`);
      for (const issue of error.issues)
        console.error(`  ${issue.path || '(program)'}: ${issue.message}`);
    } else if (error instanceof ApiError || error instanceof Error) {
      console.error(`error: ${error.message}`);
    } else console.error('error:', error);
    return 1;
  } finally {
    await db.close();
  }
}

process.exitCode = await main(process.argv.slice(2));
