/** Settings from the environment, with the defaults of ARCHITECTURE.md. */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  readonly sqliteFile: string;
  readonly adminToken: string | undefined;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 8787);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT must be a port number, got ${env.PORT}`);
  const dataDir = resolve(env.LOYALTY_DATA_DIR ?? './data');
  const databaseUrl = env.DATABASE_URL || undefined;
  if (!databaseUrl) mkdirSync(dataDir, { recursive: true });
  return {
    port,
    host: env.HOST ?? '127.0.0.1',
    dataDir,
    databaseUrl,
    sqliteFile: join(dataDir, 'loyalty.db'),
    adminToken: env.LOYALTY_ADMIN_TOKEN || undefined,
  };
}
