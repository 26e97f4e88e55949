/** Where the bridge finds the cart on a POS page; the defaults fit the demo POS. */
import * as v from 'valibot';

export const SelectorsSchema = v.object({
  total: v.pipe(v.string(), v.minLength(1)),
  line: v.pipe(v.string(), v.minLength(1)),
  discount: v.pipe(v.string(), v.minLength(1)),
  /** The POS's receipt number of the sale in progress (optional: refunds can be found by it). */
  receipt: v.optional(v.string(), '#receipt-id'),
});
export type Selectors = v.InferOutput<typeof SelectorsSchema>;

export const DEFAULT_SELECTORS: Selectors = {
  total: '#cart-total',
  line: '.cart-line',
  discount: '#loyalty-discount',
  receipt: '#receipt-id',
};
