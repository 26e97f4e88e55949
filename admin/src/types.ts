/**
 * The shapes the console reads from the API (GET /api/v1/openapi.json). The program's own types
 * come from shared/rules.
 */
import type { MemberSummary } from '../../shared/rules';

export interface Store {
  readonly store_id: string;
  readonly name: string;
}

export interface DeviceReport {
  readonly device_id: string;
  readonly store_id: string;
  readonly role: 'cashier' | 'kiosk';
  readonly name: string;
  readonly paired_at: string | null;
  readonly pairing_open: boolean;
  readonly last_sync_at: string | null;
  readonly events: number;
  readonly last_event_at: string | null;
  readonly revoked_at: string | null;
}

export interface StaffMember {
  readonly staff_id: string;
  readonly store_id: string;
  readonly name: string;
  readonly role: 'cashier' | 'manager';
  readonly created_at: string;
}

/** A web shop's or a script's token, as the owner sees it (never the token itself). */
export interface Integration {
  readonly integration_id: string;
  readonly name: string;
  readonly created_at: string;
  readonly revoked_at: string | null;
}

/** GET /backups: the last copy taken of the database. */
export interface Backups {
  readonly database: 'sqlite' | 'postgres';
  readonly last: {
    readonly at: string;
    readonly file: string;
    readonly members: number;
    readonly events: number;
  } | null;
  /** The last restore from a backup (decision 0030). */
  readonly restored: {
    readonly at: string;
    readonly catching_up: boolean;
    readonly not_synced_since: readonly { readonly device_id: string; readonly name: string }[];
  } | null;
}

export interface NewDevice {
  readonly device_id: string;
  readonly pairing_code: string;
  readonly expires_at: string;
}

export interface Conflict {
  readonly event_id: string;
  readonly kind: string;
  readonly member_id: string;
  readonly store_id: string;
  readonly points: number;
  readonly detail: string;
  readonly created_at: string;
  readonly handled_at: string | null;
  readonly handled_note: string | null;
}

/** The API's profile: the rules' summary of a member, with their name and phone number. */
export interface Customer extends MemberSummary {
  readonly name: string;
  readonly phone: string | null;
  readonly birthday: string | null;
}

/** A row of `GET /customers`, the owner's list of members. */
export interface MemberListItem {
  readonly customer_id: string;
  readonly name: string | null;
  readonly phone: string | null;
  readonly card_number: string;
  readonly store_id: string;
  readonly enrolled_at: string;
}

export interface MemberList {
  readonly items: readonly MemberListItem[];
  readonly next_offset: number | null;
}

export interface Movement {
  readonly at: string;
  readonly kind: string;
  readonly points: number;
  readonly ref: string;
}

export interface History {
  readonly items: readonly Movement[];
  readonly total: number;
}

export interface Feedback {
  readonly count: number;
  readonly promoters: number;
  readonly passives: number;
  readonly detractors: number;
  readonly nps: number | null;
  readonly feedback: readonly {
    readonly event_id: string;
    readonly store_id: string;
    readonly occurred_at: string;
    readonly score: number;
    readonly comment: string | null;
  }[];
}

/** A day's figures (or the span's) of `GET /reports/activity`. */
export interface Activity {
  readonly new_members: number;
  readonly purchases: number;
  readonly sales_amount: number;
  readonly amount_paid: number;
  readonly points_earned: number;
  readonly points_redeemed: number;
  readonly coupons_used: number;
  readonly refunds: number;
  readonly amount_refunded: number;
  readonly points_reversed: number;
}

export interface ActivityReport {
  readonly from: string;
  readonly to: string;
  readonly time_zone: string;
  readonly store_id: string | null;
  readonly totals: Activity & {
    readonly members_purchasing: number;
    /** amount_paid / purchases (null: no purchases). */
    readonly average_purchase: number | null;
    readonly repeat_members: number;
    readonly returning_members: number;
  };
  /** The span before, of as many days: its buyers, and how many bought again in this one. */
  readonly retention: {
    readonly from: string;
    readonly to: string;
    readonly members_purchasing: number;
    readonly retained_members: number;
    readonly lost_members: number;
  };
  readonly days: readonly (Activity & { readonly date: string })[];
  /** The benefits members used, most used first (only those used). */
  readonly benefits: readonly BenefitUse[];
}

export interface BenefitUse {
  readonly benefit: 'points' | 'coupon' | 'membership';
  /** A coupon's source (welcome, stamp_card, ..., issued); null for the others. */
  readonly source: string | null;
  readonly uses: number;
  /** Minor units: the discounts, or the points' worth. */
  readonly amount: number;
}

/** GET /reports/points: what the members hold at one moment. */
export interface PointsReport {
  readonly as_of: string;
  readonly members: number;
  readonly points_outstanding: number;
  readonly liability: { readonly amount: number; readonly currency: string };
  readonly lifetime_spend: { readonly amount: number; readonly average_per_member: number | null };
  readonly points_expiring_soon: number;
  readonly expiring_soon_days: number;
  readonly debt: number;
  readonly members_in_debt: number;
  readonly tiers: readonly {
    readonly tier: string;
    readonly name: string;
    readonly members: number;
  }[];
}
