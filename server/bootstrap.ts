/** First start: a store and an admin token, so a newcomer can pair a device at once. */
import type { AppContext } from './context';
import { createStore, createToken } from './api-admin';
import { newToken, sha256 } from './crypto';

export interface Bootstrap {
  /** The admin token when it was made now (print it once), else null. */
  readonly newAdminToken: string | null;
  readonly store_id: string;
}

export async function bootstrap(
  ctx: AppContext,
  env: { adminToken?: string; storeId?: string; storeName?: string } = {},
): Promise<Bootstrap> {
  const db = ctx.db;
  const store = await db.get<{ store_id: string }>(
    `SELECT store_id FROM stores ORDER BY created_at, store_id LIMIT 1`,
  );
  const storeId = store?.store_id ?? env.storeId ?? 'store-1';
  if (!store) await createStore(ctx, storeId, env.storeName ?? 'Main store');
  let newAdminToken: string | null = null;
  if (env.adminToken) {
    if (
      !(await db.get(`SELECT 1 AS one FROM tokens WHERE token_hash = ?`, [sha256(env.adminToken)]))
    ) {
      await createToken(ctx, 'admin', 'admin (LOYALTY_ADMIN_TOKEN)', undefined, env.adminToken);
    }
  } else if (
    !(await db.get(`SELECT 1 AS one FROM tokens WHERE kind = 'admin' AND revoked_at IS NULL`))
  ) {
    newAdminToken = await createToken(ctx, 'admin', 'admin', undefined, newToken());
  }
  return { newAdminToken, store_id: storeId };
}
