// The baseline: a traditional pipeline with manual gates on the same workload. Every change waits for a
// change-approval gate and a manual verification window, then goes to 100% at once; manual QA catches some
// defects before production, the rest fail there.
import type { DeploymentRequest } from '../domain/schemas.js';
import type { Defect } from '../metrics/simulated-source.js';
import { SeededRandom } from './rng.js';

export const BASELINE = {
  gateMedianMinutes: 25,
  gateSigma: 0.7,
  pipelineMeanMinutes: 28,
  pipelineSdMinutes: 6,
  qaCatchRate: 0.3,
} as const;

export interface BaselineResult {
  cycleMinutes: number;
  outcome: 'succeeded' | 'rolled_back' | 'failed';
}

export function baselineRun(requests: readonly DeploymentRequest[], defects: ReadonlyMap<string, Defect>, seed: number): Map<string, BaselineResult> {
  const rng = new SeededRandom(seed ^ 0xba5e);
  const out = new Map<string, BaselineResult>();
  for (const r of requests) {
    const cycle = rng.logNormal(BASELINE.gateMedianMinutes, BASELINE.gateSigma) + Math.max(5, rng.normal(BASELINE.pipelineMeanMinutes, BASELINE.pipelineSdMinutes));
    const defective = defects.has(r.id);
    const outcome = !defective ? 'succeeded' : rng.chance(BASELINE.qaCatchRate) ? 'rolled_back' : 'failed';
    out.set(r.id, { cycleMinutes: cycle, outcome });
  }
  return out;
}
