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
  // (month + 9) % 12, without %: on a number V8 holds as a double, % is a call to fmod.
  const mp = month > 2 ? month - 3 : month + 9;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The civil date of a day number, left in the three variables below (no object is made). */
let civilYear = 1970;
let civilMonth = 1;
let civilDay = 1;

/** Howard Hinnant's civil_from_days, into civilYear, civilMonth and civilDay. */
function toCivil(days: number): void {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  civilDay = doy - Math.floor((153 * mp + 2) / 5) + 1;
  civilMonth = mp < 10 ? mp + 3 : mp - 9;
  civilYear = yoe + era * 400 + (civilMonth <= 2 ? 1 : 0);
}

/** The civil date of a day number. */
export function civilDate(days: number): CivilDate {
  toCivil(days);
  return { year: civilYear, month: civilMonth, day: civilDay };
}

/** The month index (year * 12 + month - 1) of a day number: civilDate without the object. */
export function monthIndexOfDay(days: number): number {
  // A replay asks for one day many times in a row (a shop's sales of the day): remember it.
  if (days !== lastMonthDay) {
    toCivil(days);
    lastMonthDay = days;
    lastMonthIndex = civilYear * 12 + (civilMonth - 1);
  }
  return lastMonthIndex;
}

let lastMonthDay = Number.NaN;
let lastMonthIndex = 0;

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
  const year = Math.floor(index / 12);
  return { year, month: calendarMonthOf(index, year) };
}

/**
 * The calendar month (1..12) of a month index (of year `year`, when known), without `%` (on a
 * number V8 holds as a double, % is a call to fmod).
 */
export function calendarMonthOf(index: number, year = Math.floor(index / 12)): number {
  return index - year * 12 + 1;
}

