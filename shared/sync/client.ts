/**
 * The sync client (ARCHITECTURE.md "Sync protocol"): one round trip pushes the outbox and pulls
 * the changes after the cursor; per-event acks; the cursor is saved with the changes; backoff
 * with jitter from 1 s to 10 min after a failure; a 401 pauses sync and keeps the outbox; a lease
 * in the database keeps two contexts (a side panel and a service worker) from syncing at once.
 */
import { MAX_SYNC_BATCH, PROTOCOL_VERSION } from '../protocol';
import {
  applyMemberChanges,
  applySyncResponse,
  deviceOf,
  pendingEvents,
  syncStateOf,
  type DeviceDb,
  type SyncResponse,
  type SyncRow,
} from '../storage';

export type Fetch = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string; signal?: AbortSignal },
) => Promise<{
  status: number;
  json(): Promise<unknown>;
}>;

export interface SyncOptions {
  readonly fetch?: Fetch;
  readonly now?: () => number;
  readonly random?: () => number;
  /** Events pushed per request (the server takes at most 500). */
  readonly batch?: number;
  /** Changes pulled per request. */
  readonly pullLimit?: number;
  readonly timeoutMs?: number;
  /**
   * Who holds the sync lease. A page that keeps it across reloads (sessionStorage) can take
   * back a lease its previous load left behind, instead of waiting for it to expire.
   */
  readonly owner?: string;
}

/**
 * What the endpoint said of a member this device searched for (fetchMember): found (and now
 * stored here), or not: `answered` when the endpoint said so (`status` and `code` say why: 404
 * nobody, 422 a wrong PIN or none, 429 `pin_locked` with `retry_after` seconds), not when it
 * could not be asked (offline, paused, too many lookups; another ledger: `status` 0).
 */
export type FetchedMember =
  | { readonly found: true; readonly member_id: string }
  | {
      readonly found: false;
      readonly answered: boolean;
      readonly status: number;
      readonly code?: string;
      readonly retry_after?: number;
    };

const NOT_ASKED: FetchedMember = { found: false, answered: false, status: 0 };

/** How long a customer at the till waits for the endpoint to find a member. */
const FETCH_MEMBER_TIMEOUT_MS = 5_000;

export type SyncOutcome =
  | {
      readonly ok: true;
      readonly pushed: number;
      readonly pulled: number;
      readonly rejected: number;
    }
  | {
      readonly ok: false;
      readonly reason:
        | 'offline'
        | 'server_error'
        | 'unauthorized'
        | 'forbidden'
        | 'busy'
        | 'backing_off'
        | 'bad_request';
      readonly message: string;
    };

export const BACKOFF_MIN_MS = 1_000;
export const BACKOFF_MAX_MS = 10 * 60_000;
const LEASE_MS = 60_000;

