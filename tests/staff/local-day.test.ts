// "Collected today" follows the store's day: the start of the local day in its time zone.
import { describe, expect, it } from 'vitest';
import { startOfLocalDay } from '../../core/pickups/queries.ts';

describe('startOfLocalDay', () => {
  it.each([
    ['UTC', '2026-11-21T15:00:00Z', '2026-11-21T00:00:00.000Z'],
    ['Europe/Paris', '2026-11-21T15:00:00Z', '2026-11-20T23:00:00.000Z'],
    ['Europe/Paris', '2026-11-21T23:30:00Z', '2026-11-21T23:00:00.000Z'], // already the 22nd in Paris
    ['Asia/Tokyo', '2026-11-20T16:00:00Z', '2026-11-20T15:00:00.000Z'],
    ['America/New_York', '2026-11-21T03:00:00Z', '2026-11-20T05:00:00.000Z'], // still the 20th there
    ['Asia/Kolkata', '2026-11-21T12:00:00Z', '2026-11-20T18:30:00.000Z'],
    // DST changed during the day: midnight had the other offset.
    ['Europe/Paris', '2026-03-29T12:00:00Z', '2026-03-28T23:00:00.000Z'],
    ['America/New_York', '2026-11-01T18:00:00Z', '2026-11-01T04:00:00.000Z'],
    // Santiago skips midnight when DST starts (00:00 → 01:00): the day begins at 01:00 local.
    ['America/Santiago', '2026-09-06T15:00:00Z', '2026-09-06T04:00:00.000Z'],
  ])('%s at %s → %s', (tz, at, expected) => {
    expect(startOfLocalDay(new Date(at), tz).toISOString()).toBe(expected);
  });

  it('falls back to UTC for a zone name Intl does not know', () => {
    expect(startOfLocalDay(new Date('2026-11-21T15:00:00Z'), 'Mars/Olympus').toISOString()).toBe(
      '2026-11-21T00:00:00.000Z',
    );
  });
});
