/**
 * Messages from the extension's pages and the POS bridge to the service worker: their types
 * and `ask`. The schemas the worker validates them with are in message-schemas.ts (kept out of
 * the side panel's bundle).
 */
import type { Line, Quote, RefundQuote } from '../../shared/rules';
import type {
  AdjustInput,
  DetailsInput,
  EnrollInput,
  MemberView,
  Outcome,
  RecentPurchase,
  RejectedView,
  RefundInput,
  SaleInput,
  Staff,
} from './till';

export interface StatusReply {
  readonly paired: boolean;
  readonly pending: number;
  readonly rejected: number;
  readonly last_success_at: number | null;
  readonly offline_since: number | null;
  readonly paused: string | null;
  readonly last_error: string | null;
  /** When this till last found the endpoint restored from a backup, and what it sent again. */
  readonly restored: { readonly at: number; readonly resent: number } | null;
  /**
   * Records waiting for another device to send again, after a restore, the member or sale they
   * name (decision 0030), and the endpoint's word on the first.
   */
  readonly awaiting: { readonly count: number; readonly message: string | null };
  /** Who may unlock this till now (the store's staff as last synced). */
  readonly staff_ids: readonly string[];
  /** The program's time zone: the till shows times on the shop's clock, as the kiosk does. */
  readonly time_zone: string;
}

export type Request =
  | { kind: 'sync-now' }
  | { kind: 'status' }
  | { kind: 'pos-hello' }
  | { kind: 'unlock'; pin: string }
  | { kind: 'find'; search: string }
  /** `fresh`: after one sync (what another till recorded a moment ago), at most 3 s later. */
  | { kind: 'member'; member_id: string; fresh?: boolean }
  | ({ kind: 'quote' } & SaleInput)
  | ({ kind: 'sell' } & SaleInput)
  | ({ kind: 'enroll' } & EnrollInput)
  | { kind: 'recent'; member_id: string; receipt?: string }
  | ({ kind: 'refund' } & RefundInput)
  | { kind: 'rejected' }
  | ({ kind: 'adjust' } & AdjustInput)
  | ({ kind: 'details' } & DetailsInput)
  | { kind: 'take-cart' }
  | { kind: 'pos-discount'; amount: number };

export interface Replies {
  'sync-now': StatusReply;
  status: StatusReply;
  'pos-hello': { ok: boolean };
  /** 'pin_shared': two of the store's staff have this PIN, so it names nobody. */
  unlock: Staff | 'pin_shared' | null;
  find: string | null;
  member: MemberView;
  quote: Outcome<Quote>;
  sell: Outcome<{ discount: number; sale: Quote }>;
  enroll: Outcome<string>;
  recent: RecentPurchase[];
  refund: Outcome<RefundQuote>;
  rejected: RejectedView[];
  adjust: Outcome<null>;
  details: Outcome<null>;
  'take-cart': { amount: number; lines: Line[]; receipt_id: string | null } | null;
  'pos-discount': boolean;
}

export type RequestKind = Request['kind'];

export async function ask<R extends Request>(request: R): Promise<Replies[R['kind']]> {
  const reply = (await chrome.runtime.sendMessage(request)) as
    Replies[R['kind']] | { error: string };
  if (reply && typeof reply === 'object' && 'error' in reply && typeof reply.error === 'string')
    throw new Error(reply.error);
  return reply as Replies[R['kind']];
}
