// The rank statistics against published values: R's wilcox.test documentation (Hollander & Wolfe's
// permeability data; the airquality Ozone example, tied), and SciPy's mannwhitneyu documentation.
import { describe, expect, it } from 'vitest';
import { exactUDistribution, hodgesLehmann, mannWhitneyU, median } from '../../source/domain/rank-tests.js';

// Hollander & Wolfe (1973), p. 69: permeability constants of the human chorioamnion (R ?wilcox.test).
const atTerm = [0.8, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46];
const earlier = [1.15, 0.88, 0.9, 0.74, 1.21];

// R ?wilcox.test: wilcox.test(Ozone ~ Month, data = airquality, subset = Month %in% c(5, 8)), NAs dropped.
const may = [41, 36, 12, 18, 28, 23, 19, 8, 7, 16, 11, 14, 18, 14, 34, 6, 30, 11, 1, 11, 4, 32, 23, 45, 115, 37];
const august = [39, 9, 16, 78, 35, 66, 122, 89, 110, 44, 28, 65, 22, 59, 23, 31, 44, 21, 9, 45, 168, 73, 76, 118, 84, 85];

/** P(U ≥ u) by enumerating every way to choose which ranks belong to x: an independent reference. */
function bruteForceUpper(m: number, n: number, u: number): number {
  let hits = 0;
  let total = 0;
  const choose = (start: number, left: number, ranks: number[]): void => {
    if (left === 0) {
      total += 1;
      const uOf = ranks.reduce((s, r) => s + r, 0) - (m * (m + 1)) / 2;
      if (uOf >= u) hits += 1;
      return;
    }
    for (let r = start; r <= m + n; r++) choose(r + 1, left - 1, [...ranks, r]);
  };
  choose(1, m, []);
  return hits / total;
}

describe('Mann-Whitney U', () => {
  it('exact: Hollander & Wolfe, W = 35, one-sided p = 0.1272 (R), two-sided 0.2544', () => {
    const r = mannWhitneyU(atTerm, earlier);
    expect(r.method).toBe('exact');
    expect(r.u).toBe(35);
    expect(r.p).toBeCloseTo(2 * 0.1272061272061272, 12);
    expect(r.nX).toBe(10);
    expect(r.nY).toBe(5);
  });

  it('exact: SciPy docs, males vs females, U = 17, p = 0.1111', () => {
    const r = mannWhitneyU([19, 22, 16, 29, 24], [20, 11, 17, 12]);
    expect(r.u).toBe(17);
    expect(r.p).toBeCloseTo(1 / 9, 12);
  });

  it('normal approximation: SciPy docs, the same data, p = 0.11134688653314041', () => {
    const r = mannWhitneyU([19, 22, 16, 29, 24], [20, 11, 17, 12], 'normal');
    expect(r.method).toBe('normal');
    expect(r.p).toBeCloseTo(0.11134688653314041, 6);
  });

  it('normal approximation with ties: airquality May vs August, W = 127.5, p = 0.0001208 (R)', () => {
    const r = mannWhitneyU(may, august);
    expect(r.method).toBe('normal'); // ties force the approximation, as in R
    expect(r.u).toBe(127.5);
    expect(r.p).toBeCloseTo(0.0001208, 7); // R prints 4 significant digits
    expect(r.p / 0.00012080783076877434).toBeCloseTo(1, 4); // SciPy's asymptotic value, to 4 digits relative
  });

  it('U of x and U of y add up to m·n, and the p-value is symmetric', () => {
    const a = mannWhitneyU(atTerm, earlier);
    const b = mannWhitneyU(earlier, atTerm);
    expect(a.u + b.u).toBe(50);
    expect(a.p).toBeCloseTo(b.p, 12);
  });

  it('the exact distribution sums to 1 and matches enumeration of every rank assignment', () => {
    for (const [m, n] of [[3, 4], [5, 5], [6, 2], [1, 7]] as const) {
      const d = exactUDistribution(m, n);
      expect(d.length).toBe(m * n + 1);
      expect(d.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 12);
      for (let u = 0; u <= m * n; u++) {
        const upper = d.slice(u).reduce((s, x) => s + x, 0);
        expect(upper).toBeCloseTo(bruteForceUpper(m, n, u), 12);
      }
    }
  });

  it('identical samples give p = 1; completely separated small samples give the smallest exact p', () => {
    expect(mannWhitneyU([5, 5, 5], [5, 5, 5]).p).toBe(1);
    const r = mannWhitneyU([10, 11, 12, 13], [1, 2, 3, 4]);
    expect(r.u).toBe(16);
    expect(r.p).toBeCloseTo(2 / 70, 12); // C(8,4) = 70 arrangements, one in each tail
  });

  it('refuses an empty sample', () => {
    expect(() => mannWhitneyU([], [1])).toThrow(/at least one observation/);
  });
});

describe('Hodges-Lehmann shift', () => {
  it('Hollander & Wolfe: difference in location 0.305 (R, conf.int = TRUE)', () => {
    expect(hodgesLehmann(atTerm, earlier)).toBeCloseTo(0.305, 10);
  });

  it('is the median of pairwise differences: a pure shift is recovered exactly, and it is antisymmetric', () => {
    const base = [3, 9, 4, 7, 1, 8];
    expect(hodgesLehmann(base.map((v) => v + 2.5), base)).toBe(2.5);
    expect(hodgesLehmann(earlier, atTerm)).toBeCloseTo(-0.305, 10);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});
