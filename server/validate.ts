/** Runtime validation of request input with valibot; a failure is a 400 naming each field. */
import * as v from 'valibot';
import { badRequest, type ApiError } from './errors';
import { INSTANT_RULE, isIsoInstant, parseInstant } from '../shared/rules';

export function parse<S extends v.GenericSchema>(
  schema: S,
  input: unknown,
  what = 'request body',
): v.InferOutput<S> {
  const result = v.safeParse(schema, input);
  if (result.success) return result.output;
  throw invalidInput(result.issues, what);
}

/** The 400 for input a schema refused: the first issue in the message, all of them in details. */
export function invalidInput(found: readonly v.BaseIssue<unknown>[], what: string): ApiError {
  const issues = found.map((i) => ({ path: v.getDotPath(i) ?? '', message: i.message }));
  const first = issues[0];
  return badRequest(
    `invalid ${what}: ${first ? `${first.path || '(body)'}: ${first.message}` : 'malformed'}`,
    { issues },
  );
}

export const money = v.pipe(
  v.number('must be a number'),
  v.safeInteger('must be a safe integer'),
  v.minValue(0, 'must be >= 0'),
);
export const instant = v.pipe(v.string(), v.check(isIsoInstant, INSTANT_RULE));
export const id = v.pipe(v.string(), v.minLength(1), v.maxLength(100));

/** How far ahead of the server's clock an event's time may be (a till's clock runs fast). */
export const FUTURE_SLACK_MS = 5 * 60_000;

/** occurred_at: defaults to now; may be in the past; not more than 5 minutes in the future. */
export function occurredAt(value: string | undefined, now: number): number {
  if (value === undefined) return now;
  const ms = parseInstant(value);
  if (ms > now + FUTURE_SLACK_MS)
    throw badRequest('occurred_at may not be more than 5 minutes in the future', {
      field: 'occurred_at',
    });
  return ms;
}

/**
 * How far ahead `as_of` may look: ten years covers any expiry a program can set. A state is
 * carried month by month to `as_of`, so 2999 would cost a third of a second of the endpoint's
 * one thread per read.
 */
export const AS_OF_HORIZON_YEARS = 10;

/** ?as_of=<time> (default now). */
export function asOf(query: URLSearchParams, now: number): number {
  const raw = query.get('as_of');
  if (raw === null) return now;
  if (!isIsoInstant(raw)) throw badRequest(`as_of ${INSTANT_RULE}`, { field: 'as_of' });
  const at = parseInstant(raw);
  if (at > now + AS_OF_HORIZON_YEARS * 366 * 86_400_000)
    throw badRequest(`as_of may be at most ${AS_OF_HORIZON_YEARS} years ahead`, {
      field: 'as_of',
    });
  return at;
}
