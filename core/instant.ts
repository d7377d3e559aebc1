// The range of instants the hub accepts from a channel. JavaScript dates reach ±275,760 years
// and PostgreSQL's timestamptz 4713 BC to 294276 AD, but neither "-001000-01-01" nor
// "+275760-09-13" is a moment an order happened: such a value is a content error, refused
// where it is read (the order schema, a connector's mapping) and never sent to the database.

/** 1970-01-01T00:00:00Z: no channel event predates the Unix epoch. */
export const EARLIEST_INSTANT_MS = Date.UTC(1970, 0, 1);
/** 9999-12-31T23:59:59.999Z: the last instant with a four-digit year (ISO 8601 without expansion). */
export const LATEST_INSTANT_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

export const INSTANT_RANGE_MESSAGE = 'must be a date between 1970-01-01 and 9999-12-31';

/** Whether `ms` (epoch milliseconds) is within the accepted range. */
export function instantInRange(ms: number): boolean {
  return Number.isFinite(ms) && ms >= EARLIEST_INSTANT_MS && ms <= LATEST_INSTANT_MS;
}

/** The text itself when it parses as a date within the range; null otherwise. */
export function saneInstant(value: unknown): string | null {
  return typeof value === 'string' && instantInRange(Date.parse(value)) ? value : null;
}
