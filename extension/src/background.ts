/**
 * The service worker: the till's logic (till.ts) behind one typed, validated message map,
 * and periodic sync with chrome.alarms. No state lives only in memory (Chrome stops idle
 * workers); listeners are registered at top level.
 */
import * as v from 'valibot';
import { deviceDb, syncClient } from './device';
import { RequestSchema } from './message-schemas';
import type { Replies, Request } from './messages';
import { statusOf } from './status';
import * as till from './till';

const SYNC_ALARM = 'sync';

type Handlers = {
  [K in Request['kind']]: (
    request: Extract<Request, { kind: K }>,
    sender: chrome.runtime.MessageSender,
  ) => Promise<Replies[K]>;
};

const handlers: Handlers = {
  'sync-now': async () => {
    await syncClient().sync({ force: true });
    return statusOf(deviceDb());
  },
  status: () => statusOf(deviceDb()),
  'pos-hello': async (_r, sender) => {
    if (sender.tab?.id === undefined) return { ok: false };
    await chrome.storage.session.set({ pos_tab: sender.tab.id });
    return { ok: true };
  },
  unlock: (r) => till.unlock(r.pin),
  find: (r) => till.find(r.search),
  member: (r) => till.member(r.member_id, r.fresh ?? false),
  quote: (r) => till.quote(r),
  sell: (r) => till.sell(r),
  enroll: (r) => till.enroll(r),
  recent: (r) => till.recentPurchases(r.member_id, r.receipt),
  refund: (r) => till.refund(r),
  rejected: () => till.rejected(),
  adjust: (r) => till.adjust(r),
  details: (r) => till.changeDetails(r),
  'take-cart': () => till.takeCart(),
  'pos-discount': (r) => till.writeDiscount(r.amount),
};

chrome.runtime.onInstalled.addListener(() => {
  void chrome.alarms.create(SYNC_ALARM, { periodInMinutes: 1 });
  void chrome.sidePanel.setPanelBehavior({ openPanelOnActionClick: true }).catch(() => undefined);
});

chrome.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name === SYNC_ALARM) void syncClient().sync();
});

chrome.runtime.onMessage.addListener((message: unknown, sender, reply) => {
  if (sender.id !== chrome.runtime.id) return false;
  const parsed = v.safeParse(RequestSchema, message);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    const path = issue ? v.getDotPath(issue) : null;
    reply({ error: `bad message: ${path ? `${path}: ` : ''}${issue?.message ?? ''}` });
    return false;
  }
  const request = parsed.output as Request;
  const handle = handlers[request.kind] as (
    r: Request,
    s: chrome.runtime.MessageSender,
  ) => Promise<unknown>;
  void handle(request, sender).then(reply, (error: unknown) => reply({ error: String(error) }));
  return true;
});
