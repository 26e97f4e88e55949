/** GET /api/v1/openapi.json: the whole HTTP contract, enough for a third party to write a client. */
import { COUPON_SOURCES, MAX_UNITS } from '../shared/rules';

type Schema = Record<string, unknown>;

const int = (description?: string): Schema => ({
  type: 'integer',
  ...(description ? { description } : {}),
});
/** A line's quantity; a purchase's lines hold at most MAX_UNITS units in all. */
const units = (): Schema => ({
  type: 'integer',
  minimum: 1,
  maximum: MAX_UNITS,
  description: `units; a purchase holds at most ${MAX_UNITS} in all (422 too_many_units)`,
});
const str = (description?: string, extra: Schema = {}): Schema => ({
  type: 'string',
  ...(description ? { description } : {}),
  ...extra,
});
const time = (description?: string): Schema => str(description, { format: 'date-time' });
const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const obj = (properties: Record<string, Schema>, required: string[] = []): Schema => ({
  type: 'object',
  properties,
  required,
  additionalProperties: false,
});

/** The figures of the activity report, for a day and for the span. */
const ACTIVITY = {
  new_members: int(),
  purchases: int(),
  sales_amount: int('value of the goods sold to members, before discounts'),
  amount_paid: int('after coupons, member discounts and points'),
  points_earned: int(),
  points_redeemed: int(),
  coupons_used: int('coupons used on sales, and on their own at the counter (a coupon_used event)'),
  refunds: int(),
  amount_refunded: int(),
  points_reversed: int(),
};

function json(schema: Schema, description = 'OK'): Schema {
  return { description, content: { 'application/json': { schema } } };
}

const errors = (...codes: number[]): Record<string, Schema> =>
  Object.fromEntries(codes.map((c) => [String(c), { $ref: `#/components/responses/E${c}` }]));

const asOf = {
  name: 'as_of',
  in: 'query',
  required: false,
  schema: time('Answer as of this moment (default: now; at most 10 years ahead)'),
};
const idParam = (name: string) => ({ name, in: 'path', required: true, schema: str() });
const idem = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  schema: str('Same key + same body returns the first response; another body is a 409'),
};

