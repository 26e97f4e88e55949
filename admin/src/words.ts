/** What the admin console says, in Korean (default, as the till and the kiosk) and English. */
import {
  formatDateTime,
  formatNumber,
  formatPoints,
  formatWon,
  type Locale,
} from '../../shared/ui';

const WORDS = {
  title: { ko: '매장 멤버십 · 관리', en: 'Store loyalty · Admin' },
  language: { ko: 'English', en: '한국어' },
  admin_token: { ko: '관리자 토큰', en: 'Admin token' },
  sign_in: { ko: '로그인', en: 'Sign in' },
  token_needed: { ko: '관리자 토큰을 입력하세요.', en: 'Enter the admin token.' },
  token_wrong: {
    ko: '관리자 토큰이 아닙니다. 처음 npm start를 실행할 때 출력된 토큰(또는 LOYALTY_ADMIN_TOKEN)을 쓰세요.',
    en: 'This is not an admin token. npm start printed it at the first start (or set LOYALTY_ADMIN_TOKEN).',
  },
  token_expired: {
    ko: '관리자 토큰이 더 이상 통하지 않습니다 (바뀌었거나 취소되었습니다). 다시 로그인하세요.',
    en: 'The admin token no longer works (it was replaced or revoked): sign in again.',
  },
  store: { ko: '매장', en: 'Store' },
  all_stores: { ko: '전체 매장', en: 'All stores' },
  sign_out: { ko: '로그아웃', en: 'Sign out' },
  sections: { ko: '메뉴', en: 'Sections' },
  tab_devices: { ko: '포스·키오스크', en: 'Tills & kiosks' },
  tab_staff: { ko: '직원', en: 'Staff' },
  tab_conflicts: { ko: '충돌', en: 'Conflicts' },
  tab_members: { ko: '회원', en: 'Members' },
  tab_feedback: { ko: '고객 의견', en: 'Feedback' },
  tab_program: { ko: '프로그램', en: 'Program' },
  tab_integrations: { ko: '외부 연동', en: 'Integrations' },
  integrations_hint: {
    ko: '웹 쇼핑몰이나 스크립트가 API를 쓰는 키입니다. 새어 나간 키는 연결을 해제하면 바로 통하지 않습니다.',
    en: 'Keys with which a web shop or a script uses the API. Revoke one that leaked: it stops working at once.',
  },
  no_integrations: { ko: '연동 키가 없습니다.', en: 'No integration keys yet.' },
  add_integration: { ko: '연동 키 만들기', en: 'Create an integration key' },
  integration_name_needed: {
    ko: '어디에 쓰는 키인지 이름을 붙이세요 (예: "웹 쇼핑몰").',
    en: 'Name what it is for, e.g. "web shop".',
  },
  make_key: { ko: '키 만들기', en: 'Create the key' },
  key_once: {
    ko: '이 키는 지금 한 번만 보입니다. 복사해서 연동할 곳에 넣으세요:',
    en: 'This key is shown this once: copy it into the system that uses it:',
  },
  active: { ko: '사용 중', en: 'Active' },
  backup_never: {
    ko: '백업이 아직 없습니다. 매일 npm run admin -- backup <파일> 을 실행하세요 (README "Backups").',
    en: 'No backup yet: run npm run admin -- backup <file> daily (README "Backups").',
  },
  backup_postgres: {
    ko: '데이터는 PostgreSQL에 있습니다: pg_dump로 백업하세요.',
    en: 'The data is in PostgreSQL: back it up with pg_dump.',
  },
  backup_old: {
    ko: ' · 이틀 넘게 백업되지 않음',
    en: ' · no backup for over two days',
  },
  key_status: { ko: '상태', en: 'Status' },
  tab_report: { ko: '활동 보고서', en: 'Activity' },
  report_from: { ko: '시작일', en: 'From' },
  report_to: { ko: '종료일', en: 'To' },
  show: { ko: '보기', en: 'Show' },
  day: { ko: '날짜', en: 'Day' },
  report_new_members: { ko: '새 회원', en: 'New members' },
  report_purchases: { ko: '회원 구매', en: 'Member purchases' },
  report_members_purchasing: { ko: '구매한 회원', en: 'Members who bought' },
  report_sales: { ko: '판매 금액', en: 'Sales to members' },
  report_paid: { ko: '결제 금액', en: 'Paid' },
  report_points_earned: { ko: '적립 포인트', en: 'Points earned' },
  report_points_redeemed: { ko: '사용 포인트', en: 'Points used' },
  report_coupons_used: { ko: '사용 쿠폰', en: 'Coupons used' },
  report_refunds: { ko: '환불', en: 'Refunds' },
  report_amount_refunded: { ko: '환불 금액', en: 'Money refunded' },
  report_points_reversed: { ko: '적립 취소', en: 'Points taken back' },
  report_average_purchase: { ko: '평균 구매 금액', en: 'Average purchase' },
  report_repeat: { ko: '두 번 이상 구매한 회원', en: 'Members who bought twice or more' },
  report_returning: { ko: '전에도 구매한 회원', en: 'Members who had bought before' },
  report_retained: { ko: '다시 구매한 회원 (유지)', en: 'Came back (retention)' },
  report_lost: { ko: '다시 구매하지 않은 회원 (이탈)', en: 'Did not come back (churn)' },
  report_quiet: { ko: '이 기간에는 활동이 없습니다.', en: 'Nothing happened in these days.' },
  report_benefits: {
    ko: '회원이 사용한 혜택 (많이 쓴 순)',
    en: 'Benefits members used, most used first',
  },
  report_no_benefits: {
    ko: '이 기간에 사용한 혜택이 없습니다.',
    en: 'No points, coupons or member discounts were used in these days.',
  },
  held_title: {
    ko: '지금 회원이 가진 포인트 (전체 매장)',
    en: 'What members hold now (all stores)',
  },
  held_members: { ko: '회원', en: 'Members' },
  held_points: { ko: '보유 포인트', en: 'Points held' },
  held_liability: { ko: '포인트의 금액 (부채)', en: 'Their worth (a liability)' },
  held_spend: {
    ko: '회원 1명당 누적 결제 금액 (고객 생애 가치)',
    en: 'Spend per member over their membership (lifetime value)',
  },
  held_debt: { ko: '회원이 갚을 포인트', en: 'Points members owe' },
  held_tiers: { ko: '등급별 회원', en: 'Members by tier' },
  name: { ko: '이름', en: 'Name' },
  kind: { ko: '종류', en: 'Kind' },
  paired: { ko: '연결', en: 'Paired' },
  last_sync: { ko: '마지막 동기화', en: 'Last sync' },
  events_received: { ko: '받은 기록', en: 'Events received' },
  when: { ko: '일시', en: 'When' },
  what: { ko: '내용', en: 'What' },
  points: { ko: '포인트', en: 'Points' },
  member: { ko: '회원', en: 'Member' },
  score: { ko: '점수', en: 'Score' },
  comment: { ko: '의견', en: 'Comment' },
  tier: { ko: '등급', en: 'Tier' },
  tier_from: { ko: '기준 (월평균 결제액)', en: 'From (average monthly spend)' },
  earns: { ko: '적립률', en: 'Earns' },
  no_devices: {
    ko: '아직 포스나 키오스크가 없습니다. 아래에서 추가하세요.',
    en: 'No tills or kiosks yet: add one below.',
  },
  till: { ko: '포스', en: 'Till' },
  kiosk: { ko: '키오스크', en: 'Kiosk' },
  code_out: { ko: '연결 코드 발급됨', en: 'Code given out' },
  not_paired: { ko: '연결 안 됨', en: 'Not paired' },
  revoke: { ko: '연결 해제', en: 'Revoke' },
  yes_revoke: { ko: '해제', en: 'Yes, revoke' },
  devices_hint: {
    ko: '잃어버리거나 쓰지 않는 포스·키오스크는 연결을 해제하세요: 바로 동기화도 회원 조회도 못 하게 되고, 보낸 기록은 남습니다.',
    en: 'Revoke a till or kiosk that is lost or no longer used: it can no longer sync or look members up, at once; what it sent stays.',
  },
  never: { ko: '없음', en: 'Never' },
  stale: { ko: ' · 하루 넘게 동기화되지 않음', en: ' · not synced for over a day' },
  add_device: { ko: '포스·키오스크 추가', en: 'Add a till or kiosk' },
  till_option: { ko: '포스 (캐셔 확장 프로그램)', en: 'Till (cashier extension)' },
  name_needed: {
    ko: '직원이 알아볼 이름을 붙이세요 (예: "포스 2").',
    en: 'Give it a name the staff will recognise, e.g. "Till 2".',
  },
  get_code: { ko: '연결 코드 받기', en: 'Get a pairing code' },
  pairing_code: { ko: '연결 코드', en: 'Pairing code' },
  conflicts_hint: {
    ko: '오프라인에서 기록된 결정이 동기화 뒤 서로 부딪힌 경우입니다: 같은 포인트나 쿠폰을 두 번 쓴 경우. 판매는 그대로 두고, 모자란 포인트는 회원의 다음 적립으로 갚습니다.',
    en: "What tills decided offline that collided once they synced: the same points or coupon used twice. The sale stands; a debt is paid off by the member's next points.",
  },
  no_conflicts: { ko: '충돌이 없습니다.', en: 'No conflicts.' },
  show_handled: { ko: '처리한 것도 보기', en: 'Show handled ones too' },
  mark_handled: { ko: '처리함', en: 'Mark handled' },
  reopen: { ko: '다시 열기', en: 'Open again' },
  handled_note: { ko: '메모 (선택)', en: 'Note (optional)' },
  open_member: { ko: '회원 보기', en: 'Open member' },
  search: { ko: '이름, 카드 또는 전화번호', en: 'Name, card or phone number' },
  find: { ko: '찾기', en: 'Find' },
  not_found: {
    ko: '이 이름, 카드 번호나 전화번호의 회원이 없습니다.',
    en: 'No member has this name, card number or phone number.',
  },
  more: { ko: '더 보기', en: 'Show more' },
  loading: { ko: '불러오는 중…', en: 'Loading…' },
  card: { ko: '카드', en: 'Card' },
  phone: { ko: '전화번호', en: 'Phone' },
  birthday: { ko: '생일', en: 'Birthday' },
  birthday_hint: { ko: 'YYYY-MM-DD, 비우면 삭제', en: 'YYYY-MM-DD; empty removes it' },
  phone_hint: { ko: '비우면 삭제', en: 'empty removes it' },
  edit_details: { ko: '정보 수정', en: 'Edit details' },
  change_pin: { ko: 'PIN 변경', en: 'Change PIN' },
  download_members: { ko: '전체 회원 내려받기 (CSV)', en: 'Download all members (CSV)' },
  download_activity: { ko: '날짜별로 내려받기 (CSV)', en: 'Download by day (CSV)' },
  download_store_members: {
    ko: '이 매장 가입 회원 내려받기 (CSV)',
    en: "Download this store's members (CSV)",
  },
  save: { ko: '저장', en: 'Save' },
  details_saved: {
    ko: '저장했습니다. 포스와 키오스크는 다음 동기화 때 받습니다.',
    en: 'Saved. The tills and kiosks get it at their next sync.',
  },
  nothing_changed: { ko: '바뀐 것이 없습니다.', en: 'Nothing changed.' },
  member_since: { ko: '가입일', en: 'Member since' },
  expiring: { ko: '소멸 예정', en: 'Expiring' },
  stamps: { ko: '스탬프', en: 'Stamps' },
  purchases: { ko: '구매', en: 'Purchases' },
  conflicts: { ko: '충돌', en: 'Conflicts' },
  coupons: { ko: '쿠폰', en: 'Coupons' },
  no_coupons: { ko: '지금 쓸 수 있는 쿠폰이 없습니다.', en: 'None usable now.' },
  movements: { ko: '최근 포인트 내역', en: 'Latest point movements' },
  no_feedback: {
    ko: '아직 의견이 없습니다. 회원은 키오스크에서 의견을 남깁니다.',
    en: 'No feedback yet: members leave it at the kiosk.',
  },
  staff_hint: {
    ko: '직원은 PIN으로 포스를 엽니다. 매니저의 PIN은 포인트 조정을 승인합니다. 추가하거나 삭제한 직원은 각 포스의 다음 동기화 때 반영됩니다.',
    en: "Staff unlock the tills with their PIN; a manager's PIN approves point adjustments. Tills learn of staff added or removed at their next sync.",
  },
  no_staff: { ko: '직원이 없습니다. 아래에서 추가하세요.', en: 'No staff yet: add them below.' },
  role: { ko: '역할', en: 'Role' },
  cashier: { ko: '캐셔', en: 'Cashier' },
  manager: { ko: '매니저', en: 'Manager' },
  added: { ko: '등록일', en: 'Added' },
  actions: { ko: '관리', en: 'Actions' },
  remove: { ko: '삭제', en: 'Remove' },
  yes_remove: { ko: '삭제', en: 'Yes, remove' },
  cancel: { ko: '취소', en: 'Cancel' },
  add_staff: { ko: '직원 추가', en: 'Add a member of staff' },
  staff_name_needed: { ko: '이름을 입력하세요.', en: 'Enter their name.' },
  pin: { ko: 'PIN (4-8자리 숫자)', en: 'PIN (4-8 digits)' },
  pin_format: { ko: 'PIN은 4-8자리 숫자입니다.', en: 'The PIN is 4 to 8 digits.' },
  publish_title: { ko: '새 버전 게시', en: 'Publish a new version' },
  publish_hint: {
    ko: '정의를 고쳐 게시하세요. 먼저 검사한 뒤 다음 버전 번호를 붙이고, 포스와 키오스크는 다음 동기화 때 받습니다. 기록은 만들어질 때의 버전을 그대로 유지합니다.',
    en: 'Edit the definition and publish: it is checked first, gets the next version number, and tills and kiosks receive it at their next sync. Events keep the version they were made under.',
  },
  definition: { ko: '프로그램 정의 (JSON)', en: 'Program definition (JSON)' },
  publish: { ko: '게시', en: 'Publish' },
  fix_fields: {
    ko: '게시하지 않았습니다. 다음 항목을 고치세요:',
    en: 'Not published. Fix these fields:',
  },
  // A failure the console did not check for itself: said in these words, the endpoint's own
  // (English) detail after it.
  fail_unreachable: {
    ko: '서버가 응답하지 않습니다. 실행 중인지 확인하세요.',
    en: 'The endpoint does not answer. Is it running?',
  },
  fail_forbidden: { ko: '이 토큰으로는 할 수 없는 일입니다', en: 'This token may not do that' },
  fail_not_found: { ko: '찾을 수 없습니다', en: 'Not found' },
  fail_conflict: { ko: '이미 있는 기록과 겹칩니다', en: 'This clashes with an existing record' },
  fail_rate_limited: {
    ko: '요청이 너무 많습니다. 1분 뒤에 다시 하세요.',
    en: 'Too many requests: try again in a minute.',
  },
  fail_server: { ko: '서버에서 오류가 났습니다', en: 'The endpoint failed' },
  fail_refused: { ko: '서버가 받아들이지 않았습니다', en: 'The endpoint refused this' },
} satisfies Record<string, Record<Locale, string>>;

