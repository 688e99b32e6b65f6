// Pillar 2: six factors in [0, 1] and their weighted sum (SPEC.md).
import type { FactorName, LevelThresholds, Weights } from './config.js';
import { FACTOR_NAMES } from './config.js';
import type { DeploymentRequest, Service, Slo, Tier } from './schemas.js';
import type { ServiceEntry } from './catalog.js';
import type { Evidence } from './evidence.js';
import type { FailurePosterior } from './bayes.js';
import type { LocalTime } from './local-time.js';

export const RISK_LEVELS = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

export interface Factor {
  name: FactorName;
  value: number;
  weight: number;
  contribution: number;
}

export interface RiskScore {
  score: number;
  level: RiskLevel;
  factors: Factor[];
}

export const clip = (x: number): number => (x < 0 ? 0 : x > 1 ? 1 : Number.isNaN(x) ? 1 : x);

const TIER_RISK: Record<Tier, number> = { critical: 1.0, high: 0.7, medium: 0.4, low: 0.1 };

export function tierFactor(tier: Tier): number {
  return TIER_RISK[tier];
}

/** 0.5·(1 − errorBudgetRemaining) + 0.5·clip(errorRate / slo.errorRate). */
export function healthFactor(service: Service, slo: Slo): number {
  const budget = clip(1 - service.errorBudgetRemaining);
  // An SLO of 0 errors means any error at all is a full breach.
  const burn = slo.errorRate > 0 ? clip(service.health.errorRate / slo.errorRate) : service.health.errorRate > 0 ? 1 : 0;
  return clip(0.5 * budget + 0.5 * burn);
}

/** clip(h / 0.25), h = (1 − c)·posterior + c·p̂. */
export function historicalFactor(posterior: FailurePosterior, evidence: Evidence): number {
  const c = evidence.confidence;
  const h = (1 - c) * posterior.mean + c * evidence.similarFailureRate;
  return clip(h / 0.25);
}

const LOG2_33 = Math.log2(33);
/** clip(log2(1 + dependents) / log2(33)), at least 0.7 when a critical service depends on it. */
export function blastRadiusFactor(entry: Pick<ServiceEntry, 'dependents' | 'criticalDependent'>): number {
  const v = clip(Math.log2(1 + entry.dependents.length) / LOG2_33);
  return entry.criticalDependent ? Math.max(0.7, v) : v;
}

export function complexityFactor(change: DeploymentRequest['change']): number {
  return clip(
    0.5 * clip(Math.log10(1 + change.linesChanged) / 4) +
      0.2 * clip(change.filesChanged / 50) +
      0.2 * (change.dbMigration ? 1 : 0) +
      0.1 * (change.configChange ? 1 : 0) +
      0.1 * (change.hotfix ? 1 : 0),
  );
}

const FRIDAY = 5;
/** Holiday 1.0; Friday ≥ 16:00 1.0; weekend 0.8; Friday ≥ 12:00 0.6; outside 08:00–18:00 0.5; else 0.1. */
export function timingFactor(t: LocalTime, holidays: ReadonlySet<string>): number {
  if (holidays.has(t.date)) return 1.0;
  if (t.weekday === FRIDAY && t.hour >= 16) return 1.0;
  if (t.weekday === 0 || t.weekday === 6) return 0.8;
  if (t.weekday === FRIDAY && t.hour >= 12) return 0.6;
  if (t.hour < 8 || t.hour >= 18) return 0.5;
  return 0.1;
}

export function levelFor(score: number, thresholds: LevelThresholds): RiskLevel {
  if (score >= thresholds.critical) return 'CRITICAL';
  if (score >= thresholds.high) return 'HIGH';
  if (score >= thresholds.medium) return 'MEDIUM';
  return 'LOW';
}

export function weightedScore(values: Record<FactorName, number>, weights: Weights, thresholds: LevelThresholds): RiskScore {
  let score = 0;
  const factors: Factor[] = FACTOR_NAMES.map((name) => {
    const value = values[name];
    const weight = weights[name];
    const contribution = value * weight;
    score += contribution;
    return { name, value, weight, contribution };
  });
  // Weights sum to 1 within 1e-9; keep the score inside [0, 1] despite rounding.
  score = clip(score);
  return { score, level: levelFor(score, thresholds), factors };
}
