// Seeded finished deployments over a catalog, for store tests and benchmarks.
import type { HistoryRecord, Outcome, Service } from '../../source/domain/schemas.js';
import { randomRequest, Rng } from '../../bench/random-requests.js';

export function generateHistory(services: readonly Service[], n: number, seed = 1): HistoryRecord[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, (_, i) => {
    const request = randomRequest(rng, i, services);
    const roll = rng.float();
    const outcome: Outcome = roll < 0.06 ? 'rolled_back' : roll < 0.08 ? 'failed' : roll < 0.1 ? 'rejected' : 'succeeded';
    return {
      request: { ...request, id: `dep-${seed}-${i}` },
      outcome,
      finishedAt: new Date(Date.parse(request.requestedAt) + 30 * 60_000).toISOString(),
      ...(outcome === 'rolled_back' ? { failureReason: 'error_rate 2.3% > 1.0% at 25%' } : {}),
    };
  });
}
