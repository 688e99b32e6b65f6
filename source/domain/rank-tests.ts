// Two-sample rank statistics for the canary judge: the Mann-Whitney U test (Wilcoxon rank-sum), with the
// exact null distribution for small samples without ties and the normal approximation (tie and continuity
// corrected) otherwise, as R's wilcox.test does; and the Hodges-Lehmann estimate of the shift.

export interface MannWhitneyResult {
  /** U of the first sample: pairs (x, y) with x > y, ties counting one half. */
  u: number;
  /** Two-sided p-value. */
  p: number;
  method: 'exact' | 'normal';
  nX: number;
  nY: number;
}

/** R's rule: the exact distribution below 50 observations a sample, when nothing is tied. */
const EXACT_BELOW = 50;

/** Midranks of the pooled samples, and Σ(t³ − t) over groups of ties. */
function ranks(x: readonly number[], y: readonly number[]): { rankSumX: number; tieTerm: number } {
  const pooled = [...x.map((v) => ({ v, fromX: true })), ...y.map((v) => ({ v, fromX: false }))].sort((a, b) => a.v - b.v);
  let rankSumX = 0;
  let tieTerm = 0;
  for (let i = 0; i < pooled.length; ) {
    let j = i;
    while (j + 1 < pooled.length && pooled[j + 1]?.v === pooled[i]?.v) j++;
    const rank = (i + j) / 2 + 1;
    const t = j - i + 1;
    tieTerm += t * t * t - t;
    for (let k = i; k <= j; k++) if (pooled[k]?.fromX) rankSumX += rank;
    i = j + 1;
  }
  return { rankSumX, tieTerm };
}

/**
 * P(U = u) for u = 0..m·n under the null hypothesis, by the recurrence on the largest observation: it comes
 * from x with probability m/(m+n) and then beats all n y's. Probabilities, not counts, so nothing overflows.
 */
export function exactUDistribution(m: number, n: number): Float64Array {
  // prev[j] = distribution for (i − 1, j); cur[j] for (i, j).
  let prev: Float64Array[] = Array.from({ length: n + 1 }, () => Float64Array.of(1));
  for (let i = 1; i <= m; i++) {
    const cur: Float64Array[] = [Float64Array.of(1)];
    for (let j = 1; j <= n; j++) {
      const d = new Float64Array(i * j + 1);
      const fromX = prev[j] as Float64Array;
      const fromY = cur[j - 1] as Float64Array;
      const px = i / (i + j);
      const py = j / (i + j);
      for (let u = 0; u < fromX.length; u++) d[u + j] = (d[u + j] ?? 0) + px * (fromX[u] ?? 0);
      for (let u = 0; u < fromY.length; u++) d[u] = (d[u] ?? 0) + py * (fromY[u] ?? 0);
      cur.push(d);
    }
    prev = cur;
  }
  return prev[n] as Float64Array;
}

/**
 * Complementary error function, with a fractional error below 1.2e-7 everywhere (Numerical Recipes' erfcc,
 * a Chebyshev fit): relative accuracy in the far tail is what small p-values need.
 */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const poly = -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const r = t * Math.exp(poly);
  return x >= 0 ? r : 2 - r;
}

/** Standard normal CDF. */
export const normalCdf = (z: number): number => 0.5 * erfc(-z / Math.SQRT2);

/** Two-sided Mann-Whitney U test of x against y. Both samples must be non-empty and finite. */
export function mannWhitneyU(x: readonly number[], y: readonly number[], method: 'auto' | 'exact' | 'normal' = 'auto'): MannWhitneyResult {
  const nX = x.length;
  const nY = y.length;
  if (nX === 0 || nY === 0) throw new RangeError('Mann-Whitney U needs at least one observation in each sample');
  const { rankSumX, tieTerm } = ranks(x, y);
  const u = rankSumX - (nX * (nX + 1)) / 2;
  const exact = method === 'exact' || (method === 'auto' && nX < EXACT_BELOW && nY < EXACT_BELOW && tieTerm === 0);
  if (exact) {
    const dist = exactUDistribution(nX, nY);
    // P(U ≤ u) and P(U ≥ u); U is an integer without ties (with ties and method 'exact', round down and up).
    let lower = 0;
    let upper = 0;
    for (let k = 0; k < dist.length; k++) {
      if (k <= u) lower += dist[k] ?? 0;
      if (k >= u) upper += dist[k] ?? 0;
    }
    return { u, p: Math.min(1, 2 * Math.min(lower, upper)), method: 'exact', nX, nY };
  }
  const n = nX + nY;
  const centred = u - (nX * nY) / 2;
  const sigma = Math.sqrt(((nX * nY) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
  if (sigma === 0) return { u, p: 1, method: 'normal', nX, nY }; // every observation tied
  const z = (centred - Math.sign(centred) * 0.5) / sigma;
  return { u, p: Math.min(1, erfc(Math.abs(z) / Math.SQRT2)), method: 'normal', nX, nY };
}

/** Median of a non-empty list. */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Hodges-Lehmann estimate of the shift of x relative to y: the median of all pairwise differences x − y. */
export function hodgesLehmann(x: readonly number[], y: readonly number[]): number {
  if (x.length === 0 || y.length === 0) throw new RangeError('Hodges-Lehmann needs at least one observation in each sample');
  const diffs: number[] = [];
  for (const a of x) for (const b of y) diffs.push(a - b);
  return median(diffs);
}
