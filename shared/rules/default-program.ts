/**
 * The default program of ../shared/PROGRAM.md, as data. `npm start` runs it when nobody has
 * configured another one. Every value here is a field a merchant may change by publishing a new
 * version; the rules have no constants of their own.
 */
import { parseProgram, type Program } from './program';

const definition = {
  version: 1,
  name: 'Default program',
  currency: { code: 'KRW', exponent: 0 },
  time_zone: 'Asia/Seoul',
  phone: { country_code: '82', national_prefix: '0' },
  point_value: 1,
  tiers: [
    {
      id: 'BASIC',
      name: 'Basic',
      threshold: 0,
      earn_rate_bp: 200,
      monthly_coupons: 0,
      consultation: 'none',
      perks: [],
    },
    {
      id: 'SILVER',
      name: 'Silver',
      threshold: 200_000,
      earn_rate_bp: 300,
      monthly_coupons: 1,
      consultation: 'none',
      perks: [],
    },
    {
      id: 'GOLD',
      name: 'Gold',
      threshold: 500_000,
      earn_rate_bp: 400,
      monthly_coupons: 2,
      consultation: 'quarterly',
      perks: [],
    },
    {
      id: 'PLATINUM',
      name: 'Platinum',
      threshold: 1_000_000,
      earn_rate_bp: 500,
      monthly_coupons: 3,
      consultation: 'monthly',
      perks: ['dedicated_manager'],
    },
  ],
  tier_evaluation: { lookback_months: 3, demotion: 'one_step' },
  first_purchase_multiplier_bp: 20_000,
  promotions: [],
  signup_bonus: 1_000,
  referral: { enabled: true, referrer_points: 5_000, referee_points: 5_000 },
  expiry: { months: 12, expiring_soon_days: 30 },
  pending_days: 0,
  redemption: { min_points: 1_000 },
  // Not given numbers by PROGRAM.md; chosen so that one offline till can't give away more than a
  // typical basket while the endpoint is unreachable (docs/decisions/0003-offline-redemption-caps.md).
  offline: {
    max_redeem_per_purchase: 30_000,
    max_redeem_per_member: 50_000,
    max_offline_hours: 72,
  },
  coupons: {
    tier: { percent_bp: 500 },
    welcome: { enabled: true, percent_bp: 1_000, valid_days: 30, first_purchase_only: true },
    birthday: { enabled: true, percent_bp: 1_000 },
    monthly_spend: { enabled: true, threshold: 500_000, percent_bp: 500 },
    repurchase: { enabled: false, valid_days: 14, kind: 'percent', value: 500 },
  },
  stamps: {
    enabled: true,
    category: 'drink',
    per_card: 10,
    reward_valid_days: 90,
    reward_max_value: null,
  },
  cashback: { enabled: false, threshold: 300_000, percent_bp: 100 },
  membership_plans: [],
  partners: [],
};

export const DEFAULT_PROGRAM: Program = parseProgram(definition);
