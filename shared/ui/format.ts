/** Numbers and words the cashier and the member read, in Korean (default) and English. */
export type Locale = 'ko' | 'en';

const wonFormat = new Intl.NumberFormat('ko-KR');

/** A number with thousands separators (1,000), as every screen writes them. */
export function formatNumber(n: number): string {
  return wonFormat.format(n);
}

/** A text in each language the screens speak. */
export type Bilingual = Readonly<Record<Locale, string>>;

/** Won the Korean way: 12,345원 (ko) or ₩12,345 (en). */
export function formatWon(amount: number, locale: Locale = 'ko'): string {
  return locale === 'ko' ? `${wonFormat.format(amount)}원` : `₩${wonFormat.format(amount)}`;
}

export function formatPoints(points: number, locale: Locale = 'ko'): string {
  return locale === 'ko' ? `${wonFormat.format(points)}P` : `${wonFormat.format(points)} pts`;
}

const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * A moment as the shop reads it: on the shop's calendar and clock (the program's time zone), not
 * the machine's, which a till or kiosk PC may have set to UTC. `zone` undefined (before the
 * program is known) is the machine's. `withDate: false` gives the time of day alone.
 */
export function formatDateTime(
  ms: number,
  zone: string | undefined,
  locale: Locale,
  withDate = true,
): string {
  const key = `${locale}|${zone}|${withDate}`;
  let format = dateTimeFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale === 'ko' ? 'ko-KR' : 'en-GB', {
      ...(withDate ? { dateStyle: 'medium' } : {}),
      timeStyle: withDate ? 'short' : 'medium',
      ...(zone ? { timeZone: zone } : {}),
    });
    dateTimeFormats.set(key, format);
  }
  return format.format(ms);
}

