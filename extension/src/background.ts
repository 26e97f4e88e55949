/**
 * The service worker: periodic sync with chrome.alarms (no state kept only in memory: Chrome
 * stops idle workers), and the typed message handlers. Listeners are registered at top level.
 */
import * as v from 'valibot';
import { deviceDb, syncClient } from './device';
import { AnyRequest, type Replies, type RequestKind } from './messages';
import { statusOf } from './status';

const SYNC_ALARM = 'sync';

const handlers: {
  [K in RequestKind]: (sender: chrome.runtime.MessageSender) => Promise<Replies[K]>;
} = {
  'sync-now': async () => {
    await syncClient().sync({ force: true });
    return statusOf(deviceDb());
  },
  status: () => statusOf(deviceDb()),
  'pos-hello': async (sender) => {
    if (sender.tab?.id === undefined) return { ok: false };
    await chrome.storage.session.set({ pos_tab: sender.tab.id });
    return { ok: true };
  },
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
  const parsed = v.safeParse(AnyRequest, message);
  if (!parsed.success) {
    reply({ error: 'bad message' });
    return false;
  }
  const kind = parsed.output.kind;
  void handlers[kind](sender).then(reply, (error: unknown) => reply({ error: String(error) }));
  return true;
});
