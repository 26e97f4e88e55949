import { describe, expect, it } from 'vitest';
import { DEFAULT_PROGRAM } from './default-program';
import { ProgramError, parseProgram, parseStoredProgram, programHistory } from './program';
import { replay } from './replay';
import { Till } from '../../test/support/ledger';

describe('the program definition', () => {
  it('ships the default program of PROGRAM.md', () => {
    const p = DEFAULT_PROGRAM;
    expect(p.time_zone).toBe('Asia/Seoul');
    expect(p.currency).toEqual({ code: 'KRW', exponent: 0 });
    expect(
      p.tiers.map((t) => [t.id, t.threshold, t.earn_rate_bp, t.monthly_coupons, t.consultation]),
    ).toEqual([
      ['BASIC', 0, 200, 0, 'none'],
      ['SILVER', 200_000, 300, 1, 'none'],
      ['GOLD', 500_000, 400, 2, 'quarterly'],
      ['PLATINUM', 1_000_000, 500, 3, 'monthly'],
    ]);
    expect(p.tiers[3]?.perks).toContain('dedicated_manager');
    expect(p.signup_bonus).toBe(1_000);
    expect(p.redemption.min_points).toBe(1_000);
    expect(p.stamps).toMatchObject({ category: 'drink', per_card: 10, reward_valid_days: 90 });
  });

  it('names the offending field of a bad definition', () => {
    const bad = structuredClone(DEFAULT_PROGRAM) as unknown as {
      tiers: { earn_rate_bp: unknown }[];
    };
    (bad.tiers[1] as { earn_rate_bp: unknown }).earn_rate_bp = 2.5;
    try {
      parseProgram(bad);
      expect.unreachable('a fractional rate must be refused');
    } catch (error) {
      expect(error).toBeInstanceOf(ProgramError);
      expect((error as ProgramError).issues[0]?.path).toBe('tiers.1.earn_rate_bp');
    }
  });

  it('refuses unknown fields, unknown zones and tiers out of order', () => {
    expect(() => parseProgram({ ...DEFAULT_PROGRAM, bonus: 1 })).toThrow(/bonus/);
    expect(() => parseProgram({ ...DEFAULT_PROGRAM, time_zone: 'Mars/Olympus' })).toThrow(
      /time_zone/,
    );
    const swapped = {
      ...DEFAULT_PROGRAM,
      tiers: [DEFAULT_PROGRAM.tiers[0], DEFAULT_PROGRAM.tiers[2], DEFAULT_PROGRAM.tiers[1]],
    };
    expect(() => parseProgram(swapped)).toThrow(/ascending/);
    // Points figures at most 10^12 (MAX_POINTS): a balance must stay an exact number.
    for (const [field, value] of [
      ['signup_bonus', { signup_bonus: 2 ** 53 - 1 }],
      [
        'referral.referrer_points',
        { referral: { ...DEFAULT_PROGRAM.referral, referrer_points: 1e12 + 1 } },
      ],
      ['redemption.min_points', { redemption: { min_points: 1e13 } }],
    ] as const) {
      try {
        parseProgram({ ...DEFAULT_PROGRAM, ...value });
        expect.unreachable(`${field} over 10^12 must be refused`);
      } catch (error) {
        expect((error as ProgramError).issues[0]?.path).toBe(field);
      }
    }
    expect(parseProgram({ ...DEFAULT_PROGRAM, signup_bonus: 1e12 }).signup_bonus).toBe(1e12);
    // A version stored before that bound is read within it (on every replica alike); what it
    // got wrong otherwise is still refused.
    const stored = { ...DEFAULT_PROGRAM, signup_bonus: 2 ** 53 - 1 };
    expect(parseStoredProgram(stored).signup_bonus).toBe(1e12);
    expect(stored.signup_bonus).toBe(2 ** 53 - 1);
    expect(() => parseStoredProgram({ ...stored, time_zone: 'Mars/Olympus' })).toThrow(/time_zone/);
  });

  it("takes the shop's phone rule, or none, and names a bad one's field", () => {
    expect(DEFAULT_PROGRAM.phone).toEqual({ country_code: '82', national_prefix: '0' });
    const without: Record<string, unknown> = { ...DEFAULT_PROGRAM };
    delete without.phone;
    expect(parseProgram(without).phone).toBeUndefined();
    for (const country_code of ['', '0', '1234', '+82']) {
      expect(() =>
        parseProgram({ ...DEFAULT_PROGRAM, phone: { country_code, national_prefix: '0' } }),
      ).toThrow(/phone\.country_code/);
    }
    expect(() =>
      parseProgram({ ...DEFAULT_PROGRAM, phone: { country_code: '82', national_prefix: 'O' } }),
    ).toThrow(/phone\.national_prefix/);
  });

  it('starts a member with no events at the first tier of the version in force, whatever was replayed before', () => {
    const v2 = parseProgram({
      ...DEFAULT_PROGRAM,
      version: 2,
      tiers: DEFAULT_PROGRAM.tiers.map((t, i) => (i === 0 ? { ...t, id: 'STARTER' } : t)),
    });
    const history = programHistory([
      { program: DEFAULT_PROGRAM, effective_from: 0 },
      { program: v2, effective_from: Date.parse('2026-06-01T00:00:00+09:00') },
    ]);
    // A member with January's events first: replay keeps its parsed times for the next replay.
    const till = new Till('member-1', DEFAULT_PROGRAM, 'till-1', history);
    till.enroll('2026-01-05T10:00:00+09:00');
    expect(till.state('2026-01-06T10:00:00+09:00').tier).toBe('BASIC');
    const july = Date.parse('2026-07-01T10:00:00+09:00');
    expect(replay('member-2', [], history, july).tier).toBe('STARTER');
  });

  it('finds the version in force at a time and by number', () => {
    const v2 = parseProgram({ ...DEFAULT_PROGRAM, version: 2, signup_bonus: 2_000 });
    const history = programHistory([
      { program: DEFAULT_PROGRAM, effective_from: 0 },
      { program: v2, effective_from: Date.parse('2026-06-01T00:00:00+09:00') },
    ]);
    expect(history.at(Date.parse('2026-05-31T23:59:59+09:00')).version).toBe(1);
    expect(history.at(Date.parse('2026-06-01T00:00:00+09:00')).version).toBe(2);
    expect(history.version(1).signup_bonus).toBe(1_000);
    expect(history.latest().version).toBe(2);
  });
});
