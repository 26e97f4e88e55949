/**
 * The rules module: the loyalty program's definition and pure functions over a member's events.
 * Nothing here reads a clock, storage, the DOM or the network: times are passed in.
 */
export { money, points, mulDivFloor, BP, MAX_POINTS, type Money, type Points } from './money';
export { RuleError, ok, refuse, type Result, type RuleErrorCode } from './errors';
export * from './time';
export {
  ProgramSchema,
  PhoneRuleSchema,
  TierSchema,
  PromotionSchema,
  ProgramError,
  parseProgram,
  parseStoredProgram,
  programHistory,
  singleProgram,
  tierIndex,
  issuesOf,
  type Program,
  type PhoneRule,
  type Programs,
  type PublishedProgram,
  type ProgramIssue,
  type Tier,
  type Promotion,
  type CouponKind,
} from './program';
export { DEFAULT_PROGRAM } from './default-program';
export {
  PAYLOAD_SCHEMAS,
  EVENT_TYPES,
  LineSchema,
  RefundLineSchema,
  MAX_UNITS,
  unitsOf,
  BirthdaySchema,
  PHONE_PATTERN,
  isBirthdayInput,
  phoneOfInput,
  phoneWritings,
  compareEvents,
  type EventType,
  type EventOf,
  type LedgerEvent,
  type LedgerEventBase,
  type Payload,
  type Line,
  type RefundLine,
} from './events';
export { COUPON_SOURCES } from './state';
export type {
  MemberState,
  Lot,
  LotSource,
  Coupon,
  CouponSource,
  PurchaseRecord,
  MonthTotals,
  Conflict,
  ConflictKind,
  Movement,
  MovementKind,
  TierChange,
} from './state';
export { replay, advance, apply, businessOrder } from './replay';
export { balanceOf, expiryOf, availableFrom, type Balance } from './lots';
export { evaluateTier, nextTier, tierOf, spendBefore, type NextTier } from './tiers';
export {
  couponCode,
  couponSourceOf,
  couponStatus,
  usableCoupons,
  normalizeCode,
  type CouponStatus,
} from './coupons';
export {
  quoteCheckout,
  purchasePayload,
  earnPoints,
  purchaseEffects,
  type CheckoutInput,
  type Quote,
  type IssuedCoupon,
} from './checkout';
export {
  quoteRefund,
  refundFigures,
  refundInputOf,
  refundPayload,
  refundableQuantity,
  type RefundInput,
  type RefundQuote,
  type RefundFigures,
} from './refund';
export { checkPurchase, checkRefund, type Disagreement } from './check';
export {
  summarize,
  pointsView,
  couponView,
  type MemberSummary,
  type PointsView,
  type CouponView,
} from './summary';
