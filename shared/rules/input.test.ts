import { describe, expect, it } from 'vitest';
import { PHONE_PATTERN, isBirthdayInput, phoneOfInput } from './events';

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
});
