// The canary-vs-stable judge (Kayenta's method): each metric's canary series is compared with the stable
// version's over the stage's bake window by a Mann-Whitney U test and a tolerance on the Hodges-Lehmann
// shift, and classified Pass / High / Low / NoData; the stage gets the weighted share of passing metrics as
// its score. A critical metric failing fails the stage; too much NoData is Inconclusive.
import { hodgesLehmann, mannWhitneyU, median } from './rank-tests.js';

export const JUDGE_METRICS = ['errorRate', 'p50Ms', 'p99Ms', 'successRate'] as const;
export type JudgeMetric = (typeof JUDGE_METRICS)[number];

/** Which way a metric may not move: a latency that falls or a success rate that rises is no failure. */
export type Direction = 'increase' | 'decrease' | 'either';

export interface MetricJudgeSettings {
  weight: number;
  critical: boolean;
  direction: Direction;
  /** The Hodges-Lehmann shift tolerated in the bad direction, as a fraction of the stable version's median. */
  tolerance: number;
  /** The shift tolerated however small the stable median is (an error rate of 0 would tolerate nothing). */
  minShift: number;
}

export interface CompareSettings {
  /** Significance level of the Mann-Whitney test. */
  alpha: number;
  /** Score (0–100) at or above which the stage passes. */
  passScore: number;
  /** Score at or above which (and below pass) the stage is marginal: Inconclusive, the operator decides. */
  marginalScore: number;
  /** Above this share of metric weight without data the stage is Inconclusive. */
  maxNoDataShare: number;
  /** Fewer points than this in either series is NoData. */
  minPoints: number;
  metrics: Record<JudgeMetric, MetricJudgeSettings>;
}

export const DEFAULT_COMPARE: CompareSettings = {
  alpha: 0.05,
  passScore: 95,
  marginalScore: 75,
  maxNoDataShare: 0.5,
  minPoints: 3,
  metrics: {
    // Rates from overlapping rate() windows are autocorrelated, which makes the test's p-value too small: by
    // hand, a healthy canary at 50 requests a second was "High" on a +0.12pp shift. Tolerate half a point.
    errorRate: { weight: 1, critical: false, direction: 'increase', tolerance: 0.1, minShift: 0.005 },
    p50Ms: { weight: 1, critical: false, direction: 'increase', tolerance: 0.1, minShift: 5 },
    p99Ms: { weight: 1, critical: false, direction: 'increase', tolerance: 0.1, minShift: 10 },
    // A success rate sits near 1: 10% of it would tolerate anything, so only the absolute floor counts.
    successRate: { weight: 1, critical: false, direction: 'decrease', tolerance: 0, minShift: 0.005 },
  },
};

/** Canary and stable series of one metric over the window (finite values only). */
export interface SeriesPair {
  canary: number[];
  stable: number[];
}

/** What the metric source measured for the comparison: the window and the metrics it has queries for. */
export interface ComparisonData {
  from: number;
  to: number;
  series: Partial<Record<JudgeMetric, SeriesPair>>;
}

export type Classification = 'Pass' | 'High' | 'Low' | 'NoData';

/** One metric's verdict with the statistics that decided it (recorded in the audit trail). */
export interface MetricVerdict {
  metric: JudgeMetric;
  classification: Classification;
  weight: number;
  critical: boolean;
  nCanary: number;
  nStable: number;
  u?: number;
  p?: number;
  method?: 'exact' | 'normal';
  /** Hodges-Lehmann estimate of canary − stable. */
  shift?: number;
  /** The shift tolerated in the metric's bad direction. */
  allowed?: number;
  canaryMedian?: number;
  stableMedian?: number;
}

export interface ComparisonResult {
  verdict: 'Pass' | 'Fail' | 'Inconclusive';
  /** Weighted share of passing metrics among those with data, 0–100 (0 when a critical metric fails). */
  score: number;
  reason: string;
  metrics: MetricVerdict[];
}

const round = (x: number, digits = 6): number => Number(x.toPrecision(digits));

