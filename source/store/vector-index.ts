// The HNSW index over executed deployments (hnswlib-node, cosine), persisted beside the database.
// SQLite is the source of truth: each indexed deployment has a label and its vector there, so the index is a
// cache that is rebuilt whenever its file is missing, corrupt (checksum), built by another embedder, or behind.
import hnsw from 'hnswlib-node';
import { createHash } from 'node:crypto';
import { chmodSync, closeSync, existsSync, openSync, readSync, renameSync } from 'node:fs';
import type { Db } from './database.js';
import { DeploymentStore } from './deployment-store.js';
import { getMeta, setMeta } from './database.js';

export const HNSW_PARAMS = { M: 16, efConstruction: 100, ef: 64, seed: 100 } as const;
const INITIAL_CAPACITY = 1_024;

export interface IndexHit {
  label: number;
  similarity: number;
}

export interface OpenReport {
  rebuilt: boolean;
  reason: string;
  count: number;
}

export const vectorToBlob = (v: readonly number[]): Buffer => Buffer.from(new Float32Array(v).buffer);
export const blobToVector = (b: Buffer): Float32Array => new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));

export class VectorIndex {
  private index: hnsw.HierarchicalNSW;
  private readonly rows: DeploymentStore;
  /** Every indexed vector, row by row, for exact search without touching SQLite. */
  private matrix = new Float32Array(0);
  private matrixLabels: number[] = [];
  /** Labels whose loaded vector differed from the one derived now (see addFromDb). */
  private refreshed = 0;

  constructor(
    private readonly db: Db,
    /** Where the index is persisted; undefined keeps it in memory only. */
    private readonly file: string | undefined,
    private readonly dimensions: number,
    private readonly embedderVersion: string,
    private readonly ef: number = HNSW_PARAMS.ef,
    /** The index's vector from the one stored in SQLite (a layered embedder adds text to stored structure). */
    private readonly derive?: (label: number, stored: number[]) => number[],
  ) {
    this.index = this.fresh(INITIAL_CAPACITY);
    this.rows = new DeploymentStore(db);
  }

  private remember(label: number, vector: readonly number[]): void {
    const row = this.matrixLabels.length;
    if ((row + 1) * this.dimensions > this.matrix.length) {
      const grown = new Float32Array(Math.max(1_024, row * 2) * this.dimensions);
      grown.set(this.matrix);
      this.matrix = grown;
    }
    this.setRow(row, vector);
    this.matrixLabels.push(label);
  }

  private setRow(row: number, vector: readonly number[]): void {
    // Normalised here, so exact search is a dot product.
    const norm = Math.sqrt(vector.reduce((s, x) => s + x * x, 0)) || 1;
    for (let i = 0; i < this.dimensions; i++) this.matrix[row * this.dimensions + i] = (vector[i] ?? 0) / norm;
  }

  /**
   * A label's vector derived again (a text vector that arrived after it was indexed). hnswlib's addPoint on a
   * label it holds updates that point in place (and one marked deleted comes back). False for an unknown label.
   */
  replace(label: number, vector: readonly number[]): boolean {
    const row = this.matrixLabels.lastIndexOf(label);
    if (row < 0) return false;
    if (vector.length !== this.dimensions) throw new Error(`index label ${label}: a vector of ${vector.length} dimensions, but the embedder ${this.embedderVersion} makes ${this.dimensions}`);
    this.index.addPoint(vector as number[], label);
    this.setRow(row, vector);
    return true;
  }

  /** Whether hnswlib holds this label with another vector than `vector` (it keeps them normalised, float32). */
  private holdsOther(label: number, vector: readonly number[]): boolean {
    let held: number[];
    try {
      held = this.index.getPoint(label);
    } catch {
      return true; // not held, or marked deleted
    }
    const norm = Math.sqrt(vector.reduce((s, x) => s + x * x, 0)) || 1;
    return held.length !== vector.length || held.some((x, i) => Math.abs(x - (vector[i] as number) / norm) > 1e-5);
  }

  private fresh(capacity: number): hnsw.HierarchicalNSW {
    const index = new hnsw.HierarchicalNSW('cosine', this.dimensions);
    index.initIndex(capacity, HNSW_PARAMS.M, HNSW_PARAMS.efConstruction, HNSW_PARAMS.seed);
    index.setEf(this.ef);
    return index;
  }

  get count(): number {
    return this.index.getCurrentCount();
  }

  private labelCount(): number {
    return this.rows.labelCount();
  }

  /** Loads the persisted index when it is sound and current, otherwise rebuilds it from SQLite. */
  open(): OpenReport {
    const expected = this.labelCount();
    this.refreshed = 0;
    const loaded = this.file ? this.tryLoad(expected) : { rebuild: 'in memory' };
    if ('rebuild' in loaded) this.rebuild(expected);
    // Persist whatever changed, so the next start loads instead of rebuilding.
    if ('rebuild' in loaded || loaded.caughtUp > 0 || this.refreshed > 0) this.persist();
    const refreshed = this.refreshed > 0 ? `, ${this.refreshed} vector${this.refreshed === 1 ? '' : 's'} derived anew` : '';
    return 'rebuild' in loaded
      ? { rebuilt: true, reason: loaded.rebuild, count: this.count }
      : { rebuilt: false, reason: `${loaded.caughtUp > 0 ? `loaded, caught up ${loaded.caughtUp}` : 'loaded'}${refreshed}`, count: this.count };
  }

