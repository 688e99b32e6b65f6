// The canary-vs-stable judge: classification by Mann-Whitney and the Hodges-Lehmann tolerance, weighted
// scores, critical metrics, NoData, and the thresholds (Kayenta's defaults, 95 / 75).
import { describe, expect, it } from 'vitest';
import { classifyMetric, DEFAULT_COMPARE, judgeComparison } from '../../source/domain/canary-judge.js';
import type { CompareSettings, SeriesPair } from '../../source/domain/canary-judge.js';
import { analyseStage } from '../../source/domain/slo.js';
import { stageDoneAt } from '../../source/machines/stage-samples.js';

const stableLatency = [200, 204, 198, 201, 199, 203, 202, 197, 200, 205, 196, 201];
const shifted = (xs: number[], by: number): number[] => xs.map((x) => x + by);
const pair = (canary: number[], stable: number[]): SeriesPair => ({ canary, stable });

describe('classifyMetric', () => {
  it('a canary 100 ms slower than stable is High, with U, p, shift and n', () => {
    const v = classifyMetric('p99Ms', pair(shifted(stableLatency, 100), stableLatency), DEFAULT_COMPARE);
    expect(v.classification).toBe('High');
    expect(v.u).toBe(144); // every canary point above every stable point
    expect(v.p).toBeLessThan(1e-4);
    expect(v.shift).toBe(100);
    expect(v.nCanary).toBe(12);
    expect(v.nStable).toBe(12);
    expect(v.allowed).toBeCloseTo(20.05, 6); // 10% of the stable median
  });

  it('a significant shift inside the tolerance passes; so does a big but insignificant one', () => {
    expect(classifyMetric('p99Ms', pair(shifted(stableLatency, 8), stableLatency), DEFAULT_COMPARE).classification).toBe('Pass');
    const noisy = classifyMetric('p99Ms', pair([100, 900, 150, 800], [120, 700, 200, 600]), DEFAULT_COMPARE);
    expect(noisy.classification).toBe('Pass');
    expect(noisy.p).toBeGreaterThan(0.05);
  });

  it('direction: a faster canary is not a failure, a lower success rate is Low', () => {
    expect(classifyMetric('p99Ms', pair(shifted(stableLatency, -100), stableLatency), DEFAULT_COMPARE).classification).toBe('Pass');
    const stable = [0.999, 0.998, 0.999, 0.997, 0.999, 0.998];
    expect(classifyMetric('successRate', pair(stable.map((x) => x - 0.05), stable), DEFAULT_COMPARE).classification).toBe('Low');
    expect(classifyMetric('successRate', pair(stable.map((x) => x - 0.003), stable), DEFAULT_COMPARE).classification).toBe('Pass'); // inside 0.5pp
    const either: CompareSettings = { ...DEFAULT_COMPARE, metrics: { ...DEFAULT_COMPARE.metrics, p99Ms: { ...DEFAULT_COMPARE.metrics.p99Ms, direction: 'either' } } };
    expect(classifyMetric('p99Ms', pair(shifted(stableLatency, -100), stableLatency), either).classification).toBe('Low');
  });

  it('an error rate of zero on stable tolerates the minimum shift, not nothing', () => {
    const zeros = [0, 0, 0, 0, 0, 0];
    expect(classifyMetric('errorRate', pair([0.0022, 0.0033, 0.0021, 0.0032, 0.0044, 0.0033], zeros), DEFAULT_COMPARE).classification).toBe('Pass');
    expect(classifyMetric('errorRate', pair([0.02, 0.03, 0.025, 0.021, 0.04, 0.03], zeros), DEFAULT_COMPARE).classification).toBe('High');
  });

  it('fewer points than minPoints on either side is NoData', () => {
    expect(classifyMetric('p99Ms', pair([300, 301], stableLatency), DEFAULT_COMPARE).classification).toBe('NoData');
  });
});

