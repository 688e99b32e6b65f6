// Canary stage analysis with Argo Rollouts' semantics (SPEC.md Pillar 3): each sample is a measurement;
// a provider error is not a failure; no data while the canary takes traffic is never a pass.
import type { Slo } from './schemas.js';
import type { CompareSettings, ComparisonData, ComparisonResult } from './canary-judge.js';
import { judgeComparison } from './canary-judge.js';

export interface MetricSample {
  /** Epoch ms when taken. */
  at: number;
  /** Absent metrics are a gap (no data), not zero. */
  errorRate?: number;
  p50Ms?: number;
  p99Ms?: number;
  successRate?: number;
  /** The provider failed to answer: counts toward consecutiveErrorLimit, not failureLimit. */
  providerError?: string;
  /** Canary and stable series over the bake window, taken with the stage's last sample when the judge compares. */
  comparison?: ComparisonData;
}

export type Verdict = 'Pass' | 'Fail' | 'Inconclusive' | 'Error' | 'NoData';

export interface AnalysisLimits {
  failureLimit: number;
  consecutiveErrorLimit: number;
  minSamples: number;
}

export interface StageAnalysis {
  verdict: Verdict;
  /** For Fail: `error_rate 2.3% > 1.0% at 25%`; for others, why. */
  reason: string;
  measurements: { pass: number; fail: number; error: number; noData: number; comparison?: ComparisonResult };
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
const ms = (x: number): string => `${Math.round(x)}ms`;

/** The first SLO breach in a sample, named with metric, value and threshold. */
export function breach(sample: MetricSample, slo: Slo): string | undefined {
  const { errorRate, p50Ms, p99Ms, successRate } = sample;
  if (errorRate !== undefined && (!Number.isFinite(errorRate) || errorRate > slo.errorRate)) return `error_rate ${pct(errorRate)} > ${pct(slo.errorRate)}`;
  if (p99Ms !== undefined && (!Number.isFinite(p99Ms) || p99Ms > slo.p99Ms)) return `p99 ${ms(p99Ms)} > ${ms(slo.p99Ms)}`;
  if (p50Ms !== undefined && (!Number.isFinite(p50Ms) || p50Ms > slo.p50Ms)) return `p50 ${ms(p50Ms)} > ${ms(slo.p50Ms)}`;
  if (successRate !== undefined && (!Number.isFinite(successRate) || successRate < slo.successRate)) return `success_rate ${pct(successRate)} < ${pct(slo.successRate)}`;
  return undefined;
}

const hasData = (s: MetricSample): boolean => s.errorRate !== undefined || s.p50Ms !== undefined || s.p99Ms !== undefined || s.successRate !== undefined;

/**
 * Analyses a stage's samples in order; `trafficPercent` names the stage in reasons. With `compare` (the
 * canary-vs-stable judge) the SLO thresholds still fail a sample at once, and a stage that passes them is
 * then judged by its latest comparison: without one it is Inconclusive.
 */
export function analyseStage(samples: readonly MetricSample[], slo: Slo, limits: AnalysisLimits, trafficPercent: number, compare?: CompareSettings): StageAnalysis {
  const byThreshold = analyseThresholds(samples, slo, limits, trafficPercent);
  if (!compare || byThreshold.verdict !== 'Pass') return byThreshold;
  const data = samples.findLast((s) => s.comparison !== undefined)?.comparison;
  if (!data) return { ...byThreshold, verdict: 'Inconclusive', reason: `no canary-vs-stable comparison at ${trafficPercent}%` };
  const comparison = judgeComparison(data, compare, trafficPercent);
  return { verdict: comparison.verdict, reason: comparison.reason, measurements: { ...byThreshold.measurements, comparison } };
}

function analyseThresholds(samples: readonly MetricSample[], slo: Slo, limits: AnalysisLimits, trafficPercent: number): StageAnalysis {
  const m = { pass: 0, fail: 0, error: 0, noData: 0 };
  let consecutiveErrors = 0;
  const at = `at ${trafficPercent}%`;
  for (const s of samples) {
    if (s.providerError !== undefined) {
      m.error += 1;
      consecutiveErrors += 1;
      if (consecutiveErrors > limits.consecutiveErrorLimit) {
        return { verdict: 'Error', reason: `metric provider failed ${consecutiveErrors} times in a row ${at}: ${s.providerError}`, measurements: m };
      }
      continue;
    }
    consecutiveErrors = 0;
    if (!hasData(s)) {
      m.noData += 1;
      continue;
    }
    const broke = breach(s, slo);
    if (broke) {
      m.fail += 1;
      if (m.fail > limits.failureLimit) return { verdict: 'Fail', reason: `${broke} ${at}`, measurements: m };
    } else m.pass += 1;
  }
  if (m.pass === 0 && m.fail === 0) return { verdict: 'Inconclusive', reason: `no data ${at} (${m.noData} gaps, ${m.error} provider errors)`, measurements: m };
  if (m.pass < limits.minSamples) return { verdict: 'Inconclusive', reason: `${m.pass} good samples ${at}, ${limits.minSamples} needed`, measurements: m };
  return { verdict: 'Pass', reason: `${m.pass} samples within SLO ${at}`, measurements: m };
}
