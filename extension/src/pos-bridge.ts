/**
 * The POS bridge: a content script on the shop's web POS. It reads the cart (total and lines)
 * from the page by the selectors configured in the options, and writes the loyalty discount
 * back into the configured field. It holds no token and no member data.
 */
import * as v from 'valibot';
import { DEFAULT_SELECTORS, SelectorsSchema, type Selectors } from './pos-selectors';

const Request = v.variant('kind', [
  v.object({ kind: v.literal('read-cart') }),
  v.object({
    kind: v.literal('write-discount'),
    amount: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
  }),
]);

async function selectors(): Promise<Selectors> {
  const stored = await chrome.storage.local.get('pos_selectors');
  const parsed = v.safeParse(SelectorsSchema, stored.pos_selectors);
  return parsed.success ? parsed.output : DEFAULT_SELECTORS;
}

const int = (text: string | null | undefined): number =>
  Number((text ?? '').replace(/[^\d]/g, '')) || 0;

async function readCart() {
  const s = await selectors();
  const total = document.querySelector<HTMLElement>(s.total);
  const lines = [...document.querySelectorAll<HTMLElement>(s.line)].map((el) => ({
    sku: el.dataset.sku ?? el.querySelector('[data-sku]')?.textContent ?? 'item',
    category: el.dataset.category ?? 'other',
    quantity: Math.max(1, int(el.dataset.quantity)),
    unit_price: int(el.dataset.unitPrice),
  }));
  const amount = total
    ? int(total.dataset.amount ?? total.textContent)
    : lines.reduce((sum, l) => sum + l.quantity * l.unit_price, 0);
  // Lines are used only when they add up to the total the POS shows.
  const linesTotal = lines.reduce((sum, l) => sum + l.quantity * l.unit_price, 0);
  const receiptEl = s.receipt ? document.querySelector<HTMLElement>(s.receipt) : null;
  const receipt = (receiptEl?.dataset.receipt ?? receiptEl?.textContent ?? '').trim().slice(0, 100);
  return {
    amount,
    lines: linesTotal === amount ? lines : [],
    receipt_id: receipt === '' ? null : receipt,
  };
}

async function writeDiscount(amount: number) {
  const s = await selectors();
  const field = document.querySelector<HTMLInputElement>(s.discount);
  if (!field) return false;
  field.value = String(amount);
  field.dispatchEvent(new Event('input', { bubbles: true }));
  field.dispatchEvent(new Event('change', { bubbles: true }));
  return true;
}

chrome.runtime.onMessage.addListener((message: unknown, sender, reply) => {
  if (sender.id !== chrome.runtime.id) return false;
  const parsed = v.safeParse(Request, message);
  if (!parsed.success) return false;
  const request = parsed.output;
  if (request.kind === 'read-cart') void readCart().then(reply);
  else void writeDiscount(request.amount).then(reply);
  return true;
});

// Tell the extension this tab is a POS page, now and whenever the cashier comes back to it.
const hello = (): void =>
  void chrome.runtime.sendMessage({ kind: 'pos-hello' }).catch(() => undefined);
hello();
window.addEventListener('focus', hello);