describe('judgeComparison', () => {
  const healthy = { errorRate: pair([0.001, 0.002, 0.001, 0.0015], [0.001, 0.0015, 0.002, 0.001]), p99Ms: pair(shifted(stableLatency, 2), stableLatency) };

  it('all metrics pass: score 100, Pass', () => {
    const r = judgeComparison({ from: 0, to: 1, series: healthy }, DEFAULT_COMPARE, 25);
    expect(r.verdict).toBe('Pass');
    expect(r.score).toBe(100);
    expect(r.reason).toBe('canary vs stable score 100 >= 95 at 25%: error_rate Pass, p99 Pass');
  });

  it('one of two metrics High: score 50 < 75 fails, naming the metric, its shift and p', () => {
    const r = judgeComparison({ from: 0, to: 1, series: { ...healthy, p99Ms: pair(shifted(stableLatency, 100), stableLatency) } }, DEFAULT_COMPARE, 25);
    expect(r.verdict).toBe('Fail');
    expect(r.score).toBe(50);
    expect(r.reason).toContain('score 50 < 75 at 25%');
    expect(r.reason).toMatch(/: p99 High \(\+100\.0ms, p=[0-9.e-]+, n=12\/12\), error_rate Pass$/);
  });

  it('weights: a failing metric of weight 1 among weight 4 + 1 scores 80, marginal: Inconclusive', () => {
    const settings: CompareSettings = { ...DEFAULT_COMPARE, metrics: { ...DEFAULT_COMPARE.metrics, errorRate: { ...DEFAULT_COMPARE.metrics.errorRate, weight: 4 } } };
    const r = judgeComparison({ from: 0, to: 1, series: { ...healthy, p99Ms: pair(shifted(stableLatency, 100), stableLatency) } }, settings, 5);
    expect(r.score).toBe(80);
    expect(r.verdict).toBe('Inconclusive');
    expect(r.reason).toContain('marginal');
  });

  it('a critical metric failing fails the stage whatever the score', () => {
    const settings: CompareSettings = { ...DEFAULT_COMPARE, metrics: { ...DEFAULT_COMPARE.metrics, p99Ms: { ...DEFAULT_COMPARE.metrics.p99Ms, critical: true, weight: 0.01 } } };
    const r = judgeComparison({ from: 0, to: 1, series: { ...healthy, p99Ms: pair(shifted(stableLatency, 100), stableLatency) } }, settings, 50);
    expect(r.verdict).toBe('Fail');
    expect(r.score).toBe(0);
    expect(r.reason).toMatch(/^critical metric failed vs stable at 50%: p99 High/);
  });

  it('too much NoData is Inconclusive, and no metric at all too', () => {
    const r = judgeComparison({ from: 0, to: 1, series: { errorRate: pair([], []), p50Ms: pair([1], [1]), p99Ms: healthy.p99Ms } }, DEFAULT_COMPARE, 1);
    expect(r.verdict).toBe('Inconclusive');
    expect(r.reason).toMatch(/too little data/);
    expect(judgeComparison({ from: 0, to: 1, series: {} }, DEFAULT_COMPARE, 1).verdict).toBe('Inconclusive');
  });
});

describe('analyseStage with the compare judge', () => {
  const slo = { errorRate: 0.01, p50Ms: 100, p99Ms: 500, successRate: 0.99 };
  const limits = { failureLimit: 0, consecutiveErrorLimit: 4, minSamples: 3 };
  const ok = (at: number) => ({ at, errorRate: 0.001, p99Ms: 300 });
  const slowComparison = { from: 0, to: 4, series: { p99Ms: pair(shifted(stableLatency, 100), stableLatency) } };

  it('thresholds alone pass a slow canary inside the SLO; compare fails it and records the statistics', () => {
    const samples = [ok(1), ok(2), { ...ok(3), comparison: slowComparison }];
    expect(analyseStage(samples, slo, limits, 25).verdict).toBe('Pass');
    const judged = analyseStage(samples, slo, limits, 25, DEFAULT_COMPARE);
    expect(judged.verdict).toBe('Fail');
    expect(judged.measurements.pass).toBe(3);
    expect(judged.measurements.comparison?.metrics[0]).toMatchObject({ metric: 'p99Ms', classification: 'High', u: 144, shift: 100, nCanary: 12, nStable: 12 });
  });

  it('an SLO breach still fails at once under compare; a stage without a comparison is Inconclusive', () => {
    expect(analyseStage([{ at: 1, errorRate: 0.2 }], slo, limits, 25, DEFAULT_COMPARE).reason).toBe('error_rate 20.0% > 1.0% at 25%');
    const none = analyseStage([ok(1), ok(2), ok(3)], slo, limits, 25, DEFAULT_COMPARE);
    expect(none.verdict).toBe('Inconclusive');
    expect(none.reason).toBe('no canary-vs-stable comparison at 25%');
  });
});

describe('a compare-judged stage ends on its comparison', () => {
  const window = (compare: CompareSettings | undefined) => ({
    plan: [1, 100], stage: 0, samples: [], nextSampleAt: 30, bakeUntil: 120,
    settings: { bakeMs: 120, sampleIntervalMs: 30, slo: { errorRate: 0.01, p50Ms: 100, p99Ms: 500, successRate: 0.99 }, limits: { failureLimit: 0, consecutiveErrorLimit: 4, minSamples: 3 }, ...(compare ? { compare } : {}) },
  });
  const ok = (at: number) => ({ at, errorRate: 0.001 });

  it('baked with enough samples is done under thresholds, but waits for a comparison under compare, up to the sample limit', () => {
    const samples = [ok(30), ok(60), ok(90), { at: 120, providerError: 'prometheus errorRate: timed out after 5000 ms' }];
    expect(stageDoneAt(window(undefined), samples, 120)).toBe(true);
    expect(stageDoneAt(window(DEFAULT_COMPARE), samples, 120)).toBe(false);
    const compared = [...samples, { ...ok(150), comparison: { from: 0, to: 150, series: {} } }];
    expect(stageDoneAt(window(DEFAULT_COMPARE), compared, 150)).toBe(true);
    const many = Array.from({ length: 12 }, (_, k) => ok(30 * (k + 1)));
    expect(stageDoneAt(window(DEFAULT_COMPARE), many, 360)).toBe(true); // 4 + 3 + 4 + 1 samples at most
    expect(analyseStage(many, window(DEFAULT_COMPARE).settings.slo, window(DEFAULT_COMPARE).settings.limits, 1, DEFAULT_COMPARE).verdict).toBe('Inconclusive');
  });
});
