/** What both front ends show the same way: formats and words (ko, en). */
export {
  formatDateTime,
  formatNumber,
  formatWon,
  formatPoints,
  t,
  say,
  type Locale,
  type Word,
} from './format';
export { refusalText, type Refusal } from './refusals';
export { couponTitle, type TitledCoupon } from './coupons';
export { eventTypeText, rejectReasonText } from './ledger-words';
