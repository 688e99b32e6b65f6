// History as it stood when each recorded deployment was requested, for replaying decisions: finished
// deployments are added in the order they finished, searched through an in-memory HNSW index (the engine's
// parameters), with failure counts kept alongside. One nearest-neighbour search per request is shared by the
// two configurations compared, so a difference in decisions comes from the configuration alone.
import hnsw from 'hnswlib-node';
import type { FailureCounts } from '../domain/bayes.js';
import type { CatalogIndex } from '../domain/catalog.js';
import type { Embedder } from '../domain/embedding.js';
import { evidenceVector } from '../domain/embedding.js';
import type { Neighbour } from '../domain/evidence.js';
import { isExecuted, isFailure } from '../domain/evidence.js';
import type { HistoryView } from '../domain/history.js';
import type { HistoryRecord } from '../domain/schemas.js';
import { HNSW_PARAMS } from '../store/vector-index.js';

export class ReplayHistory implements HistoryView {
  private readonly index: hnsw.HierarchicalNSW;
  private readonly neighbours: Array<Omit<Neighbour, 'similarity'>> = [];
  private readonly perService = new Map<string, FailureCounts>();
  private readonly fleet: FailureCounts = { executed: 0, failures: 0 };
  /** The last search, reused while the same vector is asked again (the second configuration). */
  private last: { vector: readonly number[]; k: number; result: Neighbour[] } | undefined;

  constructor(private readonly catalog: CatalogIndex, private readonly embedder: Embedder, capacity: number) {
    this.index = new hnsw.HierarchicalNSW('cosine', embedder.dimensions);
    this.index.initIndex(Math.max(16, capacity), HNSW_PARAMS.M, HNSW_PARAMS.efConstruction, HNSW_PARAMS.seed);
    this.index.setEf(HNSW_PARAMS.ef);
  }

  /** A deployment that finished: executed ones become searchable and count. */
  add(record: HistoryRecord): void {
    const entry = this.catalog.get(record.request.serviceId);
    if (!entry || !isExecuted(record.outcome)) return;
    const failed = isFailure(record.outcome) ? 1 : 0;
    const c = this.perService.get(entry.service.id) ?? { executed: 0, failures: 0 };
    this.perService.set(entry.service.id, { executed: c.executed + 1, failures: c.failures + failed });
    this.fleet.executed += 1;
    this.fleet.failures += failed;
    if (this.index.getCurrentCount() >= this.index.getMaxElements()) this.index.resizeIndex(this.index.getMaxElements() * 2);
    // Float32-rounded, as the engine's index stores them.
    this.index.addPoint(evidenceVector(this.embedder, record.request, entry, record.failureReason).map(Math.fround), this.neighbours.length);
    this.neighbours.push({
      deploymentId: record.request.id,
      serviceId: record.request.serviceId,
      outcome: record.outcome,
      finishedAt: record.finishedAt,
      ...(record.failureReason ? { failureReason: record.failureReason } : {}),
    });
    this.last = undefined;
  }

  serviceCounts(serviceId: string): FailureCounts {
    return this.perService.get(serviceId) ?? { executed: 0, failures: 0 };
  }

  fleetCounts(): FailureCounts {
    return { ...this.fleet };
  }

  nearest(vector: readonly number[], k: number): Neighbour[] {
    const l = this.last;
    if (l && l.k === k && l.vector.length === vector.length && l.vector.every((x, i) => x === vector[i])) return l.result;
    const n = Math.min(k, this.neighbours.length);
    const result: Neighbour[] = [];
    if (n > 0) {
      const { neighbors, distances } = this.index.searchKnn(vector as number[], n);
      for (let i = 0; i < neighbors.length; i++) {
        const nb = this.neighbours[neighbors[i] as number];
        if (!nb) continue;
        const n: Neighbour = { deploymentId: nb.deploymentId, serviceId: nb.serviceId, similarity: 1 - (distances[i] ?? 1), outcome: nb.outcome, finishedAt: nb.finishedAt };
        if (nb.failureReason) n.failureReason = nb.failureReason;
        result.push(n);
      }
    }
    this.last = { vector, k, result };
    return result;
  }
}
