/** The side panel's state (zustand): who is at the till, the member on screen, the sale. */
import { create } from 'zustand';
import type { Line, Quote, RefundQuote } from '../../../shared/rules';
import type { Locale, Refusal } from '../../../shared/ui';
import type { StatusReply } from '../messages';

export type View = 'checkout' | 'enroll' | 'refund' | 'adjust' | 'details';

export type { Staff } from '../till';
import type { MemberView, Staff } from '../till';

export interface PanelState {
  locale: Locale;
  staff: Staff | null;
  lastTouch: number;
  status: StatusReply | null;
  search: string;
  memberId: string | null;
  member: MemberView | null;
  view: View;
  message: {
    text: string;
    error: boolean;
    refusal?: Refusal | undefined;
    /** A sale just recorded: the notice says what it did. */
    sale?: Quote | undefined;
    /** A refund just recorded: the same. */
    refund?: RefundQuote | undefined;
  } | null;
  amount: string;
  redeem: string;
  coupon: string;
  lines: Line[];
  /** The POS receipt number of the cart taken from the POS page. */
  receipt: string | null;
  quote: Quote | null;
  /**
   * A sale, refund, enrollment or adjustment is being recorded: its buttons wait for it, and a
   * second click meanwhile does nothing (a double click records once).
   */
  recording: boolean;
  set(p: Partial<PanelState>): void;
}

/** The checkout form with nothing in it: how the panel starts, and what a sale or lock leaves. */
export const EMPTY_CHECKOUT = {
  amount: '',
  redeem: '',
  coupon: '',
  lines: [],
  receipt: null,
  quote: null,
} as const satisfies Partial<PanelState>;

export const usePanel = create<PanelState>((set) => ({
  locale: 'ko',
  staff: null,
  lastTouch: Date.now(),
  status: null,
  search: '',
  memberId: null,
  member: null,
  view: 'checkout',
  message: null,
  ...EMPTY_CHECKOUT,
  recording: false,
  set: (p) => set(p),
}));

export const say = (text: string, error = false): void =>
  usePanel.getState().set({ message: { text, error } });

/** A failed action of the worker (an `Outcome` that is not ok). */
type Failure = { readonly message: string; readonly refusal?: Refusal | undefined };

/** What the panel shows for a failed action: a refusal of the rules in its words, else the text. */
export const failureNotice = (failure: Failure) => ({
  text: failure.message,
  error: true,
  refusal: failure.refusal,
});

export const sayFailure = (failure: Failure): void =>
  usePanel.getState().set({ message: failureNotice(failure) });