const schemas: Record<string, Schema> = {
  Error: obj({ error: obj({ code: str(), message: str(), details: {} }, ['code', 'message']) }, [
    'error',
  ]),
  Points: obj(
    {
      customer_id: str(),
      total_points: int('available + pending'),
      available_points: int('spendable now (debts subtracted)'),
      pending_points: int(),
      points_expiring_soon: int('points in lots whose last usable day is within the next 30 days'),
      expiring_soon_before: time(),
      debt: int(),
    },
    [
      'customer_id',
      'total_points',
      'available_points',
      'pending_points',
      'points_expiring_soon',
      'expiring_soon_before',
    ],
  ),
  Coupon: obj({
    code: str(),
    kind: str('percent | fixed | free_item | service', {
      enum: ['percent', 'fixed', 'free_item', 'service'],
    }),
    value: int('percent: basis points; fixed: minor units; free_item: cap (0 = none)'),
    name: str(),
    category: { type: ['string', 'null'] },
    source: str('what issued it', { enum: [...COUPON_SOURCES] }),
    valid_from: time(),
    valid_until: time('exclusive end'),
    status: str('', { enum: ['active', 'used', 'voided', 'expired', 'not_yet_valid'] }),
  }),
  Customer: obj({
    customer_id: str(),
    as_of: time(),
    enrolled_at: time(),
    card_number: str(),
    referral_code: str(),
    name: str('masked for kiosk devices'),
    phone: str('masked for kiosk devices'),
    birthday: { type: ['string', 'null'] },
    tier: str(),
    tier_name: str(),
    tier_since: time(),
    earn_rate_bp: int(),
    perks: { type: 'array', items: str() },
    next_tier: { type: ['string', 'null'] },
    next_tier_name: { type: ['string', 'null'] },
    amount_to_next_tier: int(),
    points: obj({
      total_points: int(),
      available_points: int(),
      pending_points: int(),
      points_expiring_soon: int(),
      expiring_soon_before: time(),
      debt: int(),
    }),
    coupons: { type: 'array', items: ref('Coupon'), description: 'usable coupons' },
    stamps: obj({ count: int(), per_card: int(), cards_completed: int() }),
    purchase_count: int(),
    conflicts: int(),
    has_pin: { type: 'boolean' },
  }),
  Line: obj({ sku: str(), category: str(), quantity: units(), unit_price: int() }, [
    'sku',
    'category',
    'quantity',
    'unit_price',
  ]),
  PurchaseRequest: obj(
    {
      store_id: str(),
      occurred_at: time('may lie in the past; not more than 5 minutes in the future'),
      amount: int('must equal the sum of the lines when lines are given'),
      lines: { type: 'array', items: ref('Line') },
      redeem_points: int('>= the program minimum (1,000), <= balance and amount due'),
      coupon_code: { type: ['string', 'null'] },
      receipt_id: str(),
    },
    ['store_id', 'amount'],
  ),
  Quote: obj({
    amount: int(),
    membership_discount: int(),
    coupon_code: { type: ['string', 'null'] },
    coupon_discount: int(),
    points_redeemed: int(),
    amount_paid: int(),
    points_earned: int(),
    earn_rate_bp: int(),
    multiplier_bp: int(),
    referral_bonus: int(),
    stamps_added: int(),
    coupons_issued: {
      type: 'array',
      items: obj({
        code: str(),
        kind: str(),
        value: int(),
        name: str(),
        source: str('what issued it', { enum: [...COUPON_SOURCES] }),
        category: { type: ['string', 'null'] },
        valid_until: time(),
      }),
    },
    max_redeemable: int(),
    balance_after: int(),
  }),
  Purchase: { allOf: [ref('Quote'), obj({ purchase_id: str() })] },
  RefundRequest: obj({
    amount: int('value of the goods returned'),
    lines: { type: 'array', items: obj({ sku: str(), quantity: units() }, ['sku', 'quantity']) },
    occurred_at: time(),
  }),
  Refund: obj({
    refund_id: str(),
    purchase_id: str(),
    amount_refunded: int('money given back'),
    points_reversed: int(),
    points_restored: int(),
    coupon_restored: { type: 'boolean' },
    stamps_removed: int(),
    balance_after: int(),
  }),
  EventEnvelope: {
    type: 'object',
    description:
      "An event of the ledger. hash = SHA-256 (hex) of the canonical JSON of the event without `hash` (keys sorted at every level, no whitespace), which includes prev_hash: the hash of the device's previous event (64 zeros before the first). seq counts a device's events from 1 without gaps. Payload schemas per type are those of shared/rules/events.ts.",
    required: [
      'event_id',
      'device_id',
      'seq',
      'type',
      'occurred_at',
      'store_id',
      'staff_id',
      'member_id',
      'program_version',
      'payload',
      'prev_hash',
      'hash',
    ],
    properties: {
      event_id: str('UUID made by the device', { format: 'uuid' }),
      device_id: str(),
      seq: int(),
      type: str('', {
        enum: [
          'member_enrolled',
          'member_updated',
          'purchase_recorded',
          'purchase_refunded',
          'coupon_issued',
          'coupon_used',
          'coupon_voided',
          'points_adjusted',
          'referral_rewarded',
          'referral_reversed',
          'partner_points_credited',
          'membership_started',
          'membership_cancelled',
          'feedback_given',
        ],
      }),
      occurred_at: time('business time at the till'),
      store_id: str(),
      staff_id: { type: ['string', 'null'] },
      member_id: str('member id, or "card:<number>" for a card the till has not seen'),
      program_version: int(),
      payload: { type: 'object' },
      prev_hash: str('', { pattern: '^[0-9a-f]{64}$' }),
      hash: str('', { pattern: '^[0-9a-f]{64}$' }),
    },
  },
  SyncRequest: obj(
    {
      protocol: int('1'),
      device_id: str(),
      events: { type: 'array', maxItems: 500, items: ref('EventEnvelope') },
      cursor: int('server_seq of the last change held (0 = none)'),
      program_version: int('newest program version held'),
      limit: int('changes wanted at most (default 1,000)'),
    },
    ['protocol', 'device_id', 'events', 'cursor'],
  ),
  Ack: obj({
    event_id: str(),
    status: str('', { enum: ['applied', 'duplicate', 'rejected'] }),
    reason: str('', {
      enum: [
        'invalid_event',
        'bad_hash',
        'seq_gap',
        'chain_broken',
        'wrong_device',
        'wrong_store',
        'forbidden_for_role',
        'occurred_in_future',
        'unknown_member',
        'unknown_purchase',
        'duplicate_purchase',
        'member_exists',
        'card_in_use',
        'conflicting_duplicate',
        'awaiting_other_device',
      ],
    }),
    message: str(),
    flags: {
      type: 'array',
      description: "numbers the server's re-check disagrees with; the event is kept as recorded",
      items: obj({ field: str(), recorded: {}, expected: {} }),
    },
  }),
  SyncResponse: obj({
    acks: { type: 'array', items: ref('Ack') },
    changes: {
      type: 'array',
      items: obj({ server_seq: int(), member_id: str(), event: ref('EventEnvelope') }),
    },
    cursor: int('send back as the next cursor'),
    more: { type: 'boolean', description: 'more changes are waiting: sync again' },
    program_version: int(),
    programs: {
      type: 'array',
      items: obj({ program: { type: 'object' }, effective_from: time() }),
    },
    staff: {
      type: 'array',
      items: obj({
        staff_id: str(),
        name: str(),
        role: str(),
        pin_hash: str('scrypt$N$r$p$salt$hash (base64url)'),
      }),
    },
    server_time: time(),
    device_seq: int(
      "the seq of this device's last event the endpoint holds (after this request's events)",
    ),
    ledger_id: str(
      "the ledger's identity; it changes when the endpoint is restored from a backup, and a device that sees it change sends again its events after device_seq and pulls from cursor 0",
    ),
  }),
};