  /** Loaded (and caught up with the database), or why it must be rebuilt. */
  private tryLoad(expected: number): { caughtUp: number } | { rebuild: string } {
    const file = this.file as string;
    if (!existsSync(file)) return { rebuild: 'index file missing' };
    if (getMeta(this.db, 'index_embedder') !== this.embedderVersion) return { rebuild: 'built by another embedder version' };
    // Checked before hnswlib reads it: a truncated or altered file must never reach native code.
    if (fileSha256(file) !== getMeta(this.db, 'index_sha256')) return { rebuild: 'index file corrupt (checksum mismatch)' };
    const index = new hnsw.HierarchicalNSW('cosine', this.dimensions);
    try {
      index.readIndexSync(file);
    } catch (error) {
      return { rebuild: `index file unreadable: ${String(error)}` };
    }
    index.setEf(this.ef);
    const have = index.getCurrentCount();
    if (have > expected) return { rebuild: `index ahead of the database (${have} > ${expected})` };
    this.index = index;
    // Behind (rows committed, index not yet persisted): add what the database has and the index lacks.
    this.matrixLabels = [];
    this.addFromDb(have, true);
    return { caughtUp: expected - have };
  }

  private rebuild(expected: number): void {
    this.index = this.fresh(Math.max(INITIAL_CAPACITY, Math.ceil(expected * 1.25)));
    this.matrixLabels = [];
    this.addFromDb(0, true);
  }

  /** Adds labels from `fromLabel` on; the exact-search matrix gets every label when `all` (a full load). */
  private addFromDb(fromLabel: number, all: boolean): void {
    for (const [label, blob] of this.rows.labelled(all ? 0 : fromLabel)) {
      const stored = Array.from(blobToVector(blob));
      const vector = this.derive ? this.derive(label, stored) : stored;
      // Never a vector of another size into hnswlib (native code): a clear error instead.
      if (vector.length !== this.dimensions) throw new Error(`index label ${label}: a vector of ${vector.length} dimensions, but the embedder ${this.embedderVersion} makes ${this.dimensions}`);
      if (label >= fromLabel) this.add(label, vector);
      else {
        this.remember(label, vector);
        // A loaded file may hold a vector derived before a text vector arrived (a failure reason embedded
        // after its deployment was indexed, or at a later start): it gets the one a rebuild would give.
        if (this.derive && this.holdsOther(label, vector)) {
          this.index.addPoint(vector, label);
          this.refreshed += 1;
        }
      }
    }
  }

  add(label: number, vector: readonly number[]): void {
    const capacity = this.index.getMaxElements();
    // Grow before the index is full: hnswlib throws on an insert past capacity.
    if (this.index.getCurrentCount() >= capacity) this.index.resizeIndex(Math.max(INITIAL_CAPACITY, capacity * 2));
    this.index.addPoint(vector as number[], label);
    this.remember(label, vector);
  }

  /**
   * Withdraws every label from `label` on (added in a transaction that rolled back). hnswlib keeps them
   * marked deleted; adding one of those labels again brings it back with its new vector.
   */
  withdrawFrom(label: number): void {
    while ((this.matrixLabels.at(-1) ?? -1) >= label) {
      this.index.markDelete(this.matrixLabels.pop() as number);
    }
  }

  search(vector: readonly number[], k: number): IndexHit[] {
    const n = Math.min(k, this.matrixLabels.length);
    if (n === 0) return [];
    const { neighbors, distances } = this.index.searchKnn(vector as number[], n);
    return neighbors.map((label, i) => ({ label, similarity: 1 - (distances[i] ?? 1) }));
  }

  /** Exact search over every stored vector: the reference for recall, and the fallback. Ties: lower label first. */
  exactSearch(vector: readonly number[], k: number): IndexHit[] {
    const d = this.dimensions;
    const norm = Math.sqrt(vector.reduce((s, x) => s + x * x, 0)) || 1;
    const q = Float32Array.from({ length: d }, (_, i) => (vector[i] ?? 0) / norm);
    const top: IndexHit[] = [];
    let floor = -Infinity;
    for (let row = 0; row < this.matrixLabels.length; row++) {
      let dot = 0;
      const base = row * d;
      for (let i = 0; i < d; i++) dot += (this.matrix[base + i] as number) * (q[i] as number);
      if (top.length === k && dot <= floor) continue;
      top.push({ label: this.matrixLabels[row] as number, similarity: dot });
      top.sort((a, b) => b.similarity - a.similarity || a.label - b.label);
      if (top.length > k) top.pop();
      if (top.length === k) floor = (top[k - 1] as IndexHit).similarity;
    }
    return top;
  }

  /** Writes the index atomically (temp file, then rename) and records its checksum and embedder. */
  persist(): void {
    if (!this.file) return;
    const tmp = `${this.file}.tmp`;
    this.index.writeIndexSync(tmp);
    chmodSync(tmp, 0o600);
    const sum = fileSha256(tmp);
    renameSync(tmp, this.file);
    this.db.transaction(() => {
      setMeta(this.db, 'index_sha256', sum);
      setMeta(this.db, 'index_embedder', this.embedderVersion);
      setMeta(this.db, 'index_count', String(this.count));
    })();
  }
}

/** SHA-256 of a file, read in 1 MiB chunks: an index of any size (2 GiB and up) is hashed without loading it. */
export function fileSha256(file: string): string {
  const hash = createHash('sha256');
  const chunk = Buffer.allocUnsafe(1 << 20);
  const fd = openSync(file, 'r');
  try {
    for (let n = readSync(fd, chunk, 0, chunk.length, null); n > 0; n = readSync(fd, chunk, 0, chunk.length, null)) hash.update(chunk.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}