export type AdminWord = keyof typeof WORDS;

export function w(word: AdminWord, locale: Locale): string {
  return WORDS[word][locale];
}

const CONFLICT_KINDS: Record<string, Record<Locale, string>> = {
  overdrawn: {
    ko: '오프라인에서 잔액보다 많이 쓴 포인트 (빚)',
    en: 'Points spent beyond the balance offline (a debt)',
  },
  coupon_reused: { ko: '쿠폰을 두 번 사용', en: 'Coupon used twice' },
  coupon_unknown: { ko: '이 회원의 쿠폰이 아님', en: "Coupon not this member's" },
  coupon_invalid: { ko: '유효 기간 밖에 쓴 쿠폰', en: 'Coupon used outside its dates' },
  refund_invalid: { ko: '적용할 수 없는 환불', en: 'Refund the ledger could not apply' },
  duplicate_enrollment: { ko: '두 번 가입한 회원', en: 'Member enrolled twice' },
};

/** A benefit of the activity report: points, the membership discount, or a kind of coupon by its source. */
const BENEFITS: Record<string, Record<Locale, string>> = {
  points: { ko: '포인트 사용', en: 'Points' },
  membership: { ko: '유료 멤버십 할인', en: 'Membership discount' },
  tier: { ko: '등급 쿠폰', en: 'Tier coupons' },
  welcome: { ko: '가입 환영 쿠폰', en: 'Welcome coupons' },
  birthday: { ko: '생일 쿠폰', en: 'Birthday coupons' },
  monthly_spend: { ko: '월 구매 금액 쿠폰', en: 'Monthly spend coupons' },
  stamp_card: { ko: '스탬프 카드 쿠폰', en: 'Stamp card coupons' },
  consultation: { ko: '상담 쿠폰', en: 'Consultation coupons' },
  repurchase: { ko: '재구매 쿠폰', en: 'Come-back coupons' },
  issued: { ko: '직접 발행한 쿠폰', en: 'Coupons issued by hand' },
};

