/**
 * A till in a test: records events the way a device does (replay to now, quote, record the
 * quote's numbers), so worked examples read like a member's story.
 */
import {
  DEFAULT_PROGRAM,
  parseInstant,
  purchasePayload,
  quoteCheckout,
  quoteRefund,
  refundPayload,
  replay,
  singleProgram,
  type CheckoutInput,
  type LedgerEvent,
  type Line,
  type MemberState,
  type Payload,
  type Program,
  type Programs,
  type Quote,
  type RefundInput,
  type RefundQuote,
  type EventType,
} from '../../shared/rules';

export const seoul = (local: string): string => `${local}+09:00`;

export class Till {
  readonly events: LedgerEvent[] = [];
  readonly programs: Programs;
  private seq = 0;
  private ids = 0;

  constructor(
    readonly memberId = 'member-1',
    readonly program: Program = DEFAULT_PROGRAM,
    readonly deviceId = 'till-1',
    programs?: Programs,
  ) {
    this.programs = programs ?? singleProgram(program);
  }

  record<T extends EventType>(
    type: T,
    at: string,
    payload: Payload<T>,
    memberId = this.memberId,
  ): LedgerEvent {
    this.seq += 1;
    const event = {
      event_id: `${this.deviceId}-e${this.seq}`,
      member_id: memberId,
      occurred_at: at,
      store_id: 'store-1',
      device_id: this.deviceId,
      seq: this.seq,
      program_version: this.program.version,
      type,
      payload,
    } as LedgerEvent;
    this.events.push(event);
    return event;
  }

  state(at: string): MemberState {
    return replay(this.memberId, this.events, this.programs, parseInstant(at));
  }

  enroll(at: string, options: Partial<Payload<'member_enrolled'>> = {}): LedgerEvent {
    return this.record('member_enrolled', at, {
      card_number: `card-${this.memberId}`,
      referral_code: `ref-${this.memberId}`,
      referred_by: null,
      birthday: null,
      name: 'Kim',
      phone: null,
      phone_hash: null,
      consent: true,
      ...options,
    });
  }

  quote(at: string, input: Omit<CheckoutInput, 'store_id'> & { store_id?: string }): Quote {
    const result = quoteCheckout(
      this.state(at),
      this.program,
      { store_id: 'store-1', ...input },
      parseInstant(at),
    );
    if (!result.ok) throw result.error;
    return result.value;
  }

  /** Quotes and records a sale; returns the quote and the purchase id. */
  sell(
    at: string,
    input: {
      amount?: number;
      lines?: Line[];
      redeem_points?: number;
      coupon_code?: string | null;
      store_id?: string;
    },
  ): Quote & { purchase_id: string } {
    const lines = input.lines ?? [];
    const amount = input.amount ?? lines.reduce((s, l) => s + l.quantity * l.unit_price, 0);
    const quote = this.quote(at, { ...input, amount, lines });
    this.ids += 1;
    const purchaseId = `${this.deviceId}-p${this.ids}`;
    this.record(
      'purchase_recorded',
      at,
      purchasePayload(quote, { purchase_id: purchaseId }, lines, false),
    );
    return { ...quote, purchase_id: purchaseId };
  }

  refund(at: string, input: RefundInput): RefundQuote {
    const result = quoteRefund(this.state(at), this.program, input, parseInstant(at));
    if (!result.ok) throw result.error;
    const q = result.value;
    this.ids += 1;
    this.record('purchase_refunded', at, refundPayload(`${this.deviceId}-r${this.ids}`, q));
    return q;
  }
}

export const drink = (quantity: number, unit_price = 5_000, sku = 'americano'): Line => ({
  sku,
  category: 'drink',
  quantity,
  unit_price,
});
export const goods = (
  quantity: number,
  unit_price: number,
  sku = 'mug',
  category = 'goods',
): Line => ({
  sku,
  category,
  quantity,
  unit_price,
});
