/**
 * The central endpoint as one HTTP server: the API under /api/v1, the kiosk's build under
 * /kiosk/, the demo POS page under /demo-pos/ (ARCHITECTURE.md, "What npm start serves").
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve } from 'node:path';
import type { Database } from './db/database';
import { adminRoutes } from './api-admin';
import { memberRoutes } from './api-members';
import { reportRoutes } from './api-reports';
import { salesRoutes } from './api-sales';
import { syncRoutes } from './api-sync';
import { authenticate, createContext, type AppContext } from './context';
import { Router, createApiHandler, send } from './http';
import { openApiDocument } from './openapi';

export interface AppOptions {
  readonly now?: () => number;
  /** Folders served as static sites: URL prefix -> folder. */
  readonly static?: Readonly<Record<string, string>>;
  readonly lookupsPerMinute?: number;
  /** Threads that check sync batches (default: LOYALTY_SYNC_THREADS, else the cores but one). */
  readonly syncThreads?: number;
  /** Events the activity report reads between two turns of other work (tests make it small). */
  readonly reportPage?: number;
}

export interface App {
  readonly ctx: AppContext;
  readonly server: Server;
  listen(port: number, host?: string): Promise<number>;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.zip': 'application/zip',
};

/**
 * The admin console holds the admin token: no other site may frame it (clickjacking), and it
 * runs only its own scripts and talks only to its own endpoint.
 */
const ADMIN_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
};

function serveStatic(
  res: ServerResponse,
  root: string,
  rest: string,
  headers: Record<string, string> = {},
): boolean {
  const base = resolve(root);
  let file = normalize(join(base, decodeURIComponent(rest)));
  if (!file.startsWith(base)) return false;
  if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
  if (!existsSync(file)) {
    // A single-page app: unknown paths get its index.
    const index = join(base, 'index.html');
    if (extname(file) !== '' || !existsSync(index)) return false;
    file = index;
  }
  const type = TYPES[extname(file)] ?? 'application/octet-stream';
  const noCache =
    file.endsWith('index.html') || file.endsWith('sw.js') || file.endsWith('.webmanifest');
  res.writeHead(200, {
    'content-type': type,
    'cache-control': noCache ? 'no-cache' : 'public, max-age=3600',
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  res.end(readFileSync(file));
  return true;
}

export async function createApp(db: Database, options: AppOptions = {}): Promise<App> {
  const ctx = await createContext(db, options);
  const router = new Router();
  adminRoutes(router, ctx);
  memberRoutes(router, ctx);
  reportRoutes(router, ctx, options.reportPage);
  salesRoutes(router, ctx);
  syncRoutes(router, ctx);
  router.add({
    method: 'GET',
    path: '/openapi.json',
    allow: [],
    handler: async () => ({ status: 200, body: openApiDocument(ctx.version) }),
  });
  const api = createApiHandler(router, db, (token) => authenticate(db, token));
  const statics = Object.entries(options.static ?? {});

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      send(res, 400, { error: { code: 'invalid_input', message: 'bad request URL' } });
      return;
    }
    if (url.pathname === '/api/v1' || url.pathname.startsWith('/api/v1/')) {
      // Devices call the API from their own origins (an extension, a kiosk served elsewhere)
      // with a bearer token and no cookies: any origin may, the token decides what it may do.
      res.setHeader('access-control-allow-origin', '*');
      if (req.method === 'OPTIONS') {
        res.writeHead(204, {
          'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
          'access-control-allow-headers': 'authorization, content-type, idempotency-key',
          'access-control-max-age': '600',
        });
        res.end();
        return;
      }
      void api(req, res, url);
      return;
    }
    if (req.method === 'GET' || req.method === 'HEAD') {
      for (const [prefix, folder] of statics) {
        if (url.pathname === prefix.replace(/\/$/, '')) {
          res.writeHead(301, { location: prefix });
          res.end();
          return;
        }
        if (url.pathname.startsWith(prefix)) {
          try {
            const headers = prefix === '/admin/' ? ADMIN_HEADERS : {};
            if (serveStatic(res, folder, url.pathname.slice(prefix.length), headers)) return;
          } catch {
            // fall through to 404
          }
        }
      }
      if (url.pathname === '/') {
        res.writeHead(302, {
          location: existsSync(options.static?.['/kiosk/'] ?? '') ? '/kiosk/' : '/api/v1/health',
        });
        res.end();
        return;
      }
    }
    send(res, 404, { error: { code: 'not_found', message: `nothing at ${url.pathname}` } });
  });
  server.keepAliveTimeout = 30_000;

  return {
    ctx,
    server,
    listen(port, host = '127.0.0.1') {
      return new Promise((resolvePort, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          const address = server.address();
          resolvePort(typeof address === 'object' && address ? address.port : port);
        });
      });
    },
    async close() {
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
      await db.close();
    },
  };
}
