// What the risk engine needs from history, and an in-memory implementation with exact search.
// store/ provides the same view over SQLite and an HNSW index.
import type { FailureCounts } from './bayes.js';
import type { Neighbour } from './evidence.js';
import { isExecuted, isFailure } from './evidence.js';
import type { HistoryRecord } from './schemas.js';
import type { CatalogIndex } from './catalog.js';
import type { Embedder } from './embedding.js';
import { cosine, evidenceVector } from './embedding.js';

export interface HistoryView {
  /** Executed deployments of one service and how many failed or rolled back. */
  serviceCounts(serviceId: string): FailureCounts;
  fleetCounts(): FailureCounts;
  /** The k most similar executed deployments to a query vector, most similar first. */
  nearest(vector: readonly number[], k: number): Neighbour[];
}

export const EMPTY_HISTORY: HistoryView = {
  serviceCounts: () => ({ executed: 0, failures: 0 }),
  fleetCounts: () => ({ executed: 0, failures: 0 }),
  nearest: () => [],
};

interface Stored {
  vector: Float64Array;
  neighbour: Omit<Neighbour, 'similarity'>;
}

/** Top k by similarity, exact: the reference the HNSW index is measured against. Ties keep insertion order. */
export function exactNearest<T extends { vector: ArrayLike<number> }>(items: readonly T[], query: ArrayLike<number>, k: number): Array<{ item: T; similarity: number }> {
  const top: Array<{ item: T; similarity: number }> = [];
  let floor = -Infinity;
  for (const item of items) {
    const similarity = cosine(query, item.vector);
    if (top.length === k && similarity <= floor) continue;
    // Insertion into a short sorted list: k is small (10), so this beats a heap.
    let i = top.length === k ? k - 1 : top.length;
    while (i > 0 && (top[i - 1] as { similarity: number }).similarity < similarity) {
      top[i] = top[i - 1] as { item: T; similarity: number };
      i--;
    }
    top[i] = { item, similarity };
    if (top.length === k) floor = (top[k - 1] as { similarity: number }).similarity;
  }
  return top;
}

export class InMemoryHistory implements HistoryView {
  private readonly items: Stored[] = [];
  private readonly perService = new Map<string, FailureCounts>();
  private readonly fleet: FailureCounts = { executed: 0, failures: 0 };

  constructor(private readonly catalog: CatalogIndex, private readonly embedder: Embedder) {}

  /** Adds a finished deployment; returns false when its service is not in the catalog or it never ran. */
  add(record: HistoryRecord): boolean {
    const entry = this.catalog.get(record.request.serviceId);
    if (!entry || !isExecuted(record.outcome)) return false;
    const failed = isFailure(record.outcome) ? 1 : 0;
    const counts = this.perService.get(entry.service.id) ?? { executed: 0, failures: 0 };
    this.perService.set(entry.service.id, { executed: counts.executed + 1, failures: counts.failures + failed });
    this.fleet.executed += 1;
    this.fleet.failures += failed;
    this.items.push({
      vector: Float64Array.from(evidenceVector(this.embedder, record.request, entry, record.failureReason)),
      neighbour: {
        deploymentId: record.request.id,
        serviceId: record.request.serviceId,
        outcome: record.outcome,
        finishedAt: record.finishedAt,
        ...(record.failureReason ? { failureReason: record.failureReason } : {}),
      },
    });
    return true;
  }

  serviceCounts(serviceId: string): FailureCounts {
    return this.perService.get(serviceId) ?? { executed: 0, failures: 0 };
  }

  fleetCounts(): FailureCounts {
    return { ...this.fleet };
  }

  nearest(vector: readonly number[], k: number): Neighbour[] {
    return exactNearest(this.items, vector, k).map(({ item, similarity }) => ({ ...item.neighbour, similarity }));
  }
}