export function classifyMetric(metric: JudgeMetric, pair: SeriesPair, settings: CompareSettings): MetricVerdict {
  const m = settings.metrics[metric];
  const base = { metric, weight: m.weight, critical: m.critical, nCanary: pair.canary.length, nStable: pair.stable.length };
  if (pair.canary.length < settings.minPoints || pair.stable.length < settings.minPoints) return { ...base, classification: 'NoData' };
  const test = mannWhitneyU(pair.canary, pair.stable);
  const shift = hodgesLehmann(pair.canary, pair.stable);
  const stableMedian = median(pair.stable);
  const allowed = Math.max(m.tolerance * Math.abs(stableMedian), m.minShift);
  const significant = test.p < settings.alpha;
  const high = significant && shift > allowed && m.direction !== 'decrease';
  const low = significant && shift < -allowed && m.direction !== 'increase';
  return {
    ...base,
    classification: high ? 'High' : low ? 'Low' : 'Pass',
    u: test.u,
    p: round(test.p),
    method: test.method,
    shift: round(shift),
    allowed: round(allowed),
    canaryMedian: round(median(pair.canary)),
    stableMedian: round(stableMedian),
  };
}

const NAMES: Record<JudgeMetric, string> = { errorRate: 'error_rate', p50Ms: 'p50', p99Ms: 'p99', successRate: 'success_rate' };
const isRate = (m: JudgeMetric): boolean => m === 'errorRate' || m === 'successRate';
const signed = (x: number, rate: boolean): string => `${x >= 0 ? '+' : ''}${rate ? `${(x * 100).toFixed(2)}pp` : `${x.toFixed(1)}ms`}`;

/** `p99 High (+98.0ms, p=0.0001, n=12/12)`: a metric's verdict in the words of a stage reason. */
export function describeMetric(v: MetricVerdict): string {
  const name = NAMES[v.metric];
  if (v.classification === 'NoData') return `${name} NoData (n=${v.nCanary}/${v.nStable})`;
  return `${name} ${v.classification} (${signed(v.shift ?? 0, isRate(v.metric))}, p=${(v.p ?? 1).toPrecision(2)}, n=${v.nCanary}/${v.nStable})`;
}

/** Judges a stage from its comparison data; `trafficPercent` names the stage in the reason. */
export function judgeComparison(data: ComparisonData, settings: CompareSettings, trafficPercent: number): ComparisonResult {
  const metrics = JUDGE_METRICS.flatMap((metric) => {
    const pair = data.series[metric];
    return pair ? [classifyMetric(metric, pair, settings)] : [];
  });
  const at = `at ${trafficPercent}%`;
  // Metrics that did not pass first, with their statistics; passing ones by name (the audit has them all),
  // so the reason still says what decided when a console cuts it short.
  const detail = [...metrics.filter((v) => v.classification !== 'Pass').map(describeMetric), ...metrics.filter((v) => v.classification === 'Pass').map((v) => `${NAMES[v.metric]} Pass`)].join(', ');
  const totalWeight = metrics.reduce((s, v) => s + v.weight, 0);
  const withData = metrics.filter((v) => v.classification !== 'NoData');
  const dataWeight = withData.reduce((s, v) => s + v.weight, 0);
  const passWeight = withData.filter((v) => v.classification === 'Pass').reduce((s, v) => s + v.weight, 0);
  const score = dataWeight > 0 ? round((100 * passWeight) / dataWeight, 4) : 0;
  const criticalFailure = withData.find((v) => v.critical && v.classification !== 'Pass');
  if (criticalFailure) return { verdict: 'Fail', score: 0, reason: `critical metric failed vs stable ${at}: ${detail}`, metrics };
  if (totalWeight === 0 || dataWeight === 0 || (totalWeight - dataWeight) / totalWeight > settings.maxNoDataShare) {
    return { verdict: 'Inconclusive', score, reason: `too little data to compare canary with stable ${at}: ${detail || 'no metric'}`, metrics };
  }
  const verdict = score >= settings.passScore ? 'Pass' : score >= settings.marginalScore ? 'Inconclusive' : 'Fail';
  const against = verdict === 'Pass' ? `>= ${settings.passScore}` : verdict === 'Inconclusive' ? `marginal (< ${settings.passScore}, >= ${settings.marginalScore})` : `< ${settings.marginalScore}`;
  return { verdict, score, reason: `canary vs stable score ${score} ${against} ${at}: ${detail}`, metrics };
}
