// The retention default, apart from retention.ts so that core/config.ts (which runs on
// Workers too) can read it without pulling in the database client.

/** Days after an order closed before its buyer's personal data is erased. */
export const DEFAULT_PERSONAL_DATA_RETENTION_DAYS = 30;
