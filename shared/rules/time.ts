/**
 * Calendar arithmetic in a named time zone, independent of the machine's own zone.
 *
 * A local calendar date is a "day number": days since 1970-01-01 in the proleptic Gregorian
 * calendar (no time zone). A local month is a "month index": year * 12 + (month - 1).
 * Instants are epoch milliseconds. Offsets come from Intl (present in every runtime we ship to)
 * and are cached per zone and UTC hour, so a replay of thousands of events asks Intl a handful of
 * times. See docs/decisions/0002-time-zones-without-a-library.md.
 */

const MS_PER_DAY = 86_400_000;
const MS_PER_HOUR = 3_600_000;

export interface CivilDate {
  readonly year: number;
  readonly month: number; // 1..12
  readonly day: number; // 1..31
}

/** Days since 1970-01-01 of a civil date (Howard Hinnant's days_from_civil). */
export function dayNumber(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The civil date of a day number (Howard Hinnant's civil_from_days). */
export function civilDate(days: number): CivilDate {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

export function daysInMonth(year: number, month: number): number {
  return (
    dayNumber(month === 12 ? year + 1 : year, month === 12 ? 1 : month + 1, 1) -
    dayNumber(year, month, 1)
  );
}

export function monthIndex(year: number, month: number): number {
  return year * 12 + (month - 1);
}

export function monthOf(index: number): { year: number; month: number } {
  return { year: Math.floor(index / 12), month: (((index % 12) + 12) % 12) + 1 };
}

/** The same calendar date `months` later, clamped to the month's last day (29 Feb + 1 y = 28 Feb). */
export function addMonthsClamped(date: CivilDate, months: number): CivilDate {
  const { year, month } = monthOf(monthIndex(date.year, date.month) + months);
  return { year, month, day: Math.min(date.day, daysInMonth(year, month)) };
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const offsetCache = new Map<string, Map<number, number>>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** True when Intl knows the zone (used by the program schema). */
export function isValidTimeZone(zone: string): boolean {
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

function computeOffset(zone: string, ms: number): number {
  const parts = formatter(zone).formatToParts(new Date(ms));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return asUtc - (ms - (((ms % 1000) + 1000) % 1000));
}

/** Offset of the zone from UTC at an instant, in milliseconds (Seoul: +9 h). */
export function zoneOffset(zone: string, ms: number): number {
  let cache = offsetCache.get(zone);
  if (!cache) {
    cache = new Map();
    offsetCache.set(zone, cache);
  }
  // Zone offsets change on whole quarter hours at the earliest; caching per UTC hour is exact
  // for every zone whose transitions fall on an hour boundary, and we check the hour's end too.
  const bucket = Math.floor(ms / MS_PER_HOUR);
  let offset = cache.get(bucket);
  if (offset === undefined) {
    const start = computeOffset(zone, bucket * MS_PER_HOUR);
    const end = computeOffset(zone, bucket * MS_PER_HOUR + MS_PER_HOUR - 1);
    if (start !== end) return computeOffset(zone, ms);
    offset = start;
    if (cache.size > 100_000) cache.clear();
    cache.set(bucket, offset);
  }
  return offset;
}

/** The local day number of an instant in the zone. */
export function localDay(zone: string, ms: number): number {
  return Math.floor((ms + zoneOffset(zone, ms)) / MS_PER_DAY);
}

export function localDate(zone: string, ms: number): CivilDate {
  return civilDate(localDay(zone, ms));
}

/** The local month index (year * 12 + month - 1) of an instant in the zone. */
export function localMonth(zone: string, ms: number): number {
  const d = localDate(zone, ms);
  return monthIndex(d.year, d.month);
}

/**
 * The instant of 00:00 local time on a day number. Where a transition skips midnight, the first
 * instant of that local day.
 */
export function startOfLocalDay(zone: string, day: number): number {
  const wall = day * MS_PER_DAY;
  let guess = wall - zoneOffset(zone, wall);
  for (let i = 0; i < 3; i += 1) {
    const next = wall - zoneOffset(zone, guess);
    if (next === guess) break;
    guess = next;
  }
  // Midnight skipped by a transition: step forward to the first instant of that local day.
  if (localDay(zone, guess) < day) {
    while (localDay(zone, guess) < day) guess += 15 * 60_000;
  }
  return guess;
}

/** The instant of 00:00 local time on the 1st of a month index. */
export function startOfLocalMonth(zone: string, month: number): number {
  const { year, month: m } = monthOf(month);
  return startOfLocalDay(zone, dayNumber(year, m, 1));
}

/** YYYY-MM-DD of a civil date. */
export function formatDate(date: CivilDate): string {
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${pad(date.year, 4)}-${pad(date.month)}-${pad(date.day)}`;
}

/** ISO 8601 of an instant with the zone's offset, e.g. 2026-03-01T00:00:00+09:00. */
export function formatInstant(zone: string, ms: number): string {
  const offset = zoneOffset(zone, ms);
  const local = new Date(ms + offset);
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset) / 60_000;
  const ms3 = local.getUTCMilliseconds();
  return (
    `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}` +
    `T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}` +
    (ms3 ? `.${pad(ms3, 3)}` : '') +
    `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}

/** ISO 8601 with an explicit offset (or Z); rejects anything else. */
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

export function isIsoInstant(text: string): boolean {
  return ISO_WITH_OFFSET.test(text) && !Number.isNaN(Date.parse(text));
}

export function parseInstant(text: string): number {
  const ms = Date.parse(text);
  if (!ISO_WITH_OFFSET.test(text) || Number.isNaN(ms)) {
    throw new RangeError(`not an ISO 8601 time with offset: ${text}`);
  }
  return ms;
}

export { MS_PER_DAY, MS_PER_HOUR };
