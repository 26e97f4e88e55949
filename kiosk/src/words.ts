/** What the kiosk says, in Korean (default) and English. */
import type { Locale } from '../../shared/ui';

const WORDS = {
  title: { ko: '멤버십', en: 'Membership' },
  welcome: { ko: '어서 오세요', en: 'Welcome' },
  scan_hint: {
    ko: '멤버십 카드나 QR 코드를 스캔하거나 번호를 입력하세요',
    en: 'Scan your membership card or QR code, or type its number',
  },
  card_or_code: { ko: '카드 번호 또는 회원 코드', en: 'Card number or member code' },
  show: { ko: '조회', en: 'Show' },
  use_phone: { ko: '전화번호 + PIN으로 조회', en: 'Use phone number + PIN' },
  enroll: { ko: '회원 가입', en: 'Join' },
  language: { ko: 'English', en: '한국어' },
  phone: { ko: '전화번호', en: 'Phone number' },
  pin: { ko: 'PIN', en: 'PIN' },
  next: { ko: '다음', en: 'Next' },
  back: { ko: '뒤로', en: 'Back' },
  done: { ko: '완료', en: 'Done' },
  clear: { ko: '지움', en: 'Clear' },
  delete: { ko: '삭제', en: 'Delete' },
  busy: { ko: '확인 중…', en: 'Checking…' },
  hello: { ko: '님, 안녕하세요', en: ', hello' },
  tier: { ko: '등급', en: 'Tier' },
  perks: { ko: '혜택', en: 'Perks' },
  earn_rate: { ko: '적립', en: 'earned on purchases' },
  monthly_coupons: { ko: '매월 쿠폰', en: 'coupons every month' },
  consultation: { ko: '상담', en: 'consultation' },
  monthly: { ko: '매월', en: 'monthly' },
  quarterly: { ko: '분기별', en: 'quarterly' },
  home: { ko: '처음으로', en: 'Start over' },
  online: { ko: '온라인', en: 'Online' },
  available: { ko: '사용 가능 포인트', en: 'Points available' },
  pending: { ko: '적립 예정', en: 'Pending' },
  expiring: { ko: '소멸 예정', en: 'Expiring soon' },
  expiring_by: { ko: '까지 사용', en: 'use by' },
  to_next: { ko: '다음 등급까지', en: 'To the next tier' },
  spend_more: { ko: '남았어요', en: 'more to reach' },
  top_tier: { ko: '최고 등급입니다', en: 'You are in the top tier' },
  coupons: { ko: '사용 가능한 쿠폰', en: 'Your coupons' },
  no_coupons: { ko: '사용 가능한 쿠폰이 없습니다', en: 'No coupons right now' },
  show_cashier: { ko: '계산대에서 QR을 보여주세요', en: 'Show the QR at the till' },
  valid_until: { ko: '까지', en: 'valid until' },
  stamps: { ko: '스탬프', en: 'Stamps' },
  movements: { ko: '최근 포인트 내역', en: 'Recent points' },
  no_movements: { ko: '아직 내역이 없습니다', en: 'Nothing yet' },
  as_of: { ko: '기준', en: 'as of' },
  as_of_never: { ko: '아직 서버와 동기화되지 않았습니다', en: 'Not synced with the store yet' },
  offline: {
    ko: '오프라인: 마지막 동기화 기준으로 표시합니다',
    en: 'Offline: showing the data as of the last sync',
  },
  unsynced: { ko: '건 전송 대기', en: 'waiting to be sent' },
  feedback: { ko: '의견 남기기', en: 'Leave feedback' },
  recommend: {
    ko: '저희 매장을 친구에게 추천하시겠어요? (0-10)',
    en: 'How likely are you to recommend us to a friend? (0-10)',
  },
  not_likely: { ko: '전혀 아니다', en: 'Not likely' },
  very_likely: { ko: '매우 그렇다', en: 'Very likely' },
  comment: { ko: '하고 싶은 말씀 (선택)', en: 'Anything to add? (optional)' },
  send: { ko: '보내기', en: 'Send' },
  thanks: { ko: '소중한 의견 감사합니다', en: 'Thank you for your feedback' },
  name: { ko: '이름', en: 'Name' },
  birthday: { ko: '생일 (선택, YYYY-MM-DD)', en: 'Birthday (optional, YYYY-MM-DD)' },
  referral: { ko: '추천인 코드 (선택)', en: 'Referral code (optional)' },
  choose_pin: { ko: 'PIN (숫자 4-6자리)', en: 'PIN (4-6 digits)' },
  consent_text: {
    ko: '멤버십 운영(포인트, 쿠폰, 등급)을 위해 이름, 전화번호, 생일, 구매 기록을 수집·이용하는 데 동의합니다. (필수)',
    en: 'I agree that my name, phone number, birthday and purchases are used to run the membership (points, coupons, tiers). (required)',
  },
  join: { ko: '가입하기', en: 'Join' },
  enrolled: { ko: '가입을 환영합니다!', en: 'Welcome to the membership!' },
  your_card: { ko: '회원 카드 번호', en: 'Your card number' },
  your_code: { ko: '추천 코드', en: 'Your referral code' },
  keep_card: {
    ko: '이 번호나 QR을 계산대에서 보여주세요',
    en: 'Show this number or QR at the till',
  },
  see_my_card: { ko: '내 멤버십 보기', en: 'See my membership' },
  idle: { ko: '화면이 곧 처음으로 돌아갑니다', en: 'This screen will reset soon' },
  setup: { ko: '키오스크 설정', en: 'Kiosk setup' },
  setup_hint: {
    ko: '관리자가 발급한 키오스크 연결 코드를 입력하세요',
    en: 'Enter the kiosk pairing code from the admin',
  },
  endpoint: { ko: '서버 주소', en: 'Endpoint URL' },
  pairing_code: { ko: '연결 코드', en: 'Pairing code' },
  pair: { ko: '연결', en: 'Pair' },
  update_ready: {
    ko: '새 버전이 준비되었습니다: 전송 대기 기록이 없을 때 적용됩니다',
    en: 'A new version is ready: it applies once nothing is waiting to be sent',
  },
  // Errors
  not_found: { ko: '회원을 찾을 수 없습니다', en: 'No member with this card or code' },
  phone_format: { ko: '전화번호를 확인하세요', en: 'Check the phone number' },
  pin_format: { ko: 'PIN은 숫자 4-6자리입니다', en: 'A PIN is 4 to 6 digits' },
  phone_or_pin_wrong: {
    ko: '전화번호 또는 PIN이 올바르지 않습니다',
    en: 'Phone number or PIN not recognised',
  },
  pin_locked: {
    ko: 'PIN을 여러 번 잘못 입력했습니다. 잠시 후 다시 시도하세요 (분):',
    en: 'Too many wrong PINs. Try again later (minutes):',
  },
  pin_not_set: {
    ko: 'PIN이 없는 회원입니다. 카드로 조회하세요',
    en: 'No PIN is set for this member: use your card',
  },
  pin_needs_network: {
    ko: '지금은 전화번호 조회를 할 수 없습니다. 카드나 회원 코드로 조회하세요',
    en: 'Phone lookup needs the network: use your card or member code',
  },
  kiosk_not_paired: {
    ko: '키오스크 연결이 끊겼습니다. 직원에게 문의하세요',
    en: 'This kiosk is not paired: ask a member of staff',
  },
  consent_required: {
    ko: '개인정보 수집·이용에 동의해야 가입할 수 있습니다',
    en: 'Please agree to the use of your personal data to join',
  },
  name_required: { ko: '이름을 입력하세요', en: 'Enter your name' },
  birthday_format: { ko: '생일을 YYYY-MM-DD로 입력하세요', en: 'Birthday as YYYY-MM-DD' },
  phone_taken: {
    ko: '이미 가입된 전화번호입니다',
    en: 'This phone number is already a member',
  },
  referral_unknown: { ko: '추천인 코드를 찾을 수 없습니다', en: 'Unknown referral code' },
  score_required: { ko: '0-10 중에서 골라 주세요', en: 'Pick a number from 0 to 10' },
  comment_too_long: { ko: '의견이 너무 깁니다', en: 'The comment is too long' },
  endpoint_unreachable: { ko: '서버에 연결할 수 없습니다', en: 'Cannot reach the endpoint' },
  pairing_refused: { ko: '연결이 거부되었습니다', en: 'Pairing refused' },
  pairing_not_kiosk: {
    ko: '이 코드는 계산대용입니다. 키오스크 코드를 입력하세요',
    en: 'This code is for a till: use a kiosk pairing code',
  },
  failed: { ko: '문제가 발생했습니다. 다시 시도하세요', en: 'Something went wrong: try again' },
  // Movement kinds
  purchase: { ko: '구매 적립', en: 'Purchase' },
  redemption: { ko: '포인트 사용', en: 'Points used' },
  bonus: { ko: '보너스', en: 'Bonus' },
  expired: { ko: '소멸', en: 'Expired' },
  refund: { ko: '환불', en: 'Refund' },
  adjustment: { ko: '조정', en: 'Adjustment' },
  referral_bonus: { ko: '추천 보너스', en: 'Referral bonus' },
} as const;

export type KioskWord = keyof typeof WORDS;

export function w(word: KioskWord, locale: Locale): string {
  return WORDS[word][locale];
}

/** The words for a kind of points movement (rules name them; the kiosk groups them). */
export function movementWord(kind: string): KioskWord {
  if (kind.startsWith('purchase') || kind === 'earn') return 'purchase';
  if (kind.startsWith('redemption') || kind === 'redeem') return 'redemption';
  if (kind.startsWith('refund')) return 'refund';
  if (kind.startsWith('referral')) return 'referral_bonus';
  if (kind.startsWith('adjustment')) return 'adjustment';
  if (kind === 'expired') return 'expired';
  return 'bonus';
}