const WORDS = {
  online: { ko: '온라인', en: 'Online' },
  offline: { ko: '오프라인', en: 'Offline' },
  waiting: { ko: '동기화 대기', en: 'Waiting to sync' },
  last_sync: { ko: '마지막 동기화', en: 'Last sync' },
  never: { ko: '없음', en: 'never' },
  rejected: { ko: '거부된 기록', en: 'Rejected' },
  card_number: { ko: '카드 번호', en: 'Card number' },
  find: { ko: '회원 찾기', en: 'Find member' },
  not_found: { ko: '회원을 찾을 수 없습니다', en: 'No member found' },
  tier: { ko: '등급', en: 'Tier' },
  points: { ko: '포인트', en: 'Points' },
  expiring: { ko: '30일 내 소멸 예정', en: 'Expiring in 30 days' },
  to_next: { ko: '다음 등급까지', en: 'To next tier' },
  stamps: { ko: '스탬프', en: 'Stamps' },
  coupons: { ko: '쿠폰', en: 'Coupons' },
  amount: { ko: '결제 금액', en: 'Amount' },
  redeem: { ko: '사용 포인트', en: 'Points to use' },
  use_all: { ko: '전액 사용', en: 'Use all' },
  earn: { ko: '적립 예정', en: 'Points to earn' },
  earned: { ko: '적립', en: 'Points earned' },
  paid: { ko: '결제', en: 'Paid' },
  coupon_discount: { ko: '쿠폰 할인', en: 'Coupon' },
  member_discount: { ko: '등급 할인', en: 'Member discount' },
  points_used: { ko: '포인트 사용', en: 'Points used' },
  referral_bonus: { ko: '추천 보너스', en: 'Referral bonus' },
  new_coupons: { ko: '새 쿠폰', en: 'New coupons' },
  refund_amount: { ko: '환불 금액', en: 'Money back' },
  points_reversed: { ko: '적립 취소', en: 'Points taken back' },
  points_restored: { ko: '사용 포인트 반환', en: 'Points given back' },
  coupon_restored: { ko: '쿠폰 반환', en: 'Coupon given back' },
  referral_reversed: { ko: '추천 보너스 회수', en: 'Referral bonus taken back' },
  pay: { ko: '결제할 금액', en: 'To pay' },
  confirm: { ko: '확인', en: 'Confirm sale' },
  recorded: { ko: '기록되었습니다', en: 'Recorded' },
  sync_now: { ko: '지금 동기화', en: 'Sync now' },
  restored: {
    ko: '서버가 백업에서 복구됨: 다시 보낸 기록',
    en: 'Endpoint restored from a backup: records sent again',
  },
  awaiting_other_device: {
    ko: '복구된 서버: 다른 기기를 기다리는 기록',
    en: 'Restored endpoint: records waiting for another device',
  },
  not_paired: {
    ko: '이 기기는 아직 연결되지 않았습니다. 옵션에서 연결하세요.',
    en: 'This device is not paired yet: pair it in the options.',
  },
  endpoint: { ko: '서버 주소', en: 'Endpoint URL' },
  pairing_code: { ko: '연결 코드', en: 'Pairing code' },
  pair: { ko: '연결', en: 'Pair' },
  paired: { ko: '연결됨', en: 'Paired' },
  enrolled: { ko: '가입되었습니다', en: 'Enrolled' },
  refunded: { ko: '환불되었습니다', en: 'Refunded' },
  referral_unknown: { ko: '추천 코드를 찾을 수 없습니다', en: 'Unknown referral code' },
  manager_pin_wrong: { ko: '매니저 PIN이 올바르지 않습니다', en: 'Wrong manager PIN' },
  adjust_invalid: {
    ko: '포인트와 사유(3자 이상)를 입력하세요',
    en: 'Enter points and a reason (3+ characters)',
  },
  no_pos: { ko: 'POS 화면에서 장바구니를 읽을 수 없습니다', en: 'No POS cart on the active tab' },
  locked: { ko: '잠김: 직원 PIN을 입력하세요', en: 'Locked: enter your staff PIN' },
  staff_pin: { ko: '직원 PIN', en: 'Staff PIN' },
  unlock: { ko: '잠금 해제', en: 'Unlock' },
  pin_wrong: { ko: 'PIN이 올바르지 않습니다', en: 'Wrong PIN' },
  pin_shared: {
    ko: '이 PIN을 쓰는 직원이 두 명 이상입니다: 관리자에게 각자의 PIN을 받으세요 (관리 콘솔, 직원, PIN 변경)',
    en: 'More than one person has this PIN: ask the owner to give each their own (console, Staff, Change PIN)',
  },
  lock: { ko: '잠금', en: 'Lock' },
  search: { ko: '카드 번호, 회원 코드 또는 전화번호', en: 'Card number, member code or phone' },
  checkout: { ko: '결제', en: 'Checkout' },
  enroll: { ko: '가입', en: 'Enroll' },
  refund: { ko: '환불', en: 'Refund' },
  adjust: { ko: '포인트 조정', en: 'Adjust points' },
  name: { ko: '이름', en: 'Name' },
  phone: { ko: '전화번호', en: 'Phone' },
  birthday: { ko: '생일 (YYYY-MM-DD)', en: 'Birthday (YYYY-MM-DD)' },
  referral: { ko: '추천 코드', en: 'Referral code' },
  coupon: { ko: '쿠폰', en: 'Coupon' },
  no_coupon: { ko: '사용 안 함', en: 'None' },
  take_cart: { ko: 'POS 장바구니 가져오기', en: 'Take the POS cart' },
  refund_all: { ko: '전체 환불', en: 'Refund all' },
  refund_one: { ko: '1개 환불', en: 'Refund one' },
  receipt: { ko: '영수증 번호', en: 'Receipt no.' },
  reason: { ko: '사유', en: 'Reason' },
  manager_pin: { ko: '매니저 PIN', en: 'Manager PIN' },
  perks: { ko: '혜택', en: 'Perks' },
  member_code: { ko: '회원 코드', en: 'Member code' },
  member_pin: { ko: '회원 PIN (4-6자리, 선택)', en: 'Member PIN (4-6 digits, optional)' },
  pin_format: { ko: 'PIN은 4-6자리 숫자입니다', en: 'A PIN is 4 to 6 digits' },
  phone_format: {
    ko: '전화번호는 숫자 6-15자리입니다',
    en: 'A phone number is 6 to 15 digits',
  },
  phone_taken: {
    ko: '이 전화번호로 가입한 회원이 있습니다: 회원을 찾으세요',
    en: 'A member has this phone number: find them instead',
  },
  birthday_format: {
    ko: '생일은 YYYY-MM-DD 형식의 실제 날짜입니다',
    en: 'A birthday is a real date, YYYY-MM-DD',
  },
  details: { ko: '회원 정보', en: 'Details' },
  new_phone: { ko: '새 전화번호', en: 'New phone number' },
  new_name: { ko: '이름 (고칠 때만)', en: 'Name (only to correct it)' },
  save_details: { ko: '정보 저장', en: 'Save details' },
  details_empty: {
    ko: '새 전화번호나 이름을 입력하세요',
    en: 'Enter a new phone number or a name',
  },
  details_saved: {
    ko: '저장되었습니다: 다음 동기화 때 본사와 다른 기기에 전해집니다',
    en: 'Saved: the endpoint and the other devices get it at the next sync',
  },
} as const;

export type Word = keyof typeof WORDS;

export function t(word: Word, locale: Locale = 'ko'): string {
  return WORDS[word][locale];
}

/** A word if `text` names one, else the text itself (messages from the rules are English). */
export function say(text: string, locale: Locale = 'ko'): string {
  return text in WORDS ? WORDS[text as Word][locale] : text;
}
