// Simulated human approvers: latency, availability and judgement, by risk level and time of day.
import type { RiskLevel } from '../domain/risk.js';
import { localTime } from '../domain/local-time.js';
import { SeededRandom } from './rng.js';

export const APPROVERS = {
  people: ['approver-ana', 'approver-ben', 'approver-chen', 'approver-dara'],
  /** Median minutes to answer in working hours; off hours take offHoursFactor times longer. */
  medianMinutes: 12,
  sigma: 0.8,
  offHoursFactor: 3,
  neverAnswers: 0.03,
  rejectRate: { LOW: 0.04, MEDIUM: 0.05, HIGH: 0.12, CRITICAL: 0.25 } as Record<RiskLevel, number>,
} as const;

export interface HumanDecision {
  at: number;
  by: string;
  approve: boolean;
  reason: string;
}

export class SimulatedApprovers {
  private readonly rng: SeededRandom;
  constructor(seed: number) {
    this.rng = new SeededRandom(seed ^ 0x5eed);
  }

  /** When and how a person answers a gate opened at `at`, or undefined if nobody ever does. */
  decide(at: number, level: RiskLevel, timezone: string): HumanDecision | undefined {
    if (this.rng.chance(APPROVERS.neverAnswers)) return undefined;
    const t = localTime(at, timezone);
    const working = t.weekday >= 1 && t.weekday <= 5 && t.hour >= 8 && t.hour < 18;
    const minutes = this.rng.logNormal(APPROVERS.medianMinutes, APPROVERS.sigma) * (working ? 1 : APPROVERS.offHoursFactor);
    const approve = !this.rng.chance(APPROVERS.rejectRate[level]);
    return { at: at + Math.round(minutes * 60_000), by: this.rng.pick(APPROVERS.people), approve, reason: approve ? 'reviewed' : 'too risky right now' };
  }
}
