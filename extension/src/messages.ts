/**
 * Messages between the extension's parts: one typed, validated map. Each request has a schema;
 * the service worker answers only messages from this extension.
 */
import * as v from 'valibot';

export const REQUESTS = {
  'sync-now': v.object({ kind: v.literal('sync-now') }),
  status: v.object({ kind: v.literal('status') }),
  /** From the POS bridge: this tab shows a POS page (the panel talks to the last one). */
  'pos-hello': v.object({ kind: v.literal('pos-hello') }),
} as const;

export type RequestKind = keyof typeof REQUESTS;
export type RequestOf<K extends RequestKind> = v.InferOutput<(typeof REQUESTS)[K]>;

export const AnyRequest = v.variant('kind', Object.values(REQUESTS));

export interface StatusReply {
  readonly paired: boolean;
  readonly pending: number;
  readonly rejected: number;
  readonly last_success_at: number | null;
  readonly offline_since: number | null;
  readonly paused: string | null;
  readonly last_error: string | null;
}

export interface Replies {
  'sync-now': StatusReply;
  status: StatusReply;
  'pos-hello': { ok: boolean };
}

export async function ask<K extends RequestKind>(request: RequestOf<K>): Promise<Replies[K]> {
  return (await chrome.runtime.sendMessage(request)) as Replies[K];
}
