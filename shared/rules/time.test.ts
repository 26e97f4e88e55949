import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addMonthsClamped,
  civilDate,
  dayNumber,
  daysInMonth,
  formatInstant,
  isIsoInstant,
  localDate,
  localMonth,
  monthIndex,
  monthIndexOfDay,
  monthOf,
  parseInstant,
  startOfLocalDay,
  startOfLocalMonth,
  zoneOffset,
} from './time';

describe('calendar arithmetic in the program zone', () => {
  it('converts day numbers both ways', () => {
    expect(dayNumber(1970, 1, 1)).toBe(0);
    expect(dayNumber(2028, 2, 29) - dayNumber(2028, 2, 28)).toBe(1);
    expect(civilDate(dayNumber(2028, 2, 29))).toEqual({ year: 2028, month: 2, day: 29 });
    expect(civilDate(dayNumber(1999, 12, 31))).toEqual({ year: 1999, month: 12, day: 31 });
  });

  it('gives the month index of every day from 1600 to 2400 as civilDate does', () => {
    for (let day = dayNumber(1600, 1, 1); day <= dayNumber(2400, 12, 31); day += 1) {
      const d = civilDate(day);
      if (monthIndexOfDay(day) !== monthIndex(d.year, d.month))
        expect({ day, index: monthIndexOfDay(day) }).toEqual({
          day,
          index: d.year * 12 + d.month - 1,
        });
    }
    expect(monthIndexOfDay(dayNumber(2028, 2, 29))).toBe(2028 * 12 + 1);
    expect(monthIndexOfDay(dayNumber(2027, 12, 31))).toBe(2027 * 12 + 11);
  });

  it('clamps 29 February plus a year to 28 February', () => {
    expect(addMonthsClamped({ year: 2028, month: 2, day: 29 }, 12)).toEqual({
      year: 2029,
      month: 2,
      day: 28,
    });
    expect(addMonthsClamped({ year: 2026, month: 1, day: 31 }, 1)).toEqual({
      year: 2026,
      month: 2,
      day: 28,
    });
  });

  it('reads Seoul dates whatever the machine zone is', () => {
    // 00:30 on 1 April in Seoul is still 31 March in UTC and in Los Angeles.
    const t = parseInstant('2026-04-01T00:30:00+09:00');
    expect(localDate('Asia/Seoul', t)).toEqual({ year: 2026, month: 4, day: 1 });
    expect(localMonth('Asia/Seoul', t)).toBe(monthIndex(2026, 4));
    expect(localDate('UTC', t)).toEqual({ year: 2026, month: 3, day: 31 });
    expect(zoneOffset('Asia/Seoul', t)).toBe(9 * 3_600_000);
  });

  it('finds local midnight in zones with and without daylight saving', () => {
    expect(startOfLocalMonth('Asia/Seoul', monthIndex(2026, 3))).toBe(
      parseInstant('2026-03-01T00:00:00+09:00'),
    );
    // New York changes to daylight time on 8 March 2026; midnight that day is still -05:00.
    expect(startOfLocalDay('America/New_York', dayNumber(2026, 3, 8))).toBe(
      parseInstant('2026-03-08T00:00:00-05:00'),
    );
    expect(startOfLocalDay('America/New_York', dayNumber(2026, 3, 9))).toBe(
      parseInstant('2026-03-09T00:00:00-04:00'),
    );
  });

  it('gives the same month start from its memory, for each zone apart, as worked out afresh', () => {
    // Asked in turn for two zones, twice each: the second answers come from the memory.
    for (let round = 0; round < 2; round += 1) {
      for (let month = monthIndex(2025, 1); month <= monthIndex(2027, 12); month += 1) {
        const { year, month: m } = monthOf(month);
        for (const zone of ['Asia/Seoul', 'America/New_York']) {
          const start = startOfLocalMonth(zone, month);
          expect(start).toBe(startOfLocalDay(zone, dayNumber(year, m, 1)));
          expect(localDate(zone, start)).toEqual({ year, month: m, day: 1 });
        }
      }
    }
    // Month indexes before year 0 and around it, as monthOf writes them.
    expect(monthOf(-1)).toEqual({ year: -1, month: 12 });
    expect(monthOf(0)).toEqual({ year: 0, month: 1 });
    expect(monthOf(-12)).toEqual({ year: -1, month: 1 });
    expect(monthOf(monthIndex(2026, 12))).toEqual({ year: 2026, month: 12 });
  });

  it('formats instants with the zone offset', () => {
    expect(formatInstant('Asia/Seoul', parseInstant('2026-03-31T14:30:00Z'))).toBe(
      '2026-03-31T23:30:00+09:00',
    );
  });

  it('parses the forms events are written in exactly as Date.parse does', () => {
    for (const text of [
      '2026-03-31T23:30:00+09:00',
      '2026-03-31T23:30:00.123+09:00',
      '2026-03-31T14:30:00Z',
      '2026-03-31T14:30:00.007Z',
      '2028-02-29T00:00:00-08:00',
      '1999-12-31T23:59:59+05:45',
    ]) {
      expect(parseInstant(text), text).toBe(Date.parse(text));
    }
    expect(() => parseInstant('2026-02-30T10:00:00+09:00')).toThrow();
    expect(parseInstant('2026-03-31T23:30+09:00')).toBe(Date.parse('2026-03-31T23:30:00+09:00'));
  });

  it('parses a run of times, days repeating and impossible dates among them, as Date.parse', () => {
    // parseInstant remembers the last date it read: a date it refused must not be remembered,
    // and one it remembered must not answer for another.
    const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
    const written = fc.record({
      ms: fc.integer({ min: 0, max: Date.UTC(2999, 11, 31) }),
      // Whole minutes from -12:00 to +14:00, as zones have.
      offset: fc.integer({ min: -12 * 60, max: 14 * 60 }),
      fraction: fc.boolean(),
      // A day past the month's end (the 29th of February in a common year, the 31st of April).
      impossible: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.array(written, { minLength: 1, maxLength: 12 }),
        fc.boolean(),
        (list, same) => {
          const texts = list.map(({ ms, offset, fraction, impossible }, i) => {
            // Several on one day: each time after the first on the first's date when `same`.
            const local = new Date((same ? (list[0]?.ms ?? ms) : ms) + offset * 60_000);
            if (same) local.setUTCHours(i % 24, (i * 7) % 60, (i * 13) % 60);
            const year = local.getUTCFullYear();
            const month = local.getUTCMonth() + 1;
            const day = impossible ? daysInMonth(year, month) + 1 : local.getUTCDate();
            const sign = offset < 0 ? '-' : '+';
            const abs = Math.abs(offset);
            return (
              `${pad(year, 4)}-${pad(month)}-${pad(day)}T${pad(local.getUTCHours())}:` +
              `${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}` +
              (fraction ? `.${pad(local.getUTCMilliseconds(), 3)}` : '') +
              `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
            );
          });
          for (const [i, text] of texts.entries()) {
            const expected = Date.parse(text);
            const inRange = expected >= 0 && expected < Date.UTC(3000, 0, 1);
            if (list[i]?.impossible || !inRange) {
              expect(isIsoInstant(text), text).toBe(false);
            } else {
              expect(parseInstant(text), text).toBe(expected);
            }
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('refuses times without an offset', () => {
    expect(() => parseInstant('2026-03-31T23:30:00')).toThrow(/offset/);
    expect(() => parseInstant('yesterday')).toThrow();
  });

  it('takes times from 1970 to 2999 only', () => {
    expect(parseInstant('1970-01-01T00:00:00Z')).toBe(0);
    expect(parseInstant('1970-01-01T09:00:00+09:00')).toBe(0);
    expect(parseInstant('2999-12-31T23:59:59.999Z')).toBe(Date.UTC(3000, 0, 1) - 1);
    expect(parseInstant('2999-12-31T23:59:59.999999Z')).toBe(Date.UTC(3000, 0, 1) - 1);
    for (const text of [
      '1969-12-31T23:59:59Z',
      '1970-01-01T08:59:59+09:00',
      '0000-01-01T00:00:00Z',
      '0099-06-01T00:00:00+09:00',
      '3000-01-01T00:00:00Z',
      '2999-12-31T23:00:00-01:00',
      '9999-12-31T23:59:59-12:00',
      '1969-12-31T23:59:59.5Z',
    ]) {
      expect(isIsoInstant(text), text).toBe(false);
      expect(() => parseInstant(text), text).toThrow(/1970 to 2999/);
    }
  });

  it('writes an offset in seconds (Liberia until 1972) as UTC, naming the same instant', () => {
    const t = Date.UTC(1971, 5, 1, 12, 0, 0, 250);
    expect(zoneOffset('Africa/Monrovia', t)).toBe(-(44 * 60 + 30) * 1000);
    expect(formatInstant('Africa/Monrovia', t)).toBe('1971-06-01T12:00:00.250Z');
    expect(parseInstant(formatInstant('Africa/Monrovia', t))).toBe(t);
    expect(formatInstant('Africa/Monrovia', Date.UTC(1973, 0, 1))).toBe(
      '1973-01-01T00:00:00+00:00',
    );
  });
});
