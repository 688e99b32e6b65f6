// Seeded random requests and fleets for benchmarks (pure-rand: the same seed, the same workload).
import prand from 'pure-rand';
import type { DeploymentRequest, Service, Tier } from '../source/domain/schemas.js';

const TIERS: Tier[] = ['critical', 'high', 'medium', 'low'];
const ZONES = ['UTC', 'America/New_York', 'Europe/Berlin', 'Asia/Kolkata'];
const WORDS = ['fix', 'refund', 'cache', 'timeout', 'retry', 'schema', 'auth', 'token', 'index', 'search', 'flag', 'rollout'];

export class Rng {
  private g: prand.RandomGenerator;
  constructor(seed: number) {
    this.g = prand.xoroshiro128plus(seed);
  }
  int(min: number, max: number): number {
    return prand.unsafeUniformIntDistribution(min, max, this.g);
  }
  float(): number {
    return this.int(0, 1_000_000) / 1_000_000;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(0, xs.length - 1)] as T;
  }
}

export function randomFleet(rng: Rng, n: number): Service[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `svc-${i}`,
    name: `Service ${i} ${rng.pick(WORDS)}`,
    tier: rng.pick(TIERS),
    // Only earlier services, so the graph has no cycle.
    dependencies: i === 0 ? [] : Array.from(new Set(Array.from({ length: rng.int(0, 3) }, () => `svc-${rng.int(0, i - 1)}`))),
    timezone: rng.pick(ZONES),
    errorBudgetRemaining: rng.float(),
    health: { errorRate: rng.float() * 0.02, p50Ms: rng.int(5, 200), p99Ms: rng.int(50, 2000), availability: 0.99 + rng.float() * 0.01 },
  }));
}

const START = Date.parse('2026-01-05T00:00:00Z');

export function randomRequest(rng: Rng, i: number, services: readonly Service[]): DeploymentRequest {
  return {
    id: `req-${i}`,
    serviceId: rng.pick(services).id,
    version: `1.${rng.int(0, 99)}.${rng.int(0, 99)}`,
    requestedBy: rng.pick(['ci', 'alice', 'bob', 'carol']),
    requestedAt: new Date(START + rng.int(0, 365 * 24 * 60) * 60_000).toISOString(),
    change: {
      linesChanged: Math.round(10 ** (rng.float() * 4)),
      filesChanged: rng.int(1, 60),
      dbMigration: rng.float() < 0.1,
      configChange: rng.float() < 0.2,
      hotfix: rng.float() < 0.05,
      summary: `${rng.pick(WORDS)} ${rng.pick(WORDS)} ${rng.pick(WORDS)}`,
    },
  };
}
