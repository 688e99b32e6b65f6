// Finished deployments in SQLite, searchable through the HNSW index: the engine's memory (Pillar 1).
import type { CatalogIndex } from '../domain/catalog.js';
import type { Embedder } from '../domain/embedding.js';
import type { ServiceEntry } from '../domain/catalog.js';
import { isLayered } from '../domain/text-embedding.js';
import type { LayeredEmbedder } from '../domain/text-embedding.js';
import type { FailureCounts } from '../domain/bayes.js';
import type { Neighbour } from '../domain/evidence.js';
import { isExecuted, isFailure } from '../domain/evidence.js';
import type { HistoryView } from '../domain/history.js';
import type { DeploymentRequest, HistoryRecord, Outcome } from '../domain/schemas.js';
import type { InputProblem } from '../io/input-error.js';
import type { Db } from './database.js';
import { DeploymentStore } from './deployment-store.js';
import type { OpenReport } from './vector-index.js';
import { blobToVector, VectorIndex, vectorToBlob } from './vector-index.js';

export interface ImportReport {
  imported: number;
  problems: InputProblem[];
}

export const IMPORT_BATCH = 1_000;

export class HistoryStore implements HistoryView {
  readonly index: VectorIndex;
  readonly indexReport: OpenReport;
  private readonly counts = new Map<string, FailureCounts>();
  private readonly fleet: FailureCounts = { executed: 0, failures: 0 };
  private nextLabel: number;
  /** The `deployments` table's owner: imports, finishes and evidence lookups go through it. */
  private readonly rows: DeploymentStore;
  /** Neighbours by index label: every assessment looks up k of them, and a finished row never changes. */
  private readonly neighbours = new Map<number, Omit<Neighbour, 'similarity'>>();
  /** What the `vector` column holds: the embedder's structural part when it is layered (text on structure). */
  private readonly embedder: Embedder;
  private readonly layered: LayeredEmbedder | undefined;
  /**
   * Told of each deployment `finish` indexed, inside the caller's transaction: it must not wait or throw (the
   * live engine's text embeddings note a failure reason to embed once the transaction is over).
   */
  onIndexed: ((request: DeploymentRequest, failureReason: string | undefined) => void) | undefined;

  constructor(
    private readonly db: Db,
    private readonly catalog: CatalogIndex,
    embedder: Embedder,
    indexFile: string | undefined,
  ) {
    this.layered = isLayered(embedder) ? embedder : undefined;
    this.embedder = this.layered?.structural ?? embedder;
    this.rows = new DeploymentStore(db);
    this.nextLabel = this.reloadCounts();

    const derive = this.layered
      ? (label: number, stored: number[]): number[] => {
          const row = this.rows.evidenceByLabel(label);
          const request = JSON.parse(row?.request as string) as DeploymentRequest;
          return this.indexVector(stored, request, this.catalog.get(request.serviceId), row?.failure_reason ?? undefined);
        }
      : undefined;
    this.index = new VectorIndex(db, indexFile, embedder.dimensions, embedder.version, undefined, derive);
    this.indexReport = this.index.open();
  }

  /** The index's vector from a stored (float32) one: the same at a finish, a refresh and a rebuild. */
  private indexVector(stored: number[], request: DeploymentRequest, entry: ServiceEntry | undefined, failureReason: string | undefined): number[] {
    if (!this.layered) return stored;
    // A service gone from the catalog: no text to embed, the structure alone.
    if (!entry) return [...stored, ...new Array<number>(this.layered.dimensions - stored.length).fill(0)];
    return this.layered.fromStructural(stored, request, entry, failureReason);
  }

  /**
   * Derives an indexed deployment's vector again from SQLite (a text vector that arrived after it finished:
   * its failure reason's), as a rebuild would; false when it is not indexed (never, or its finish rolled back).
   */
  refresh(id: string): boolean {
    const label = this.rows.get(id)?.label ?? null;
    const row = label === null ? undefined : this.rows.evidenceByLabel(label);
    if (label === null || !row) return false;
    const request = JSON.parse(row.request) as DeploymentRequest;
    return this.index.replace(label, this.indexVector(Array.from(blobToVector(row.vector)), request, this.catalog.get(request.serviceId), row.failure_reason ?? undefined));
  }

  /** Failure counts from SQLite; returns the next free index label. */
  private reloadCounts(): number {
    this.neighbours.clear(); // labels may be handed out again after a rollback
    this.counts.clear();
    this.fleet.executed = 0;
    this.fleet.failures = 0;
    for (const [serviceId, outcome, n] of this.rows.executedCounts()) this.count(serviceId, outcome, n);
    return this.rows.nextLabel();
  }

  private count(serviceId: string, outcome: Outcome, n = 1): void {
    if (!isExecuted(outcome)) return;
    const failures = isFailure(outcome) ? n : 0;
    const c = this.counts.get(serviceId) ?? { executed: 0, failures: 0 };
    this.counts.set(serviceId, { executed: c.executed + n, failures: c.failures + failures });
    this.fleet.executed += n;
    this.fleet.failures += failures;
  }

  serviceCounts(serviceId: string): FailureCounts {
    return this.counts.get(serviceId) ?? { executed: 0, failures: 0 };
  }

