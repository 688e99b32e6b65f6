// Which samples a canary stage takes and when it is decided: pure functions shared by the machine (which
// judges the samples it is given) and the engine (which knows when samples are due, and in simulation reads
// ahead to the one that decides the stage).
import type { AnalysisLimits, MetricSample, StageAnalysis } from '../domain/slo.js';
import { analyseStage } from '../domain/slo.js';
import type { Slo } from '../domain/schemas.js';
import type { CompareSettings } from '../domain/canary-judge.js';

export interface StageSettings {
  bakeMs: number;
  sampleIntervalMs: number;
  slo: Slo;
  limits: AnalysisLimits;
  /** The canary-vs-stable judge's settings; absent: the stage is judged by the SLO thresholds alone. */
  compare?: CompareSettings;
}

/** The part of a deployment's context that describes the stage in progress. */
export interface StageWindow {
  plan: number[];
  stage: number;
  samples: MetricSample[];
  nextSampleAt: number;
  bakeUntil: number;
  settings: StageSettings;
}

export const percentOf = (w: StageWindow): number => w.plan[w.stage] ?? 100;

/** At most this many samples per stage: the bake, then room to reach minSamples past errors. */
const maxSamples = (w: StageWindow): number =>
  Math.ceil(w.settings.bakeMs / w.settings.sampleIntervalMs) + w.settings.limits.minSamples + w.settings.limits.consecutiveErrorLimit + 1;

export const analyseSamples = (w: StageWindow, samples: readonly MetricSample[]): StageAnalysis =>
  analyseStage(samples, w.settings.slo, w.settings.limits, percentOf(w), w.settings.compare);

export const isFailing = (analysis: StageAnalysis): boolean => analysis.verdict === 'Fail' || analysis.verdict === 'Error';

/** Enough good samples, and under the compare judge a comparison (taken once the bake is over). */
const enoughSamples = (w: StageWindow, samples: readonly MetricSample[]): boolean =>
  samples.filter((s) => s.providerError === undefined).length >= w.settings.limits.minSamples &&
  (w.settings.compare === undefined || samples.some((s) => s.comparison !== undefined));

/** The stage has baked by `at` with enough samples, or has sampled as long as it may. */
export const stageDoneAt = (w: StageWindow, samples: readonly MetricSample[], at: number): boolean =>
  (at >= w.bakeUntil && enoughSamples(w, samples)) || samples.length >= maxSamples(w);

/** When the stage's next samples are due, up to `until`. */
export function sampleTimes(w: StageWindow, until: number): number[] {
  const times: number[] = [];
  const room = maxSamples(w) - w.samples.length;
  for (let t = w.nextSampleAt; t <= until && times.length < room; t += w.settings.sampleIntervalMs) times.push(t);
  return times;
}

/** The samples due at `now`: one when on time, several after a stall; the last is taken now. */
export function dueTimes(w: StageWindow, now: number): number[] {
  const times = sampleTimes(w, now);
  if (times.length > 0) times[times.length - 1] = now;
  return times;
}

/** Whether the stage is decided once it has `samples`, the last taken at `at`: a Fail or Error, or done. */
export const decidedBy = (w: StageWindow, samples: readonly MetricSample[], at: number): boolean =>
  isFailing(analyseSamples(w, samples)) || stageDoneAt(w, samples, at);

/**
 * How many of `batch` (the stage's next samples, in order) the stage takes: up to and including the first
 * that decides it, else all. Sample by sample or caught up in one batch, a stage ends at the same sample
 * with the same verdict.
 */
export function samplesTaken(w: StageWindow, batch: readonly MetricSample[]): number {
  const samples = [...w.samples];
  for (const [k, sample] of batch.entries()) {
    samples.push(sample);
    if (decidedBy(w, samples, sample.at)) return k + 1;
  }
  return batch.length;
}