/** The same calendar date `months` later, clamped to the month's last day (29 Feb + 1 y = 28 Feb). */
export function addMonthsClamped(date: CivilDate, months: number): CivilDate {
  const { year, month } = monthOf(monthIndex(date.year, date.month) + months);
  return { year, month, day: Math.min(date.day, daysInMonth(year, month)) };
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const offsetCache = new Map<string, Map<number, WindowOffset>>();

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

/**
 * Offsets are cached per window of 2^31 ms (about 25 days): both ends of a window are asked of
 * Intl once; when they agree the whole window has that offset (no real zone changes its offset
 * twice within 25 days), otherwise the transition instant is found by bisection and cached.
 */
const WINDOW = 2 ** 31;
type WindowOffset =
  number | { readonly at: number; readonly before: number; readonly after: number };

/** The window asked last (a replay asks about one zone, mostly in one window after another). */
let lastWindow: { zone: string; bucket: number; entry: WindowOffset } = {
  zone: '',
  bucket: NaN,
  entry: 0,
};

/** Offset of the zone from UTC at an instant, in milliseconds (Seoul: +9 h). */
export function zoneOffset(zone: string, ms: number): number {
  const bucket = Math.floor(ms / WINDOW);
  let entry: WindowOffset | undefined =
    lastWindow.bucket === bucket && lastWindow.zone === zone ? lastWindow.entry : undefined;
  if (entry === undefined) {
    entry = windowOffset(zone, bucket);
    lastWindow = { zone, bucket, entry };
  }
  if (typeof entry === 'number') return entry;
  return ms < entry.at ? entry.before : entry.after;
}

function windowOffset(zone: string, bucket: number): WindowOffset {
  const cache = zoneMap(offsetCache, zone);
  let entry = cache.get(bucket);
  if (entry === undefined) {
    const lo = bucket * WINDOW;
    const hi = lo + WINDOW - 1;
    const before = computeOffset(zone, lo);
    const after = computeOffset(zone, hi);
    if (before === after) {
      entry = before;
    } else {
      let a = lo;
      let b = hi; // offset(a) = before, offset(b) = after
      while (b - a > 1) {
        const mid = a + Math.floor((b - a) / 2);
        if (computeOffset(zone, mid) === before) a = mid;
        else b = mid;
      }
      entry = { at: b, before, after };
    }
    remember(cache, bucket, entry);
  }
  return entry;
}

/** What was worked out for a zone, by a number (made empty the first time the zone is asked). */
function zoneMap<V>(all: Map<string, Map<number, V>>, zone: string): Map<number, V> {
  let map = all.get(zone);
  if (map === undefined) {
    map = new Map();
    all.set(zone, map);
  }
  return map;
}

/** Keeps `value` in a zone's map, which starts again empty past 10,000 entries. */
function remember<V>(map: Map<number, V>, key: number, value: V): void {
  if (map.size > 10_000) map.clear();
  map.set(key, value);
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
  return monthIndexOfDay(localDay(zone, ms));
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

/**
 * Month starts found so far, by zone and month index. Every replay asks for the start of each
 * month of the member's history two or three times (the month's evaluation, the end of the
 * month before, coupons valid to it), and a report replays every member over the same months.
 * Remembering them took the replay of a member with 10 events over three years from about 21
 * to 15 µs (decision 0036).
 */
const monthStartCache = new Map<string, Map<number, number>>();
/** The zone asked last and its month starts (a replay asks about one zone). */
let lastMonthStartZone = '';
let lastMonthStarts = new Map<number, number>();

/** The instant of 00:00 local time on the 1st of a month index. */
export function startOfLocalMonth(zone: string, month: number): number {
  if (zone !== lastMonthStartZone) {
    lastMonthStarts = zoneMap(monthStartCache, zone);
    lastMonthStartZone = zone;
  }
  let start = lastMonthStarts.get(month);
  if (start === undefined) {
    const { year, month: m } = monthOf(month);
    start = startOfLocalDay(zone, dayNumber(year, m, 1));
    remember(lastMonthStarts, month, start);
  }
  return start;
}

/** YYYY-MM-DD of a civil date. */
export function formatDate(date: CivilDate): string {
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${pad(date.year, 4)}-${pad(date.month)}-${pad(date.day)}`;
}

/**
 * ISO 8601 of an instant with the zone's offset, e.g. 2026-03-01T00:00:00+09:00. An offset that
 * is not a whole number of minutes (Liberia kept -0:44:30 until 1972) cannot be written as
 * ±HH:MM: such an instant is written in UTC (Z), so that the text still names it exactly.
 */
export function formatInstant(zone: string, ms: number): string {
  const zoned = zoneOffset(zone, ms);
  const offset = zoned % 60_000 === 0 ? zoned : 0;
  const local = new Date(ms + offset);
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset) / 60_000;
  const ms3 = local.getUTCMilliseconds();
  return (
    `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}` +
    `T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}` +
    (ms3 ? `.${pad(ms3, 3)}` : '') +
    (offset === 0 && zoned !== 0 ? 'Z' : `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`)
  );
}

/**
 * The instants the system takes: from 1970-01-01T00:00:00Z (no till recorded a sale before it;
 * a till whose clock battery died reads 1970) to the end of 2999, so that times derived from one
 * (an expiry two years on, a window a month ahead) are still four-digit years. Outside it, years
 * before 100 would also meet JavaScript's two-digit-year rule and old zones' offsets in seconds.
 */
export const EARLIEST_INSTANT = 0;
export const LATEST_INSTANT = Date.UTC(3000, 0, 1) - 1;
/** What every schema says of a time that is not one the system takes. */
export const INSTANT_RULE = 'must be an ISO 8601 time with offset, from 1970 to 2999';

/** ISO 8601 with an explicit offset (or Z); rejects anything else. */
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function digits(text: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i += 1) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/** Two decimal digits at `at` as a number, or -1. */
function twoDigits(text: string, at: number): number {
  const a = text.charCodeAt(at) - 48;
  const b = text.charCodeAt(at + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * parseCommon's last date (year, month and day as one number) and its midnight UTC: a member's
 * events come in time order, several a day, so most share the one before's date.
 */
let lastDateKey = -1;
let lastDateMs = 0;

/**
 * Epoch ms of YYYY-MM-DDTHH:MM:SS±HH:MM (or Z), the form events are written in, without
 * Date.parse (a replay parses every event's time); NaN when the text is not of that form.
 */
function parseCommon(text: string): number {
  // YYYY-MM-DDTHH:MM:SS, then optionally .sss, then Z or ±HH:MM.
  let zoneAt = 19;
  let millis = 0;
  if (text.charCodeAt(19) === 46) {
    millis = digits(text, 20, 3);
    if (millis < 0) return Number.NaN;
    zoneAt = 23;
  }
  const length = text.length - zoneAt;
  if (length !== 6 && length !== 1) return Number.NaN;
  if (text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(10) !== 84)
    return Number.NaN;
  if (text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return Number.NaN;
  const century = twoDigits(text, 0);
  const yy = twoDigits(text, 2);
  const month = twoDigits(text, 5);
  const day = twoDigits(text, 8);
  const hour = twoDigits(text, 11);
  const minute = twoDigits(text, 14);
  const second = twoDigits(text, 17);
  if (century < 0 || yy < 0 || month < 0 || day < 0) return Number.NaN;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59)
    return Number.NaN;
  const year = century * 100 + yy;
  const dateKey = (year * 100 + month) * 100 + day;
  let dateMs = lastDateMs;
  if (dateKey !== lastDateKey) {
    if (month < 1 || month > 12 || day < 1 || (day > 28 && day > daysInMonth(year, month)))
      return Number.NaN;
    dateMs = dayNumber(year, month, day) * MS_PER_DAY;
    lastDateKey = dateKey;
    lastDateMs = dateMs;
  }
  let offset = 0;
  if (length === 1) {
    if (text.charCodeAt(zoneAt) !== 90) return Number.NaN;
  } else {
    const sign = text.charCodeAt(zoneAt);
    const oh = twoDigits(text, zoneAt + 1);
    const om = twoDigits(text, zoneAt + 4);
    if (
      (sign !== 43 && sign !== 45) ||
      text.charCodeAt(zoneAt + 3) !== 58 ||
      oh < 0 ||
      om < 0 ||
      oh > 23 ||
      om > 59
    )
      return Number.NaN;
    offset = (oh * 60 + om) * 60_000 * (sign === 45 ? -1 : 1);
  }
  const ms = dateMs + ((hour * 60 + minute) * 60 + second) * 1000 + millis - offset;
  return ms >= EARLIEST_INSTANT && ms <= LATEST_INSTANT ? ms : Number.NaN;
}

/** Date.parse for the other ISO forms (no seconds, more fraction digits), with a real calendar date. */
function parseOther(text: string): number {
  if (!ISO_WITH_OFFSET.test(text)) return Number.NaN;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return Number.NaN;
  const ms = Date.parse(text);
  return ms >= EARLIEST_INSTANT && ms <= LATEST_INSTANT ? ms : Number.NaN;
}

export function isIsoInstant(text: string): boolean {
  return !Number.isNaN(parseCommon(text)) || !Number.isNaN(parseOther(text));
}

export function parseInstant(text: string): number {
  const fast = parseCommon(text);
  if (!Number.isNaN(fast)) return fast;
  const ms = parseOther(text);
  if (Number.isNaN(ms)) {
    throw new RangeError(`not an ISO 8601 time with offset from 1970 to 2999: ${text}`);
  }
  return ms;
}

export { MS_PER_DAY, MS_PER_HOUR };
