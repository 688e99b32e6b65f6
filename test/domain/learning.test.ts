import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { adaptThresholds, LEARNING } from '../../source/domain/learning.js';
import { DEFAULT_CONFIG } from '../../source/domain/config.js';

const defaults = DEFAULT_CONFIG.levels;
const many = (n: number, score: number, failed: boolean) => Array.from({ length: n }, () => ({ score, failed }));

describe('LEARNING thresholds', () => {
  it('comes down a step when deployments just below a threshold fail often', () => {
    const outcomes = [...many(15, 0.25, true), ...many(15, 0.25, false), ...many(200, 0.1, false)];
    const r = adaptThresholds(defaults, defaults, outcomes);
    expect(r.levels.medium).toBeCloseTo(0.29);
    expect(r.reasons[0]).toMatch(/^medium 0\.30 → 0\.29: 30 deployments just below failed at 50\.0%/);
  });
  it('goes up a step when they almost never fail, and needs enough evidence to move at all', () => {
    const outcomes = [...many(40, 0.5, false), ...many(60, 0.1, true)];
    expect(adaptThresholds(defaults, defaults, outcomes).levels.high).toBeCloseTo(0.56);
    expect(adaptThresholds(defaults, defaults, many(19, 0.25, true)).reasons).toEqual([]);
  });
  it('never moves more than ±0.05 from the defaults, and keeps the levels in order (property)', () => {
    const outcome = fc.record({ score: fc.double({ min: 0, max: 1, noNaN: true }), failed: fc.boolean() });
    fc.assert(
      fc.property(fc.array(fc.array(outcome, { maxLength: 200 }), { maxLength: 30 }), (batches) => {
        let levels = defaults;
        const seen: typeof outcome extends fc.Arbitrary<infer T> ? T[] : never = [];
        for (const b of batches) {
          seen.push(...b);
          levels = adaptThresholds(levels, defaults, seen).levels;
          for (const k of ['medium', 'high', 'critical'] as const) expect(Math.abs(levels[k] - defaults[k])).toBeLessThanOrEqual(LEARNING.maxShift + 1e-9);
          expect(levels.medium < levels.high && levels.high < levels.critical).toBe(true);
        }
      }),
      { numRuns: 300, seed: 12 },
    );
  });
});
