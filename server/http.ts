/**
 * A small HTTP layer over node:http: routing with path parameters, JSON bodies with a size limit,
 * bearer-token callers, Idempotency-Key replay, and the one error shape. No input may produce a
 * 5xx: anything unexpected is logged and answered as 500 `internal`, which tests treat as a bug.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, badRequest, invalidJson } from './errors';
import { sha256 } from './crypto';
import { hasNul, NUL_REFUSED } from '../shared/protocol';
import type { Database } from './db/database';

export type Role = 'cashier' | 'kiosk';

export interface Caller {
  readonly kind: 'admin' | 'integration' | 'device';
  readonly token_hash: string;
  readonly name: string;
  readonly device_id: string | null;
  readonly store_id: string | null;
  readonly role: Role | null;
}

export interface Request {
  readonly method: string;
  readonly path: string;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly body: unknown;
  readonly headers: IncomingMessage['headers'];
  readonly caller: Caller | null;
}

export interface Reply {
  readonly status: number;
  readonly body: unknown;
  /** A body that is not JSON (a CSV file): sent as is, as a download named `filename`. */
  readonly raw?: { readonly type: string; readonly text: string; readonly filename: string };
}

export type Handler = (req: Request) => Promise<Reply>;

export interface Route {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly path: string;
  /** Who may call it; an empty list means no token is needed. */
  readonly allow: readonly Caller['kind'][];
  readonly roles?: readonly Role[];
  /** POSTs that create something honour Idempotency-Key. */
  readonly creates?: boolean;
  readonly maxBody?: number;
  /**
   * The handler gets the body as bytes, a Buffer (it reads them itself; the media type is still
   * checked). Not with `creates`: the idempotency record hashes the body's text.
   */
  readonly rawBody?: boolean;
  readonly handler: Handler;
}

const DEFAULT_MAX_BODY = 1024 * 1024;

interface Compiled extends Route {
  readonly parts: readonly string[];
}

export class Router {
  private readonly routes: Compiled[] = [];

  add(route: Route): void {
    this.routes.push({ ...route, parts: route.path.split('/').filter(Boolean) });
  }

  match(
    method: string,
    path: string,
  ): { route: Compiled; params: Record<string, string> } | 'method' | null {
    const segments = path.split('/').filter(Boolean);
    let pathMatched = false;
    for (const route of this.routes) {
      if (route.parts.length !== segments.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < segments.length; i += 1) {
        const part = route.parts[i] as string;
        const seg = segments[i] as string;
        if (part.startsWith(':')) {
          try {
            params[part.slice(1)] = decodeURIComponent(seg);
          } catch {
            ok = false;
            break;
          }
        } else if (part !== seg) {
          ok = false;
          break;
        }
      }
      if (!ok) continue;
      pathMatched = true;
      if (route.method === method) return { route, params };
    }
    return pathMatched ? 'method' : null;
  }
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit)
    throw new ApiError(413, 'body_too_large', `request body over ${limit} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new ApiError(413, 'body_too_large', `request body over ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  // With its length known the answer goes out as one write, without chunked framing.
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  res.end(text);
}

export interface Authenticator {
  (token: string): Promise<Caller | null>;
}

