/**
 * npm start: the central endpoint on 127.0.0.1 (SQLite under ./data/ unless DATABASE_URL points
 * at PostgreSQL), serving the kiosk's and the admin console's builds and the demo POS page.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createApp } from './app';
import { bootstrap } from './bootstrap';
import { loadConfig } from './config';
import { openDatabase } from './db/database';

const root = resolve(import.meta.dirname, '..');
const config = loadConfig();
const db = await openDatabase(
  config.databaseUrl ? { url: config.databaseUrl } : { file: config.sqliteFile },
);
const kioskDir = resolve(root, 'dist/kiosk');
const extensionDir = resolve(root, 'dist/extension');
const adminDir = resolve(root, 'dist/admin');
const app = await createApp(db, {
  static: {
    '/kiosk/': kioskDir,
    '/admin/': adminDir,
    '/demo-pos/': resolve(root, 'server/demo-pos'),
    '/downloads/': resolve(root, 'dist/downloads'),
  },
});
// Listen first: on a first start the admin token is made and shown once, and a port in use
// must not lose it.
let port: number;
try {
  port = await app.listen(config.port, config.host);
} catch (error) {
  if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
  console.error(
    `error: ${config.host}:${config.port} is in use (is the endpoint running already?).\n` +
      `  Stop the other program, or start this one on another port: PORT=${config.port + 1} npm start`,
  );
  await db.close();
  process.exit(1);
}
const boot = await bootstrap(app.ctx, { adminToken: config.adminToken });
app.ctx.prechecker.start();
const base = `http://${config.host}:${port}`;

console.log(`Store loyalty central endpoint on ${base}`);
console.log(`  storage: ${config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : config.sqliteFile}`);
console.log(`  API:     ${base}/api/v1   (OpenAPI: ${base}/api/v1/openapi.json)`);
console.log(
  `  kiosk:   ${existsSync(kioskDir) ? `${base}/kiosk/  (pair it with a kiosk pairing code)` : 'not built (npm run build)'}`,
);
console.log(
  `  admin:   ${existsSync(adminDir) ? `${base}/admin/  (sign in with the admin token)` : 'not built (npm run build)'}`,
);
console.log(`  demo POS: ${base}/demo-pos/`);
console.log(
  `  extension: ${existsSync(extensionDir) ? `${extensionDir} (chrome://extensions > Developer mode > Load unpacked)` : 'not built (npm run build)'}`,
);
if (existsSync(resolve(root, 'dist/downloads/store-loyalty-extension.zip'))) {
  console.log(`             ${base}/downloads/store-loyalty-extension.zip`);
}
if (boot.newAdminToken) {
  console.log('');
  console.log(`  Admin token (shown once, keep it): ${boot.newAdminToken}`);
}
console.log('');
console.log(
  `  Pair a device: npm run admin -- device create --store ${boot.store_id} --role cashier --name "Till 1"`,
);
console.log("  then enter the endpoint URL and the pairing code in the extension's options.");

const stop = async (): Promise<void> => {
  await app.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
