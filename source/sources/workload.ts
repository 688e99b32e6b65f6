// The simulated world, generated up front from a seed: a fleet with tiers and dependencies, and requests
// arriving over weeks with realistic timing, change sizes and hidden defects. Parameters are documented in
// the README ("Simulator parameters"); changing one changes the study.
import type { DeploymentRequest, Service, Tier } from '../domain/schemas.js';
import type { Defect } from '../metrics/simulated-source.js';
import { SeededRandom } from './rng.js';

export const WORKLOAD = {
  tiers: [['critical', 0.15], ['high', 0.25], ['medium', 0.35], ['low', 0.25]] as ReadonlyArray<readonly [Tier, number]>,
  zones: ['UTC', 'America/New_York', 'Europe/Berlin', 'Europe/London', 'Asia/Kolkata'],
  exhaustedBudgetShare: 0.03,
  /** Fleet-wide requests per working day, per service. */
  requestsPerServiceDay: 1.5,
  offHoursShare: 0.12,
  weekendShare: 0.04,
  linesLog10: { mean: 1.8, sd: 0.7 },
  migrationRate: 0.08,
  configRate: 0.15,
  hotfixRate: 0.04,
  /** P(defect) = base + perComplexity × complexity + service flakiness (0..maxFlakiness) + hotfix bonus. */
  defect: { base: 0.02, perComplexity: 0.06, maxFlakiness: 0.03, hotfix: 0.04 },
  defectShowsFrom: [[1, 0.35], [5, 0.25], [25, 0.2], [50, 0.1], [100, 0.1]] as ReadonlyArray<readonly [number, number]>,
  providerErrorRate: 0.01,
  gapRate: 0.01,
} as const;

const WORDS = ['fix', 'refund', 'cache', 'timeout', 'retry', 'schema', 'auth', 'token', 'index', 'search', 'flag', 'rollout', 'billing', 'queue', 'pool', 'limit'];

export interface SimService extends Service {
  flakiness: number;
}

export interface Workload {
  services: SimService[];
  requests: DeploymentRequest[];
  defects: Map<string, Defect>;
}

export function generateWorkload(seed: number, count: number, serviceCount: number, start = Date.parse('2026-01-05T00:00:00Z')): Workload {
  // Days are counted from a Monday: move any start back to the Monday of its week.
  start -= ((new Date(start).getUTCDay() + 6) % 7) * 86_400_000;
  const rng = new SeededRandom(seed);
  const services: SimService[] = Array.from({ length: serviceCount }, (_, i) => {
    const tier = rng.weighted(WORKLOAD.tiers);
    const deps = i === 0 ? [] : [...new Set(Array.from({ length: rng.int(0, Math.min(3, i)) }, () => `svc-${String(rng.int(0, i - 1)).padStart(3, '0')}`))];
    return {
      id: `svc-${String(i).padStart(3, '0')}`,
      name: `${rng.pick(WORDS)}-${rng.pick(WORDS)} service`,
      tier,
      dependencies: deps,
      timezone: rng.pick(WORKLOAD.zones),
      errorBudgetRemaining: rng.chance(WORKLOAD.exhaustedBudgetShare) ? 0 : 0.05 + 0.95 * rng.next(),
      health: { errorRate: 0.0005 + 0.006 * rng.next(), p50Ms: 10 + rng.int(0, 80), p99Ms: 80 + rng.int(0, 400), availability: 0.995 + 0.005 * rng.next() },
      flakiness: WORKLOAD.defect.maxFlakiness * rng.next(),
    };
  });
  const perDay = Math.max(1, serviceCount * WORKLOAD.requestsPerServiceDay);
  const requests: DeploymentRequest[] = [];
  const defects = new Map<string, Defect>();
  for (let i = 0; i < count; i++) {
    const day = Math.floor(i / perDay);
    // Working days Monday–Friday; a few requests land at night or on the weekend.
    const week = Math.floor(day / 5);
    let dayOffset = week * 7 + (day % 5);
    let minute: number;
    const roll = rng.next();
    if (roll < WORKLOAD.weekendShare) {
      dayOffset = week * 7 + 5 + rng.int(0, 1);
      minute = rng.int(0, 24 * 60 - 1);
    } else if (roll < WORKLOAD.weekendShare + WORKLOAD.offHoursShare) minute = rng.pick([rng.int(0, 7 * 60), rng.int(19 * 60, 24 * 60 - 1)]);
    else minute = rng.int(8 * 60, 18 * 60 - 1);
    const service = rng.pick(services);
    const lines = Math.max(1, Math.round(10 ** rng.normal(WORKLOAD.linesLog10.mean, WORKLOAD.linesLog10.sd)));
    const change = {
      linesChanged: lines,
      filesChanged: Math.max(1, Math.round(lines / 40 + rng.int(0, 3))),
      dbMigration: rng.chance(WORKLOAD.migrationRate),
      configChange: rng.chance(WORKLOAD.configRate),
      hotfix: rng.chance(WORKLOAD.hotfixRate),
      summary: `${rng.pick(WORDS)} ${rng.pick(WORDS)} ${rng.pick(WORDS)}`,
    };
    const id = `dep-${String(i).padStart(6, '0')}`;
    requests.push({
      id,
      serviceId: service.id,
      version: `1.${Math.floor(i / 100)}.${i % 100}`,
      requestedBy: `ci@${service.id}`,
      requestedAt: new Date(start + dayOffset * 86_400_000 + minute * 60_000 + rng.int(0, 59) * 1000).toISOString(),
      change,
    });
    const complexity = Math.min(1, Math.log10(1 + lines) / 4 + (change.dbMigration ? 0.2 : 0));
    const p = WORKLOAD.defect.base + WORKLOAD.defect.perComplexity * complexity + service.flakiness + (change.hotfix ? WORKLOAD.defect.hotfix : 0);
    if (rng.chance(p)) {
      const metric = rng.chance(0.6) ? 'errorRate' : 'p99Ms';
      defects.set(id, { fromPercent: rng.weighted(WORKLOAD.defectShowsFrom), metric, value: metric === 'errorRate' ? 0.015 + 0.065 * rng.next() : 600 + 900 * rng.next() });
    }
  }
  requests.sort((a, b) => a.requestedAt.localeCompare(b.requestedAt) || a.id.localeCompare(b.id));
  return { services, requests, defects };
}