/** Exponential backoff with jitter: attempt 1 waits 0.5-1 s, doubling up to 5-10 min. */
export function backoffDelay(attempt: number, random: () => number): number {
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export class SyncClient {
  private readonly fetch: Fetch;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly owner: string;
  private running: Promise<SyncOutcome> | null = null;

  constructor(
    private readonly db: DeviceDb,
    private readonly options: SyncOptions = {},
  ) {
    this.fetch = options.fetch ?? ((url, init) => fetch(url, init));
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.owner = options.owner ?? `owner-${Math.random().toString(36).slice(2)}`;
  }

  /** Syncs until nothing is left to push or pull. Concurrent calls share one run. */
  sync(options: { force?: boolean } = {}): Promise<SyncOutcome> {
    if (!this.running) {
      this.running = this.run(options.force ?? false).finally(() => {
        this.running = null;
      });
    }
    return this.running;
  }

  /**
   * One sync that someone is waiting for (a customer at the till or the kiosk): its outcome, or
   * null when it takes longer than `ms` (it goes on meanwhile) or crashes.
   */
  async syncWithin(ms: number, options: { force?: boolean } = {}): Promise<SyncOutcome | null> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const outcome = await Promise.race([
      this.sync(options).catch(() => null),
      new Promise<null>((resolve) => {
        timer = setTimeout(() => resolve(null), ms);
      }),
    ]);
    clearTimeout(timer);
    return outcome;
  }

  /**
   * A member this device has not pulled yet (newly paired in a shop with a long history, or
   * pulling everything again after a restore), found on the endpoint by what the cashier typed
   * (a card number, member code or phone number: GET /sync/member) or by a phone number and the
   * member's PIN (the kiosk's way in: POST /sync/member). The member's events are stored as a
   * pull stores them, so the device shows the member at once; the pull that reaches them later
   * skips them.
   */
  async fetchMember(search: string | { phone: string; pin: string }): Promise<FetchedMember> {
    const q = typeof search === 'string' ? search.trim() : null;
    const state = await syncStateOf(this.db);
    if (q === '' || state.paused) return NOT_ASKED;
    const device = await deviceOf(this.db);
    const url = `${device.endpoint}/api/v1/sync/member`;
    const authorization = `Bearer ${device.token}`;
    const [target, init] =
      q === null
        ? [
            url,
            {
              method: 'POST',
              headers: { authorization, 'content-type': 'application/json' },
              body: JSON.stringify(search),
            },
          ]
        : [`${url}?q=${encodeURIComponent(q)}`, { method: 'GET', headers: { authorization } }];
    let status: number;
    let json: unknown;
    try {
      const res = await this.request(target, init, FETCH_MEMBER_TIMEOUT_MS);
      status = res.status;
      json = await res.json().catch(() => null);
    } catch {
      return NOT_ASKED;
    }
    const body = json as {
      member_id?: unknown;
      changes?: unknown;
      ledger_id?: unknown;
      error?: { code?: unknown; message?: unknown; details?: { retry_after_seconds?: unknown } };
    } | null;
    if (status !== 200) {
      const code = body?.error?.code;
      const retry = body?.error?.details?.retry_after_seconds;
      // An endpoint older than GET /sync/member says it has no such route: not an answer.
      const noRoute = String(body?.error?.message ?? '').startsWith('no endpoint');
      return {
        found: false,
        answered: (status === 404 && !noRoute) || status === 422 || code === 'pin_locked',
        status,
        ...(typeof code === 'string' ? { code } : {}),
        ...(typeof retry === 'number' ? { retry_after: retry } : {}),
      };
    }
    if (typeof body?.member_id !== 'string' || !Array.isArray(body.changes)) return NOT_ASKED;
    // From an endpoint restored since this device last synced, nothing is stored: the next
    // sync finds the restore and pulls everything again (applyMemberChanges).
    const stored = await applyMemberChanges(
      this.db,
      body.changes as SyncResponse['changes'],
      body.ledger_id,
    );
    return stored ? { found: true, member_id: body.member_id } : NOT_ASKED;
  }

  /** The online probe: GET /health (navigator.onLine is only a hint). */
  async probe(): Promise<boolean> {
    try {
      const device = await deviceOf(this.db);
      const res = await this.request(`${device.endpoint}/api/v1/health`, {
        method: 'GET',
        headers: {},
      });
      return res.status === 200;
    } catch {
      return false;
    }
  }

  private async request(
    url: string,
    init: { method: string; headers: Record<string, string>; body?: string },
    timeoutMs = this.options.timeoutMs ?? 30_000,
  ) {
    const controller = typeof AbortController === 'function' ? new AbortController() : undefined;
    const timer = controller ? setTimeout(() => controller.abort(), timeoutMs) : undefined;
    try {
      return await this.fetch(url, {
        ...init,
        ...(controller ? { signal: controller.signal } : {}),
      });
    } finally {
      if (timer) clearTimeout(timer);
    }
  }

  private async run(force: boolean): Promise<SyncOutcome> {
    const state = await syncStateOf(this.db);
    if (!force && state.paused)
      return { ok: false, reason: state.paused, message: state.last_error ?? 'sync is paused' };
    if (!force && state.backoff_until > this.now()) {
      return {
        ok: false,
        reason: 'backing_off',
        message: `next try at ${new Date(state.backoff_until).toISOString()}`,
      };
    }
    if (!(await this.takeLease()))
      return { ok: false, reason: 'busy', message: 'another context is syncing' };
    try {
      let pushed = 0;
      let pulled = 0;
      let rejected = 0;
      for (let round = 0; round < 1_000; round += 1) {
        const outcome = await this.roundTrip();
        if (!outcome.ok) return outcome;
        pushed += outcome.pushed;
        pulled += outcome.pulled;
        rejected += outcome.rejected;
        if (!outcome.again) break;
      }
      return { ok: true, pushed, pulled, rejected };
    } finally {
      await this.releaseLease();
    }
  }

  private async roundTrip(): Promise<
    | (SyncOutcome & { ok: false })
    | { ok: true; pushed: number; pulled: number; rejected: number; again: boolean }
  > {
    const device = await deviceOf(this.db);
    const state = await syncStateOf(this.db);
    const batch = Math.min(this.options.batch ?? 100, MAX_SYNC_BATCH);
    const outbox = await pendingEvents(this.db, batch);
    const body = JSON.stringify({
      protocol: PROTOCOL_VERSION,
      device_id: device.device_id,
      events: outbox.map((o) => o.event),
      cursor: state.cursor,
      program_version: state.program_version,
      limit: this.options.pullLimit ?? 1_000,
    });
    const sentAt = this.now();
    await this.patch({ last_attempt_at: sentAt });
    let status: number;
    let json: unknown;
    try {
      const res = await this.request(`${device.endpoint}/api/v1/sync`, {
        method: 'POST',
        headers: { authorization: `Bearer ${device.token}`, 'content-type': 'application/json' },
        body,
      });
      status = res.status;
      json = await res.json().catch(() => null);
    } catch (error) {
      return this.fail(
        'offline',
        `the endpoint cannot be reached: ${String((error as Error)?.message ?? error)}`,
      );
    }
    if (status === 401)
      return this.pause(
        'unauthorized',
        'the endpoint no longer accepts this device: pair it again',
      );
    if (status === 403)
      return this.pause('forbidden', errorText(json) ?? 'the endpoint refuses this device');
    if (status >= 500) return this.fail('server_error', `the endpoint answered ${status}`);
    if (status !== 200)
      return this.fail('bad_request', errorText(json) ?? `the endpoint answered ${status}`);
    const response = json as SyncResponse;
    const applied = await applySyncResponse(this.db, response, sentAt, this.now());
    const rejected = response.acks.filter((a) => a.status === 'rejected').length;
    const moreToPush = outbox.length === batch && rejected < outbox.length;
    return {
      ok: true,
      pushed: outbox.length,
      pulled: response.changes.length,
      rejected,
      // Found restored: what it lost goes again, and the members come again from cursor 0.
      // Records moved ahead of one waiting for another device go now.
      again: response.more || moreToPush || applied.restored || applied.moved > 0,
    };
  }

  private async fail(
    reason: 'offline' | 'server_error' | 'bad_request',
    message: string,
  ): Promise<SyncOutcome & { ok: false }> {
    const state = await syncStateOf(this.db);
    const attempt = state.attempt + 1;
    const now = this.now();
    await this.patch({
      attempt,
      backoff_until: now + backoffDelay(attempt, this.random),
      offline_since: reason === 'offline' ? (state.offline_since ?? now) : state.offline_since,
      last_error: message,
    });
    return { ok: false, reason, message };
  }

  private async pause(
    paused: 'unauthorized' | 'forbidden',
    message: string,
  ): Promise<SyncOutcome & { ok: false }> {
    await this.patch({ paused, last_error: message });
    return { ok: false, reason: paused, message };
  }

  private async patch(changes: Partial<SyncRow>): Promise<void> {
    await this.db.transaction('rw', this.db.sync, async () => {
      const state = await syncStateOf(this.db);
      await this.db.sync.put({ ...state, ...changes });
    });
  }

  private async takeLease(): Promise<boolean> {
    return this.db.transaction('rw', this.db.sync, async () => {
      const state = await syncStateOf(this.db);
      const now = this.now();
      if (state.lease_owner && state.lease_owner !== this.owner && state.lease_until > now)
        return false;
      await this.db.sync.put({ ...state, lease_owner: this.owner, lease_until: now + LEASE_MS });
      return true;
    });
  }

  private async releaseLease(): Promise<void> {
    await this.db.transaction('rw', this.db.sync, async () => {
      const state = await syncStateOf(this.db);
      if (state.lease_owner === this.owner)
        await this.db.sync.put({ ...state, lease_owner: null, lease_until: 0 });
    });
  }
}

function errorText(json: unknown): string | undefined {
  const message = (json as { error?: { message?: unknown } } | null)?.error?.message;
  return typeof message === 'string' ? message : undefined;
}
