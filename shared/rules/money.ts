/**
 * Money and points are integers: money in the currency's minor unit (won has none), points whole.
 * Both are branded so that a points value cannot be passed where money is expected, and both are
 * made by one constructor that refuses anything but a safe integer.
 */
declare const moneyBrand: unique symbol;
declare const pointsBrand: unique symbol;

export type Money = number & { readonly [moneyBrand]: 'Money' };
export type Points = number & { readonly [pointsBrand]: 'Points' };

export function money(value: number): Money {
  if (!Number.isSafeInteger(value))
    throw new RangeError(`money must be a safe integer, got ${value}`);
  return value as Money;
}

export function points(value: number): Points {
  if (!Number.isSafeInteger(value))
    throw new RangeError(`points must be a safe integer, got ${value}`);
  return value as Points;
}

/** floor(value * numerator / denominator) for non-negative integers, exact beyond 2^53. */
export function mulDivFloor(value: number, numerator: number, denominator: number): number {
  if (denominator <= 0) throw new RangeError('denominator must be positive');
  const product = value * numerator;
  if (Number.isSafeInteger(product)) return Math.floor(product / denominator);
  return Number((BigInt(value) * BigInt(numerator)) / BigInt(denominator));
}

/** Basis points: 10,000 = 100 %. */
export const BP = 10_000;

/**
 * The most points one event, one sale's earning, one credit or one program figure may be (a
 * trillion). Balances are sums of events, and a sum past 2^53 is no longer exact: three
 * adjustments of 2^53 - 1 answered a balance of 36028797018964970. With this bound a balance
 * stays exact until some 9,000 credits of the largest size, which no shop records
 * (docs/decisions/0016-bounded-work.md).
 */
export const MAX_POINTS = 1_000_000_000_000;
