import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { localTime } from '../../source/domain/local-time.js';
import { ZONES } from '../helpers/arbitraries.js';

/** The reference: Intl, asked directly for every instant. */
function viaIntl(ms: number, timeZone: string) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: 'numeric', minute: 'numeric', weekday: 'short' })
      .formatToParts(ms)
      .map((p) => [p.type, p.value]),
  );
  const weekday = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(parts.weekday ?? '');
  return { weekday, hour: Number(parts.hour), minute: Number(parts.minute), date: `${parts.year}-${parts.month}-${parts.day}` };
}

describe('localTime', () => {
  it('agrees with Intl at random instants, including around DST transitions', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.parse('2025-01-01T00:00:00Z'), max: Date.parse('2028-01-01T00:00:00Z') }), fc.constantFrom(...ZONES), (ms, zone) => {
        const at = ms - (ms % 60_000);
        expect(localTime(at, zone)).toEqual(viaIntl(at, zone));
      }),
      { numRuns: 5000, seed: 3 },
    );
  });
  it('is right on both sides of every minute of a transition day', () => {
    // Europe/Berlin falls back at 01:00Z on 2026-10-25; Lord Howe shifts by 30 minutes.
    for (const [zone, day] of [['Europe/Berlin', '2026-10-25'], ['America/New_York', '2026-03-08'], ['Australia/Lord_Howe', '2026-04-05']] as const) {
      const start = Date.parse(`${day}T00:00:00Z`) - 86_400_000;
      for (let m = 0; m < 3 * 24 * 60; m += 7) expect(localTime(start + m * 60_000, zone)).toEqual(viaIntl(start + m * 60_000, zone));
    }
  });
});
