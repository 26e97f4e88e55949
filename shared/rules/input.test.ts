import { describe, expect, it } from 'vitest';
import { PHONE_PATTERN, isBirthdayInput, phoneOfInput, phoneWritings } from './events';
import { DEFAULT_PROGRAM } from './default-program';
import { programHistory, type Program } from './program';

describe('what a person types at a till or a kiosk', () => {
  const now = Date.parse('2026-11-23T12:00:00+09:00');

  it('takes a birthday that is a real date from 1900 up to today', () => {
    for (const ok of ['1992-07-14', '2000-02-29', '1900-01-01', '2026-11-23'])
      expect(isBirthdayInput(ok, now), ok).toBe(true);
    for (const bad of ['1992-13-45', '1992-02-30', '2001-02-29', '1899-12-31', '2026-11-24'])
      expect(isBirthdayInput(bad, now), bad).toBe(false);
    for (const bad of ['92-07-14', '1992/07/14', '--07-14', ' 1992-07-14', ''])
      expect(isBirthdayInput(bad, now), bad).toBe(false);
  });

  it('writes a phone number as the events carry it, and tells which ones they take', () => {
    expect(phoneOfInput('+82 10-1234-5678')).toBe('+821012345678');
    expect(phoneOfInput('(010) 9876.5432')).toBe('01098765432');
    for (const ok of ['010-9876-5432', '+82 10 1234 5678', '123456'])
      expect(PHONE_PATTERN.test(phoneOfInput(ok)), ok).toBe(true);
    for (const bad of ['010-98', '010+98765432', '1234567890123456', 'phone', '010-9876-543x'])
      expect(PHONE_PATTERN.test(phoneOfInput(bad)), bad).toBe(false);
  });

  it("writes the shop's own country's numbers the national way, however they were typed", () => {
    const korea = { country_code: '82', national_prefix: '0' };
    for (const typed of [
      '010-1234-5678',
      '+82 10-1234-5678',
      '+821012345678',
      '0082 10 1234 5678',
      '+82 (0)10 1234 5678',
    ])
      expect(phoneOfInput(typed, korea), typed).toBe('01012345678');
    // Another country's number keeps its international form, from either way of dialling out.
    expect(phoneOfInput('+44 20 7946 0958', korea)).toBe('+442079460958');
    expect(phoneOfInput('0044 20 7946 0958', korea)).toBe('+442079460958');
    // Country codes are prefix-free: +86 (China) is not +82 with more digits.
    expect(phoneOfInput('+86 138 0013 8000', korea)).toBe('+8613800138000');
    // A country without a national prefix (Italy keeps its 0 in the international form).
    const italy = { country_code: '39', national_prefix: '' };
    expect(phoneOfInput('+39 06 1234 5678', italy)).toBe('0612345678');
    expect(phoneOfInput('06 1234 5678', italy)).toBe('0612345678');
    // The US: the national 1 is added, and a 1 after +1 is not taken for it.
    const us = { country_code: '1', national_prefix: '1' };
    expect(phoneOfInput('+1 415 555 0100', us)).toBe('14155550100');
    expect(phoneOfInput('1-415-555-0100', us)).toBe('14155550100');
  });

  it('writes a number every way the versions of the program did, the one in force first', () => {
    // Version 1 had no phone rule; version 2 (from 1 March) writes Korean numbers the national way;
    // version 3 (from 1 June) again the national way (a rule already seen adds no writing).
    const v1 = { ...DEFAULT_PROGRAM, version: 1, phone: undefined } as Program;
    const v2 = { ...DEFAULT_PROGRAM, version: 2 } as Program;
    const v3 = { ...DEFAULT_PROGRAM, version: 3, name: 'Summer' } as Program;
    const programs = programHistory([
      { program: v3, effective_from: Date.parse('2026-06-01T00:00:00+09:00') },
      { program: v1, effective_from: 0 },
      { program: v2, effective_from: Date.parse('2026-03-01T00:00:00+09:00') },
    ]);
    expect(programs.versions().map((p) => p.version)).toEqual([1, 2, 3]);
    // Typed either way, the number is found under the rule-less version's writing too.
    for (const typed of ['+82 10-1234-5678', '010 1234 5678']) {
      expect(phoneWritings(typed, programs, now), typed).toEqual(['01012345678', '+821012345678']);
      // In February the rule-less version was in force: its writing of what was typed comes first.
      expect(
        phoneWritings(typed, programs, Date.parse('2026-02-10T12:00:00+09:00'))[0],
        typed,
      ).toBe(phoneOfInput(typed));
    }
    // Another country's number is written one way by every version.
    expect(phoneWritings('+44 20 7946 0958', programs, now)).toEqual(['+442079460958']);
    // One version only: one writing, and the international form is not a second number.
    const one = programHistory([{ program: DEFAULT_PROGRAM, effective_from: 0 }]);
    expect(phoneWritings('+82 10-1234-5678', one, now)).toEqual(['01012345678']);
  });
});
