import { describe, expect, it } from 'vitest';
import { formatDateTime } from './format';

describe('formatDateTime', () => {
  // 15:30 UTC on 31 January is already 1 February in Seoul, and still the morning in LA.
  const at = Date.UTC(2026, 0, 31, 15, 30);

  it("writes a moment on the shop's calendar and clock, whatever the machine's zone", () => {
    expect(formatDateTime(at, 'Asia/Seoul', 'en')).toBe('1 Feb 2026, 00:30');
    expect(formatDateTime(at, 'America/Los_Angeles', 'en')).toBe('31 Jan 2026, 07:30');
  });

  it('gives the time of day alone, with seconds, when asked', () => {
    expect(formatDateTime(at, 'Asia/Seoul', 'en', false)).toBe('00:30:00');
  });
});