  fleetCounts(): FailureCounts {
    return { ...this.fleet };
  }

  has(id: string): boolean {
    return this.rows.exists(id);
  }

  /** Inserts one finished deployment (inside the caller's transaction); executed ones are indexed. */
  private insert(record: HistoryRecord, source: string): void {
    const entry = this.catalog.get(record.request.serviceId);
    if (!entry) throw new Error(`unknown service "${record.request.serviceId}"`);
    const executed = isExecuted(record.outcome);
    // Stored as float32; the index gets the same rounded vector, so a rebuild from SQLite is identical.
    const vector = executed ? vectorToBlob(this.embedder.embed(record.request, entry)) : null;
    const label = executed ? this.nextLabel : null;
    this.rows.import({
      id: record.request.id,
      serviceId: record.request.serviceId,
      request: JSON.stringify(record.request),
      requestedAt: record.request.requestedAt,
      outcome: record.outcome,
      failureReason: record.failureReason ?? null,
      stoppedAtStage: record.stoppedAtStage ?? null,
      finishedAt: record.finishedAt,
      source,
      label,
      vector,
    });
    if (label !== null && vector) {
      this.index.add(label, this.indexVector(Array.from(blobToVector(vector)), record.request, entry, record.failureReason));
      this.nextLabel += 1;
    }
    this.count(record.request.serviceId, record.outcome);
  }

  /**
   * Imports validated records in transactions of IMPORT_BATCH. Unknown services and duplicate ids are
   * reported with their line and skipped; everything else lands. The index is persisted once at the end.
   */
  importRecords(
    file: string,
    records: ReadonlyArray<{ line: number; value: HistoryRecord }>,
    source = 'import',
    /** Runs inside each batch's transaction with the records it imported (the audit of the batch). */
    onBatch?: (imported: HistoryRecord[]) => void,
  ): ImportReport {
    const problems: InputProblem[] = [];
    let imported = 0;
    const seen = new Set<string>();
    for (let i = 0; i < records.length; i += IMPORT_BATCH) {
      const batch = records.slice(i, i + IMPORT_BATCH);
      try {
        this.db.transaction(() => {
          const landed: HistoryRecord[] = [];
          for (const { line, value } of batch) {
            const id = value.request.id;
            if (!this.catalog.get(value.request.serviceId)) {
              problems.push({ file, line, field: 'request.serviceId', message: `unknown service "${value.request.serviceId}"`, raw: JSON.stringify(value).slice(0, 500) });
            } else if (seen.has(id) || this.has(id)) {
              problems.push({ file, line, field: 'request.id', message: `duplicate deployment id "${id}"`, raw: JSON.stringify(value).slice(0, 500) });
            } else {
              this.insert(value, source);
              seen.add(id);
              landed.push(value);
            }
          }
          if (landed.length > 0) onBatch?.(landed);
          imported += landed.length;
        }).immediate();
      } catch (error) {
        // The batch rolled back: counts, labels and index follow the database again.
        this.nextLabel = this.reloadCounts();
        this.index.open();
        throw error;
      }
    }
    this.index.persist();
    return { imported, problems };
  }

  /**
   * After the caller's transaction failed: counts and labels follow the database again, and the labels
   * handed out since are withdrawn from the index (a later finish gives them out again).
   */
  resync(): void {
    this.nextLabel = this.reloadCounts();
    this.index.withdrawFrom(this.nextLabel);
  }

  /**
   * Marks a deployment the engine ran as finished (inside the caller's transaction): its outcome, and for
   * executed ones an index label and vector, so later assessments find it.
   */
  finish(request: DeploymentRequest, outcome: Outcome, finishedAt: string, failureReason: string | undefined, stoppedAtStage: number | undefined): void {
    const entry = this.catalog.get(request.serviceId);
    const executed = isExecuted(outcome) && entry !== undefined;
    const vector = executed ? vectorToBlob(this.embedder.embed(request, entry)) : null;
    const label = executed ? this.nextLabel : null;
    this.rows.finish({ id: request.id, outcome, finishedAt, failureReason: failureReason ?? null, stoppedAtStage: stoppedAtStage ?? null, label, vector });
    if (label !== null && vector) {
      this.index.add(label, this.indexVector(Array.from(blobToVector(vector)), request, entry, failureReason));
      this.nextLabel += 1;
      this.onIndexed?.(request, failureReason);
    }
    this.count(request.serviceId, outcome);
  }

  nearest(vector: readonly number[], k: number): Neighbour[] {
    return this.index.search(vector, k).flatMap(({ label, similarity }) => this.nearestByLabel(label, similarity));
  }

  /** The deployment behind an index label, as a neighbour (empty if the label is unknown). */
  nearestByLabel(label: number, similarity: number): Neighbour[] {
    let known = this.neighbours.get(label);
    if (!known) {
      const row = this.rows.byLabel(label);
      if (!row?.outcome || row.finished_at === null) return [];
      known = { deploymentId: row.id, serviceId: row.service_id, outcome: row.outcome, finishedAt: row.finished_at, ...(row.failure_reason ? { failureReason: row.failure_reason } : {}) };
      this.neighbours.set(label, known);
    }
    return [{ ...known, similarity }];
  }
}
