// LEARNING autonomy: the level thresholds adapt from recorded outcomes, never more than ±0.05 from the
// configured defaults. Pure: the engine feeds outcomes in and audits every change that comes out.
import type { LevelThresholds } from './config.js';

export interface ScoredOutcome {
  score: number;
  failed: boolean;
}

export const LEARNING = {
  maxShift: 0.05,
  step: 0.01,
  /** Deployments just below a threshold (within this band) are the ones a move would reclassify. */
  band: 0.1,
  minSamples: 20,
} as const;

const round = (x: number): number => Math.round(x * 1000) / 1000;

/**
 * One adaptation step. For each threshold, the executed deployments scored just below it are the evidence:
 * if they failed at more than twice the overall rate (and at least 10%), the threshold comes down a step
 * (more of them get the stricter level); if they failed at less than half the overall rate, it goes up.
 */
export function adaptThresholds(current: LevelThresholds, defaults: LevelThresholds, outcomes: readonly ScoredOutcome[]): { levels: LevelThresholds; reasons: string[] } {
  const overall = outcomes.length ? outcomes.filter((o) => o.failed).length / outcomes.length : 0;
  const next = { ...current };
  const reasons: string[] = [];
  for (const key of ['medium', 'high', 'critical'] as const) {
    const t = current[key];
    const below = outcomes.filter((o) => o.score >= t - LEARNING.band && o.score < t);
    if (below.length < LEARNING.minSamples) continue;
    const rate = below.filter((o) => o.failed).length / below.length;
    let moved = t;
    if (rate > Math.max(0.1, 2 * overall)) moved = t - LEARNING.step;
    else if (rate < overall / 2) moved = t + LEARNING.step;
    moved = round(Math.min(defaults[key] + LEARNING.maxShift, Math.max(defaults[key] - LEARNING.maxShift, moved)));
    if (moved !== t) {
      next[key] = moved;
      reasons.push(`${key} ${t.toFixed(2)} → ${moved.toFixed(2)}: ${below.length} deployments just below failed at ${(rate * 100).toFixed(1)}% (overall ${(overall * 100).toFixed(1)}%)`);
    }
  }
  // Keep the levels in order whatever moved.
  if (!(next.medium < next.high && next.high < next.critical)) return { levels: current, reasons: [] };
  return { levels: next, reasons };
}