export function createApiHandler(
  router: Router,
  db: Database,
  authenticate: Authenticator,
  base = '/api/v1',
) {
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    try {
      const path = url.pathname.slice(base.length) || '/';
      const method = req.method ?? 'GET';
      const found = router.match(method, path);
      if (found === null)
        throw new ApiError(404, 'not_found', `no endpoint ${method} ${url.pathname}`);
      if (found === 'method')
        throw new ApiError(
          405,
          'method_not_allowed',
          `${method} is not allowed on ${url.pathname}`,
        );
      const { route, params } = found;

      let caller: Caller | null = null;
      const auth = req.headers.authorization;
      if (route.allow.length > 0) {
        if (!auth || !auth.startsWith('Bearer '))
          throw new ApiError(401, 'unauthorized', 'a bearer token is required');
        caller = await authenticate(auth.slice(7).trim());
        if (!caller) throw new ApiError(401, 'unauthorized', 'the token is not valid');
        if (!route.allow.includes(caller.kind))
          throw new ApiError(403, 'forbidden', `a ${caller.kind} token may not call this endpoint`);
        if (
          caller.kind === 'device' &&
          route.roles &&
          (!caller.role || !route.roles.includes(caller.role))
        ) {
          throw new ApiError(
            403,
            'forbidden',
            `a ${caller.role ?? 'device'} device may not call this endpoint`,
          );
        }
      }

      if (hasNul(params) || hasNul([...url.searchParams.keys(), ...url.searchParams.values()]))
        throw badRequest(NUL_REFUSED);
      let body: unknown = undefined;
      let raw = '';
      if (method === 'POST' || method === 'PUT' || method === 'PATCH') {
        const bytes = await readBody(req, route.maxBody ?? DEFAULT_MAX_BODY);
        const type = req.headers['content-type'] ?? '';
        if (bytes.length > 0 && !type.toLowerCase().startsWith('application/json')) {
          throw new ApiError(
            415,
            'unsupported_media_type',
            'send JSON with Content-Type: application/json',
          );
        }
        // A raw route gets the bytes (POST /sync hands them to a thread without copying them).
        if (route.rawBody) body = bytes;
        else {
          raw = bytes.toString('utf8');
          try {
            body = raw.length === 0 ? {} : JSON.parse(raw);
          } catch {
            throw invalidJson();
          }
          if (hasNul(body)) throw badRequest(NUL_REFUSED);
        }
      }
      const request: Request = {
        method,
        path,
        params,
        query: url.searchParams,
        body,
        headers: req.headers,
        caller,
      };

      const key = req.headers['idempotency-key'];
      if (route.creates && typeof key === 'string' && key.length > 0 && caller) {
        const reply = await idempotent(
          db,
          key,
          caller.token_hash,
          sha256(`${method} ${path}\n${raw}`),
          () => route.handler(request),
        );
        send(
          res,
          reply.status,
          reply.body,
          reply.replayed ? { 'idempotent-replayed': 'true' } : {},
        );
        return;
      }
      const reply = await route.handler(request);
      if (reply.raw) {
        res.writeHead(reply.status, {
          'content-type': reply.raw.type,
          'content-disposition': `attachment; filename="${reply.raw.filename.replace(/[^\w.-]/g, '_')}"`,
          'cache-control': 'no-store',
          'x-content-type-options': 'nosniff',
        });
        res.end(reply.raw.text);
        return;
      }
      send(res, reply.status, reply.body);
    } catch (error) {
      if (error instanceof ApiError) {
        send(res, error.status, error.toJSON());
        return;
      }
      if (isUniqueViolation(error)) {
        send(
          res,
          409,
          new ApiError(409, 'conflict', 'this conflicts with an existing record').toJSON(),
        );
        return;
      }
      console.error('internal error', error);
      send(res, 500, new ApiError(500, 'internal', 'internal error').toJSON());
    }
  };
}

/** A unique constraint refused a write (a race the checks before it could not see). */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    code === '23505'
  );
}

/**
 * Idempotency-Key: the first request with a key claims it; a repeat with the same body gets the
 * first response, with another body a 409. A failed request frees its key.
 */
async function idempotent(
  db: Database,
  key: string,
  tokenHash: string,
  requestHash: string,
  run: () => Promise<Reply>,
): Promise<Reply & { replayed?: boolean }> {
  if (key.length > 200)
    throw new ApiError(400, 'invalid_input', 'Idempotency-Key is longer than 200 characters');
  const claimed = await db.run(
    `INSERT INTO idempotency (key, token_hash, request_hash, status, response, created_at) VALUES (?, ?, ?, 0, '', ?) ON CONFLICT (key, token_hash) DO NOTHING`,
    [key, tokenHash, requestHash, new Date().toISOString()],
  );
  if (claimed === 0) {
    const row = await db.get<{ request_hash: string; status: number; response: string }>(
      `SELECT request_hash, status, response FROM idempotency WHERE key = ? AND token_hash = ?`,
      [key, tokenHash],
    );
    if (!row || row.request_hash !== requestHash) {
      throw new ApiError(
        409,
        'idempotency_conflict',
        'this Idempotency-Key was used with a different request',
      );
    }
    if (Number(row.status) === 0)
      throw new ApiError(
        409,
        'idempotency_conflict',
        'a request with this Idempotency-Key is still being processed',
      );
    return { status: Number(row.status), body: JSON.parse(row.response), replayed: true };
  }
  try {
    const reply = await run();
    await db.run(
      `UPDATE idempotency SET status = ?, response = ? WHERE key = ? AND token_hash = ?`,
      [reply.status, JSON.stringify(reply.body), key, tokenHash],
    );
    return reply;
  } catch (error) {
    await db.run(`DELETE FROM idempotency WHERE key = ? AND token_hash = ?`, [key, tokenHash]);
    throw error;
  }
}

/** Token buckets per key: `limit` requests per `windowMs`, refilled continuously. */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  take(key: string, now: number): boolean {
    const b = this.buckets.get(key) ?? { tokens: this.limit, at: now };
    b.tokens = Math.min(this.limit, b.tokens + ((now - b.at) * this.limit) / this.windowMs);
    b.at = now;
    if (this.buckets.size > 100_000) this.buckets.clear();
    this.buckets.set(key, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }
}
