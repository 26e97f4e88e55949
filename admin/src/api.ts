/**
 * The admin console's only way to the data: the endpoint's REST API, with the admin token the
 * owner signed in with (kept for this browser tab only, in sessionStorage).
 */
const TOKEN_KEY = 'loyalty-admin-token';

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiFailure';
  }
}

export function savedToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function saveToken(token: string | null): void {
  if (token === null) sessionStorage.removeItem(TOKEN_KEY);
  else sessionStorage.setItem(TOKEN_KEY, token);
}

let unauthorized: (() => void) | null = null;

/** Called when the endpoint no longer takes the token (revoked, or replaced): sign in again. */
export function onUnauthorized(callback: (() => void) | null): void {
  unauthorized = callback;
}

/** One API call; an error answer (or no answer) is thrown as an ApiFailure that says why. */
/**
 * Sends a request with the token; an error answer (or no answer) is thrown as an ApiFailure that
 * says why. The answer is returned unread when it succeeds.
 */
async function send(
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? null : JSON.stringify(body),
    });
  } catch {
    throw new ApiFailure(0, 'unreachable', 'The endpoint does not answer. Is it running?');
  }
  if (res.ok) return res;
  // Only for the token signed in with (not one being tried at the sign-in).
  if (res.status === 401 && token === savedToken()) unauthorized?.();
  const error = (
    (await res.json().catch(() => null)) as {
      error?: { code?: string; message?: string; details?: unknown };
    } | null
  )?.error;
  throw new ApiFailure(
    res.status,
    error?.code ?? 'http',
    error?.message ?? `The endpoint answered ${res.status}.`,
    error?.details,
  );
}

/** One API call; its JSON answer (null for an empty or unreadable one). */
export async function api<T>(
  token: string,
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<T> {
  const text = await (await send(token, method, path, body)).text();
  try {
    return (text ? JSON.parse(text) : null) as T;
  } catch {
    return null as T;
  }
}

/**
 * A file the endpoint makes (a CSV list), fetched with the token and handed to the browser as a
 * download under the name the endpoint gives it.
 */
export async function download(token: string, path: string): Promise<string> {
  const res = await send(token, 'GET', path);
  const name =
    /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'download';
  const url = URL.createObjectURL(await res.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return name;
}

/** Query string of the set parameters only. */
export function query(params: Record<string, string | null | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  const text = q.toString();
  return text ? `?${text}` : '';
}