const MOVEMENTS: Record<string, Record<Locale, string>> = {
  purchase: { ko: '구매 적립', en: 'Earned on a purchase' },
  redeem: { ko: '구매에 사용', en: 'Used on a purchase' },
  signup: { ko: '가입 보너스', en: 'Signup bonus' },
  referral: { ko: '추천 보너스', en: 'Referral bonus' },
  adjustment: { ko: '관리자 적립', en: 'Adjusted by a manager' },
  adjustment_debit: { ko: '관리자 차감', en: 'Taken off by a manager' },
  partner: { ko: '제휴 적립', en: 'From a partner' },
  cashback: { ko: '캐시백', en: 'Cashback' },
  expired: { ko: '소멸', en: 'Expired' },
  refund_reversal: { ko: '환불로 회수', en: 'Taken back by a refund' },
  refund_restore: { ko: '환불로 반환', en: 'Given back by a refund' },
  referral_reversal: { ko: '추천 보너스 회수', en: 'Referral bonus taken back' },
};

/** Sentences with numbers and names in them. */
export function phrases(locale: Locale, zone?: string) {
  const ko = locale === 'ko';
  const pts = (n: number) => formatPoints(n, locale);
  const at = (iso: string) => formatDateTime(Date.parse(iso), zone, locale);
  return {
    at,
    number: formatNumber,
    points: pts,
    won: (n: number) => formatWon(n, locale),
    /** "Expiring within 30 days". */
    expiringWithin: (days: number) =>
      ko ? `${days}일 안에 소멸될 포인트` : `Expiring within ${days} days`,
    /** "3 of the 5 members who bought from 2026-11-01 to 2026-11-30". */
    cameBack: (retained: number, previous: number, from: string, to: string) =>
      ko
        ? `${from} ~ ${to}에 구매한 회원 ${formatNumber(previous)}명 중 ${formatNumber(retained)}명`
        : `${formatNumber(retained)} of the ${formatNumber(previous)} member${previous === 1 ? '' : 's'} who bought from ${from} to ${to}`,
    /** "2 (40 %)": a count and its share of a whole. */
    share: (count: number, whole: number) =>
      whole === 0
        ? formatNumber(count)
        : `${formatNumber(count)} (${Math.round((count * 100) / whole)}%)`,
    /** "3 members" after a count of points owed. */
    owedBy: (points: number, members: number) =>
      ko
        ? `${formatPoints(points, locale)} (회원 ${formatNumber(members)}명)`
        : `${formatPoints(points, locale)} (${formatNumber(members)} member${members === 1 ? '' : 's'})`,
    conflict: (kind: string) => CONFLICT_KINDS[kind]?.[locale] ?? kind,
    /** "Stamp card coupons", "Points": a benefit by its kind, a coupon by its source. */
    benefit: (b: { benefit: string; source: string | null }) => {
      const key = b.benefit === 'coupon' ? (b.source ?? 'issued') : b.benefit;
      return BENEFITS[key]?.[locale] ?? key;
    },
    /** "3 times, worth ₩3,000". */
    benefitUse: (uses: number, amount: number) =>
      ko
        ? `${formatNumber(uses)}회, ${formatWon(amount, locale)} 상당`
        : `${formatNumber(uses)} time${uses === 1 ? '' : 's'}, worth ${formatWon(amount, locale)}`,
    movement: (kind: string) => MOVEMENTS[kind]?.[locale] ?? kind,
    /** "5 min ago", "3 h ago", "2 days ago". */
    ago(iso: string, now: number): string {
      const ms = Math.max(0, now - Date.parse(iso));
      if (ms < 60_000) return ko ? '방금' : 'just now';
      if (ms < 3_600_000) return `${Math.floor(ms / 60_000)}${ko ? '분 전' : ' min ago'}`;
      if (ms < 86_400_000) return `${Math.floor(ms / 3_600_000)}${ko ? '시간 전' : ' h ago'}`;
      const days = Math.floor(ms / 86_400_000);
      return ko ? `${days}일 전` : `${days} day${days === 1 ? '' : 's'} ago`;
    },
    /** After the code itself: where to enter it and until when. */
    pairingUse: (role: 'cashier' | 'kiosk', expiresAt: string) =>
      ko
        ? `: ${at(expiresAt)}까지 ${role === 'cashier' ? '확장 프로그램의 옵션 페이지' : '키오스크'}에 입력하세요. 한 번만 쓸 수 있습니다.`
        : `: enter it on the ${role === 'cashier' ? "extension's options page" : 'kiosk'} before ${at(expiresAt)}. It works once.`,
    toNextTier: (amount: number, tier: string) =>
      ko
        ? ` (${tier}까지 월 ${formatWon(amount, locale)} 더)`
        : ` (${formatWon(amount, locale)} more a month to ${tier})`,
    balance(p: { total: number; available: number; pending: number; debt: number }): string {
      let text = ko
        ? `${pts(p.total)}: 사용 가능 ${pts(p.available)}`
        : `${pts(p.total)}: ${pts(p.available)} available`;
      if (p.pending > 0)
        text += ko ? `, 적립 예정 ${pts(p.pending)}` : `, ${pts(p.pending)} pending`;
      if (p.debt > 0) text += ko ? `, 빚 ${pts(p.debt)}` : `, a debt of ${pts(p.debt)}`;
      return text;
    },
    expiringBy: (points: number, iso: string) =>
      ko ? `${at(iso)}까지 ${pts(points)}` : `${pts(points)} by ${at(iso)}`,
    stampsOf: (count: number, perCard: number) =>
      ko ? `${count} / ${perCard}` : `${count} of ${perCard}`,
    until: (iso: string) => (ko ? `(${at(iso)}까지)` : `(until ${at(iso)})`),
    nps: (f: {
      nps: number | null;
      count: number;
      promoters: number;
      passives: number;
      detractors: number;
    }) =>
      ko
        ? `순추천지수(NPS) ${f.nps}, 응답 ${f.count}건: 추천 ${f.promoters} (9-10점), 중립 ${f.passives}, 비추천 ${f.detractors} (0-6점).`
        : `Net Promoter Score ${f.nps} from ${f.count} answers: ${f.promoters} promoters (9-10), ${f.passives} passives, ${f.detractors} detractors (0-6).`,
    programVersion(p: {
      version: number;
      name: string;
      currency: { code: string };
      time_zone: string;
      phone?: { country_code: string } | undefined;
    }): string {
      const phone = p.phone
        ? ko
          ? `, 전화번호 +${p.phone.country_code}`
          : `, phone numbers of +${p.phone.country_code}`
        : '';
      return `${ko ? '버전' : 'Version'} ${p.version}: ${p.name}, ${p.currency.code}, ${p.time_zone}${phone}.`;
    },
    confirmRemove: (name: string) => (ko ? `${name} 님을 삭제할까요?` : `Remove ${name}?`),
    confirmRevoke: (name: string) =>
      ko
        ? `${name}의 연결을 해제할까요? 아직 보내지 않은 기록은 그 기기에 남습니다.`
        : `Revoke ${name}? What it has not synced yet stays on it.`,
    deviceRevoked: (name: string) =>
      ko
        ? `${name}의 연결을 해제했습니다. 이제 동기화할 수 없습니다.`
        : `${name} is revoked: it can no longer sync.`,
    revokedAt: (at: string) => (ko ? `해제됨 ${at}` : `Revoked ${at}`),
    restoredLine: (ago: string, waiting: readonly string[]) =>
      ko
        ? `백업에서 복구됨: ${ago}. ` +
          (waiting.length === 0
            ? '모든 계산대와 키오스크가 그 뒤로 동기화했습니다.'
            : `아직 동기화하지 않은 기기: ${waiting.join(', ')}. 동기화하면 그 기록이 돌아옵니다.`) +
          ' 백업 뒤에 연결한 계산대는 다시 연결하세요.'
        : `Restored from a backup ${ago}. ` +
          (waiting.length === 0
            ? 'Every till and kiosk has synced since.'
            : `Not synced since: ${waiting.join(', ')}; their records come back when they sync.`) +
          ' Pair again any till paired after the backup.',
    lastBackup: (ago: string, file: string, members: string) =>
      ko
        ? `마지막 백업: ${ago}, ${file} (회원 ${members}명)`
        : `Last backup: ${ago}, to ${file} (${members} members)`,
    integrationRevoked: (name: string) =>
      ko
        ? `${name} 키의 연결을 해제했습니다. 이제 통하지 않습니다.`
        : `The ${name} key is revoked: it no longer works.`,
    confirmRevokeKey: (name: string) =>
      ko
        ? `${name} 키의 연결을 해제할까요? 그 키를 쓰는 곳은 API를 쓸 수 없게 됩니다.`
        : `Revoke the ${name} key? What uses it can no longer call the API.`,
    staffAdded: (name: string) => (ko ? `${name} 님을 추가했습니다.` : `${name} is added.`),
    pinChanged: (name: string) =>
      ko
        ? `${name} 님의 PIN을 바꿨습니다. 각 포스의 다음 동기화부터 새 PIN이 통합니다.`
        : `${name}'s PIN is changed: the new one works at each till from its next sync.`,
    newPinFor: (name: string) => (ko ? `${name} 님의 새 PIN` : `New PIN for ${name}`),
    handledOn: (when: string, note: string | null) =>
      (ko ? `처리: ${at(when)}` : `Handled ${at(when)}`) + (note ? ` · ${note}` : ''),
    downloaded: (file: string) => (ko ? `${file} 파일을 내려받았습니다.` : `Downloaded ${file}.`),
    staffRemoved: (name: string) =>
      ko
        ? `${name} 님을 삭제했습니다. 각 포스의 다음 동기화부터 PIN이 통하지 않습니다.`
        : `${name} is removed: their PIN stops working at each till's next sync.`,
    notJson: (message: string) =>
      ko ? `올바른 JSON이 아닙니다: ${message}` : `This is not valid JSON: ${message}`,
    published: (version: number) =>
      ko ? `버전 ${version}을 게시했습니다.` : `Version ${version} is published.`,
  };
}

export type Phrases = ReturnType<typeof phrases>;