const responses = Object.fromEntries(
  [
    [400, 'Invalid input: nothing was written'],
    [401, 'Missing or invalid token'],
    [403, 'The token may not do this (role, store or device)'],
    [404, 'Not found'],
    [409, 'Conflict (existing record, or Idempotency-Key reused with another body)'],
    [413, 'Body too large'],
    [
      422,
      'The rules refuse it (the error code says which rule); nothing was recorded. A sale or refund dated before events already recorded is also refused when it would make them conflict (a coupon used twice, points spent twice): details.conflict names the kind.',
    ],
    [429, 'Rate limited or PIN locked'],
  ].map(([code, description]) => [`E${code}`, json(ref('Error'), description as string)]),
);

export function openApiDocument(version: string): Schema {
  const reads = errors(400, 401, 403, 404);
  /** GET and POST /sync/member: one member's applied events, as a pull gives them. */
  const memberChanges = obj({
    member_id: str(),
    changes: {
      type: 'array',
      items: obj({ server_seq: int(), member_id: str(), event: ref('EventEnvelope') }),
    },
    ledger_id: str('as on a sync answer: a device that knows another ledger syncs first'),
  });
  return {
    openapi: '3.1.0',
    info: {
      title: 'Store loyalty central endpoint',
      version,
      description:
        'Amounts and points are integers (minor units). Times are ISO 8601 with offset, from 1970 to 2999.',
    },
    servers: [{ url: '/api/v1' }],
    components: {
      schemas,
      responses,
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'admin, integration or device token',
        },
      },
    },
    security: [{ bearer: [] }],
    paths: {
      '/health': {
        get: {
          security: [],
          summary: 'Online probe',
          responses: { 200: json(obj({ ok: { type: 'boolean' }, version: str() })) },
        },
      },
      '/openapi.json': {
        get: {
          security: [],
          summary: 'This document',
          responses: { 200: json({ type: 'object' }) },
        },
      },
      '/customers': {
        get: {
          summary:
            "The owner's list of members, by name (admin only): each with name, phone, card, store and enrolment time",
          parameters: [
            {
              name: 'q',
              in: 'query',
              schema: str(
                'part of a name (any case), the start of a card number, or digits of a phone number (the last four, or the whole number typed any usual way)',
              ),
            },
            { name: 'limit', in: 'query', schema: int('1-200, default 50') },
            {
              name: 'offset',
              in: 'query',
              schema: int('default 0; the previous page gives next_offset'),
            },
          ],
          responses: {
            200: json(
              obj({
                items: {
                  type: 'array',
                  items: obj({
                    customer_id: str(),
                    name: { type: ['string', 'null'] },
                    phone: { type: ['string', 'null'] },
                    card_number: str(),
                    store_id: str(),
                    enrolled_at: time(),
                  }),
                },
                next_offset: { type: ['integer', 'null'] },
              }),
            ),
            ...errors(400, 401, 403),
          },
        },
        post: {
          summary: 'Enroll a member',
          parameters: [idem],
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: obj(
                  {
                    name: str(),
                    phone: str(
                      "any usual way of writing it; the shop's own country is stored the national way (program.phone)",
                    ),
                    birthday: str('YYYY-MM-DD or --MM-DD'),
                    referral_code: str(),
                    pin: str('4-6 digits'),
                    card_number: str(),
                    consent: { type: 'boolean' },
                    store_id: str(),
                    occurred_at: time(),
                  },
                  ['name', 'phone'],
                ),
              },
            },
          },
          responses: { 201: json(ref('Customer'), 'Enrolled'), ...errors(400, 401, 403, 409, 422) },
        },
      },
      '/customers/lookup': {
        get: {
          summary: 'Find a member by phone or card number (rate limited)',
          parameters: [
            {
              name: 'phone',
              in: 'query',
              schema: str('+82 10-1234-5678 and 010-1234-5678 are one number (program.phone)'),
            },
            { name: 'card_number', in: 'query', schema: str() },
            asOf,
          ],
          responses: { 200: json(ref('Customer')), ...reads, ...errors(429) },
        },
      },
      '/customers/{customer_id}': {
        get: {
          summary: 'A member with tier, points, coupons, stamps, perks',
          parameters: [idParam('customer_id'), asOf],
          responses: { 200: json(ref('Customer')), ...reads },
        },
        patch: {
          summary:
            "Change a member's name, phone number or birthday (admin, integration, cashier); recorded as member_updated, which devices receive at their next sync",
          parameters: [idParam('customer_id')],
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: obj({
                  name: str(),
                  phone: {
                    type: ['string', 'null'],
                    description:
                      "any usual way of writing it, or null to remove it; another member's number is a 409",
                  },
                  birthday: {
                    type: ['string', 'null'],
                    description: 'YYYY-MM-DD or --MM-DD (a real date), or null to remove it',
                  },
                  store_id: str('the store the change is recorded for (a device: its own)'),
                  occurred_at: time(),
                }),
              },
            },
          },
          responses: { 200: json(ref('Customer')), ...errors(400, 401, 403, 404, 409) },
        },
      },
      '/customers/{customer_id}/points': {
        get: {
          summary: 'Points',
          parameters: [idParam('customer_id'), asOf],
          responses: { 200: json(ref('Points')), ...reads },
        },
      },
      '/customers/{customer_id}/history': {
        get: {
          summary: 'Point movements, newest first, paged',
          parameters: [
            idParam('customer_id'),
            asOf,
            { name: 'limit', in: 'query', schema: int() },
            { name: 'offset', in: 'query', schema: int() },
          ],
          responses: {
            200: json(
              obj({
                customer_id: str(),
                items: {
                  type: 'array',
                  items: obj({
                    at: time(),
                    kind: str(),
                    points: int(),
                    ref: str(),
                    event_id: { type: ['string', 'null'] },
                  }),
                },
                total: int(),
                offset: int(),
                limit: int(),
                next_offset: { type: ['integer', 'null'] },
              }),
            ),
            ...reads,
          },
        },
      },
      '/customers/{customer_id}/coupons': {
        get: {
          summary: 'All coupons with their status',
          parameters: [idParam('customer_id'), asOf],
          responses: {
            200: json(
              obj({ customer_id: str(), coupons: { type: 'array', items: ref('Coupon') } }),
            ),
            ...reads,
          },
        },
      },
      '/customers/{customer_id}/pin/verify': {
        post: {
          summary: 'Check a member PIN (5 wrong tries lock it for 15 minutes)',
          parameters: [idParam('customer_id')],
          requestBody: {
            content: { 'application/json': { schema: obj({ pin: str() }, ['pin']) } },
          },
          responses: {
            200: json(obj({ ok: { type: 'boolean' } })),
            ...errors(400, 401, 404, 422, 429),
          },
        },
      },
      '/customers/{customer_id}/purchases': {
        post: {
          summary: 'Record a purchase (cashier devices, integrations, admin)',
          parameters: [idParam('customer_id'), idem],
          requestBody: {
            required: true,
            content: { 'application/json': { schema: ref('PurchaseRequest') } },
          },
          responses: {
            201: json(ref('Purchase'), 'Recorded'),
            ...errors(400, 401, 403, 404, 409, 422),
          },
        },
      },
      '/customers/{customer_id}/quote': {
        post: {
          summary: 'The numbers of a purchase, nothing recorded',
          parameters: [idParam('customer_id')],
          requestBody: {
            required: true,
            content: { 'application/json': { schema: ref('PurchaseRequest') } },
          },
          responses: { 200: json(ref('Quote')), ...errors(400, 401, 403, 404, 422) },
        },
      },
      '/purchases/{purchase_id}/refunds': {
        post: {
          summary: 'Refund a purchase in full, by amount or by lines',
          parameters: [idParam('purchase_id'), idem],
          requestBody: { content: { 'application/json': { schema: ref('RefundRequest') } } },
          responses: {
            201: json(ref('Refund'), 'Refunded'),
            ...errors(400, 401, 403, 404, 409, 422),
          },
        },
      },
      '/program': {
        get: {
          summary: 'The current program definition',
          responses: { 200: json({ type: 'object' }), ...errors(401) },
        },
        put: {
          summary: 'Publish a new version (admin); the server numbers it',
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { type: 'object' } } },
          },
          responses: { 200: json({ type: 'object' }), ...errors(400, 401, 403) },
        },
      },
      '/stores': {
        get: {
          summary: 'The stores (admin)',
          responses: {
            200: json(
              obj({
                stores: {
                  type: 'array',
                  items: obj({ store_id: str(), name: str(), created_at: time() }),
                },
              }),
            ),
            ...errors(401, 403),
          },
        },
        post: {
          summary: 'Create a store (admin)',
          parameters: [idem],
          requestBody: {
            content: {
              'application/json': {
                schema: obj({ store_id: str(), name: str() }, ['store_id', 'name']),
              },
            },
          },
          responses: {
            201: json(obj({ store_id: str(), name: str() })),
            ...errors(400, 401, 403, 409),
          },
        },
      },
      '/integrations': {
        post: {
          summary: 'Create an integration token (admin)',
          parameters: [idem],
          requestBody: {
            content: { 'application/json': { schema: obj({ name: str() }, ['name']) } },
          },
          responses: {
            201: json(
              obj({
                integration_id: str('names the token, e.g. to revoke it'),
                name: str(),
                token: str('shown once'),
              }),
            ),
            ...errors(400, 401, 403),
          },
        },
        get: {
          summary: 'The integration tokens, oldest first, never the tokens themselves (admin)',
          responses: {
            200: json(
              obj({
                integrations: {
                  type: 'array',
                  items: obj({
                    integration_id: str(),
                    name: str(),
                    created_at: time(),
                    revoked_at: { type: ['string', 'null'], format: 'date-time' },
                  }),
                },
              }),
            ),
            ...errors(401, 403),
          },
        },
      },
      '/integrations/{integration_id}': {
        delete: {
          summary:
            'Revoke an integration token, leaked or retired (admin): its next request is a 401. Revoking it again answers the first revocation',
          parameters: [idParam('integration_id')],
          responses: {
            200: json(obj({ integration_id: str(), revoked_at: time() })),
            ...errors(401, 403, 404),
          },
        },
      },
      '/devices': {
        get: {
          summary: 'Tills and kiosks: paired, last sync, events received (admin)',
          parameters: [{ name: 'store_id', in: 'query', schema: str() }],
          responses: {
            200: json(
              obj({
                devices: {
                  type: 'array',
                  items: obj({
                    device_id: str(),
                    store_id: str(),
                    role: str('', { enum: ['cashier', 'kiosk'] }),
                    name: str(),
                    paired_at: { type: ['string', 'null'], format: 'date-time' },
                    pairing_open: { type: 'boolean' },
                    last_sync_at: { type: ['string', 'null'], format: 'date-time' },
                    events: int('events the endpoint has taken from it'),
                    last_event_at: { type: ['string', 'null'], format: 'date-time' },
                    revoked_at: { type: ['string', 'null'], format: 'date-time' },
                  }),
                },
              }),
            ),
            ...errors(401, 403),
          },
        },
        post: {
          summary: 'Register a device; returns a single-use pairing code valid 10 minutes (admin)',
          parameters: [idem],
          requestBody: {
            content: {
              'application/json': {
                schema: obj(
                  { store_id: str(), role: str('', { enum: ['cashier', 'kiosk'] }), name: str() },
                  ['store_id', 'role', 'name'],
                ),
              },
            },
          },
          responses: {
            201: json(obj({ device_id: str(), pairing_code: str(), expires_at: time() })),
            ...errors(400, 401, 403, 404),
          },
        },
      },
      '/backups': {
        get: {
          summary:
            'When the last backup (npm run admin -- backup) was taken, and of what (admin); null when none was, or the data is in PostgreSQL (pg_dump)',
          responses: {
            200: json(
              obj({
                database: str('', { enum: ['sqlite', 'postgres'] }),
                last: {
                  type: ['object', 'null'],
                  properties: {
                    at: time(),
                    file: str(),
                    bytes: int(),
                    members: int(),
                    events: int(),
                  },
                },
                restored: {
                  type: ['object', 'null'],
                  description:
                    'the last restore (npm run admin -- restore or restored); null when there was none',
                  properties: {
                    at: time(),
                    catching_up: {
                      type: 'boolean',
                      description:
                        'within the two days in which records naming what the ledger lacks wait on their devices',
                    },
                    not_synced_since: {
                      type: 'array',
                      description: 'paired devices, not revoked, that have not synced since',
                      items: obj({ device_id: str(), name: str(), role: str(), store_id: str() }),
                    },
                  },
                },
              }),
            ),
            ...errors(401, 403),
          },
        },
      },
      '/devices/{device_id}': {
        delete: {
          summary:
            'Revoke a device, a till lost or a kiosk retired (admin): its token stops working at once (the device pauses sync and keeps what it recorded), a pairing code still out for it no longer pairs, and the events it sent stay. Revoking it again answers the first revocation',
          parameters: [idParam('device_id')],
          responses: {
            200: json(obj({ device_id: str(), revoked_at: time() })),
            ...errors(401, 403, 404),
          },
        },
      },
      '/devices/pair': {
        post: {
          security: [],
          summary: 'Exchange a pairing code for a device token',
          requestBody: {
            content: {
              'application/json': {
                schema: obj(
                  {
                    pairing_code: str(),
                    previous: obj(
                      {
                        device_id: str('the identity this device had'),
                        ledger_id: str('the ledger it last synced with', { nullable: true }),
                      },
                      ['device_id', 'ledger_id'],
                    ),
                  },
                  ['pairing_code'],
                ),
              },
            },
          },
          responses: {
            200: json(
              obj({
                device_id: str(),
                token: str(),
                ledger_id: str(),
                previous: obj({
                  device_id: str(),
                  held_seq: int(
                    'the last seq of the former identity this ledger holds (only when it is the ledger the device synced with, or a restored copy of it)',
                  ),
                }),
                store_id: str(),
                role: str(),
                program: { type: 'object' },
                phone_key: str('key of the phone hash (HMAC-SHA-256)'),
                staff: { type: 'array', items: { type: 'object' } },
              }),
            ),
            ...errors(400, 404),
          },
        },
      },
      '/staff': {
        get: {
          summary: 'The staff who may unlock tills, without their PINs (admin)',
          parameters: [{ name: 'store_id', in: 'query', schema: str() }],
          responses: {
            200: json(
              obj({
                staff: {
                  type: 'array',
                  items: obj({
                    staff_id: str(),
                    store_id: str(),
                    name: str(),
                    role: str('', { enum: ['cashier', 'manager'] }),
                    created_at: time(),
                  }),
                },
              }),
            ),
            ...errors(401, 403),
          },
        },
        post: {
          summary: 'Create a staff member with a PIN (admin)',
          parameters: [idem],
          requestBody: {
            content: {
              'application/json': {
                schema: obj(
                  {
                    store_id: str(),
                    name: str(),
                    pin: str("4-8 digits, not another of the store's staff's (409)"),
                    role: str('', { enum: ['cashier', 'manager'] }),
                  },
                  ['store_id', 'name', 'pin', 'role'],
                ),
              },
            },
          },
          responses: {
            201: json(obj({ staff_id: str(), store_id: str(), name: str(), role: str() })),
            ...errors(400, 401, 403, 404, 409),
          },
        },
      },
      '/staff/{staff_id}': {
        delete: {
          summary:
            "Remove a member of staff who left (admin): their PIN stops unlocking the store's tills at each till's next sync; adjustments they approved before stand",
          parameters: [idParam('staff_id')],
          responses: {
            200: json(obj({ staff_id: str(), removed_at: time() })),
            ...errors(401, 403, 404),
          },
        },
        patch: {
          summary:
            "Change a member of staff's PIN (a forgotten one), name or role (admin); the tills take it at their next sync. A PIN another of the store's staff has is a 409",
          parameters: [idParam('staff_id')],
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: obj({
                  pin: str('4-8 digits'),
                  name: str(),
                  role: { type: 'string', enum: ['cashier', 'manager'] },
                }),
              },
            },
          },
          responses: {
            200: json(
              obj({
                staff_id: str(),
                store_id: str(),
                name: str(),
                role: str(),
                created_at: time(),
              }),
            ),
            ...errors(400, 401, 403, 404, 409),
          },
        },
      },
      '/reports/activity': {
        get: {
          summary:
            "What the program did over a span of the shop's days (admin): members who joined, sales by members, points earned and used, coupons used, refunds; each day and the whole span, with the span's repeat and returning buyers, how many of the span before's buyers came back, and the benefits members used, most used first",
          parameters: [
            { name: 'from', in: 'query', required: true, schema: str('YYYY-MM-DD, the first day') },
            {
              name: 'to',
              in: 'query',
              required: true,
              schema: str('YYYY-MM-DD, the last day; at most 366 days from the first'),
            },
            { name: 'store_id', in: 'query', schema: str() },
            {
              name: 'format',
              in: 'query',
              schema: {
                type: 'string',
                enum: ['json', 'csv'],
                description:
                  'csv: a file for a spreadsheet (UTF-8 with a byte order mark, lines ending CRLF): a header, a line for each day of the span (quiet days too), then a line "total"; the columns are date and the fields of a day below',
              },
            },
          ],
          responses: {
            200: json(
              obj({
                from: str(),
                to: str(),
                time_zone: str("the program's: the days are the shop's"),
                store_id: { type: ['string', 'null'] },
                totals: obj({
                  ...ACTIVITY,
                  members_purchasing: int('members who bought in the span, each once'),
                  average_purchase: {
                    type: ['integer', 'null'],
                    description: 'amount_paid / purchases, rounded down (null: no purchases)',
                  },
                  repeat_members: int('members who bought twice or more in the span'),
                  returning_members: int(
                    'members who bought in the span and had bought before it (at store_id, when given)',
                  ),
                }),
                retention: obj({
                  from: str('the first day of the span before, of as many days'),
                  to: str('the day before from'),
                  members_purchasing: int('members who bought in the span before'),
                  retained_members: int('of those, members who bought again in the span'),
                  lost_members: int('of those, members who did not'),
                }),
                benefits: {
                  type: 'array',
                  description:
                    'the benefits members used in the span, most used first (of two used as often, the one worth more); only those used',
                  items: obj({
                    benefit: { type: 'string', enum: ['points', 'coupon', 'membership'] },
                    source: {
                      type: ['string', 'null'],
                      description:
                        "a coupon's source, read from its code: tier, welcome, birthday, monthly_spend, stamp_card, consultation, repurchase, or issued (a code a person chose); null for points and the membership discount",
                    },
                    uses: int(
                      'sales it was used on (a coupon used without a sale, at the counter, counts too)',
                    ),
                    amount: int(
                      "its worth to the members, in minor units: the discounts given, or the points used x the program's point_value",
                    ),
                  }),
                },
                days: { type: 'array', items: obj({ date: str(), ...ACTIVITY }) },
              }),
            ),
            ...errors(400, 401, 403),
          },
        },
      },
      '/reports/points': {
        get: {
          summary:
            "What the members hold at one moment (admin): points outstanding and their worth in money (the program's liability), points about to expire, debts, members by tier",
          parameters: [asOf],
          responses: {
            200: json(
              obj({
                as_of: time(),
                time_zone: str(),
                members: int('members who had joined by as_of'),
                points_outstanding: int("the members' points, available and pending"),
                liability: obj(
                  {
                    amount: int("points_outstanding x the program's point_value, in minor units"),
                    currency: str(),
                    exponent: int(),
                  },
                  ['amount', 'currency', 'exponent'],
                ),
                lifetime_spend: obj(
                  {
                    amount: int(
                      'what the members paid over their membership, less refunds, in minor units',
                    ),
                    average_per_member: {
                      type: ['integer', 'null'],
                      description:
                        'amount / members, rounded down: the customer lifetime value so far (null: no members)',
                    },
                    currency: str(),
                    exponent: int(),
                  },
                  ['amount', 'average_per_member', 'currency', 'exponent'],
                ),
                points_expiring_soon: int(),
                expiring_soon_days: int(),
                debt: int('points members owe (not taken off points_outstanding)'),
                members_in_debt: int(),
                tiers: {
                  type: 'array',
                  items: obj({ tier: str(), name: str(), members: int() }),
                },
              }),
            ),
            ...errors(400, 401, 403),
          },
        },
      },
      '/reports/members': {
        get: {
          summary:
            'Every member as a CSV file (admin), for a spreadsheet: details and the numbers of their profile as of one moment',
          description:
            'UTF-8 with a byte order mark, lines ending CRLF, fields quoted as RFC 4180 says. Columns: customer_id, card_number, name, phone, birthday, store_id, enrolled_at, tier (its name), total_points, available_points, pending_points, points_expiring_soon, expiring_soon_before, debt, stamps (on the current card), purchases, consent (yes/no). A name that starts like a formula (=, +, -, @) is prefixed with an apostrophe. Members who joined after as_of are left out.',
          parameters: [
            asOf,
            { name: 'store_id', in: 'query', schema: str('only the members who enrolled there') },
          ],
          responses: {
            200: {
              description: 'The file (Content-Disposition: attachment)',
              content: { 'text/csv': { schema: { type: 'string' } } },
            },
            ...errors(400, 401, 403),
          },
        },
      },
      '/feedback': {
        get: {
          summary: 'Kiosk feedback and the NPS it gives, newest first (admin)',
          parameters: [
            { name: 'store_id', in: 'query', schema: str() },
            { name: 'limit', in: 'query', schema: int() },
          ],
          responses: {
            200: json(
              obj({
                count: int(),
                promoters: int(),
                passives: int(),
                detractors: int(),
                nps: { type: 'integer', nullable: true },
                feedback: {
                  type: 'array',
                  items: obj({
                    event_id: str(),
                    member_id: str(),
                    store_id: str(),
                    device_id: str(),
                    occurred_at: time(),
                    score: int(),
                    comment: { type: 'string', nullable: true },
                  }),
                },
              }),
            ),
            ...errors(401, 403),
          },
        },
      },
      '/conflicts': {
        get: {
          summary:
            'Offline conflicts for the manager (admin): the open ones, or all with status=all',
          parameters: [
            { name: 'store_id', in: 'query', schema: str() },
            { name: 'status', in: 'query', schema: { type: 'string', enum: ['open', 'all'] } },
          ],
          responses: {
            200: json(
              obj({
                conflicts: {
                  type: 'array',
                  items: obj({
                    event_id: str(),
                    kind: str(),
                    member_id: str(),
                    store_id: str(),
                    points: int(),
                    detail: str(),
                    created_at: time(),
                    handled_at: { type: ['string', 'null'] },
                    handled_note: { type: ['string', 'null'] },
                  }),
                },
              }),
            ),
            ...errors(400, 401, 403),
          },
        },
      },
      '/conflicts/{event_id}/{kind}': {
        patch: {
          summary:
            'Mark a conflict handled, with a note, or open again (admin); the ledger is not changed',
          parameters: [idParam('event_id'), idParam('kind')],
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: obj({ handled: { type: 'boolean' }, note: str('at most 500 characters') }, [
                  'handled',
                ]),
              },
            },
          },
          responses: { 200: json({ type: 'object' }), ...errors(400, 401, 403, 404) },
        },
      },
      '/sync/member': {
        get: {
          summary:
            "Devices: one member's applied events, for a member this device has not pulled yet (rate limited with lookups)",
          description:
            'A till searching for a member it does not hold yet (newly paired, or pulling again after a restore) gets that member at once instead of after its rounds of pulls. The changes are those POST /sync would pull for the member (a kiosk gets them masked).',
          parameters: [
            {
              name: 'q',
              in: 'query',
              required: true,
              schema: str(
                'a card number, else a member code, else (a till, not a kiosk) a phone number (9+ digits)',
              ),
            },
          ],
          responses: {
            200: json(memberChanges),
            ...reads,
            ...errors(429),
          },
        },
        post: {
          summary:
            "Devices: a member found by phone number and PIN (a kiosk's way in), with the member's applied events as GET gives them",
          description:
            "The PIN is checked and limited as by POST /customers/{customer_id}/pin/verify (five wrong tries lock it for 15 minutes); nothing of the member is handed over before it is right. Takes one of the token's lookups.",
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: obj({
                  phone: str('any usual way of writing it'),
                  pin: str('4 to 6 digits'),
                }),
              },
            },
          },
          responses: {
            200: json(memberChanges),
            ...reads,
            ...errors(422, 429),
          },
        },
      },
      '/sync': {
        post: {
          summary: 'Devices: push events and pull changes in one round trip',
          description:
            'Events are stored idempotently on event_id, in order per device (seq + hash chain). Each gets an ack; business rejections are data (HTTP 200). A 5xx means retry. The cursor is a server sequence that never skips an event that commits late.',
          requestBody: {
            required: true,
            content: { 'application/json': { schema: ref('SyncRequest') } },
          },
          responses: { 200: json(ref('SyncResponse')), ...errors(400, 401, 403, 413) },
        },
      },
    },
  };
}
