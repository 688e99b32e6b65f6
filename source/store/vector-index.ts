// The HNSW index over executed deployments (hnswlib-node, cosine), persisted beside the database.
// SQLite is the source of truth: each indexed deployment has a label and its vector there, so the index is a
// cache that is rebuilt whenever its file is missing, corrupt (checksum), built by another embedder, or behind.
import hnsw from 'hnswlib-node';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, renameSync } from 'node:fs';
import type { Db } from './database.js';
import { getMeta, setMeta } from './database.js';

export const HNSW_PARAMS = { M: 16, efConstruction: 200, ef: 64, seed: 100 } as const;
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
  private readonly labelled;
  private readonly allVectors;

  constructor(
    private readonly db: Db,
    /** Where the index is persisted; undefined keeps it in memory only. */
    private readonly file: string | undefined,
    private readonly dimensions: number,
    private readonly embedderVersion: string,
    private readonly ef: number = HNSW_PARAMS.ef,
  ) {
    this.index = this.fresh(INITIAL_CAPACITY);
    this.labelled = db.prepare('SELECT label, vector FROM deployments WHERE label IS NOT NULL AND label >= ? ORDER BY label').raw(true);
    this.allVectors = db.prepare('SELECT label, vector FROM deployments WHERE label IS NOT NULL').raw(true);
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
    return this.db.prepare('SELECT count(*) FROM deployments WHERE label IS NOT NULL').pluck().get() as number;
  }

  /** Loads the persisted index when it is sound and current, otherwise rebuilds it from SQLite. */
  open(): OpenReport {
    const expected = this.labelCount();
    const why = this.file ? this.tryLoad(expected) : 'in memory';
    if (why === undefined) return { rebuilt: false, reason: 'loaded', count: this.count };
    this.rebuild(expected);
    return { rebuilt: true, reason: why, count: this.count };
  }

  /** undefined when loaded (and caught up); otherwise why it must be rebuilt. */
  private tryLoad(expected: number): string | undefined {
    const file = this.file as string;
    if (!existsSync(file)) return 'index file missing';
    if (getMeta(this.db, 'index_embedder') !== this.embedderVersion) return 'built by another embedder version';
    const bytes = readFileSync(file);
    // Checked before hnswlib reads it: a truncated or altered file must never reach native code.
    if (createHash('sha256').update(bytes).digest('hex') !== getMeta(this.db, 'index_sha256')) return 'index file corrupt (checksum mismatch)';
    const index = new hnsw.HierarchicalNSW('cosine', this.dimensions);
    try {
      index.readIndexSync(file);
    } catch (error) {
      return `index file unreadable: ${String(error)}`;
    }
    index.setEf(this.ef);
    const have = index.getCurrentCount();
    if (have > expected) return `index ahead of the database (${have} > ${expected})`;
    this.index = index;
    // Behind: add what the database has and the index lacks.
    if (have < expected) this.addFromDb(have);
    return undefined;
  }

  private rebuild(expected: number): void {
    this.index = this.fresh(Math.max(INITIAL_CAPACITY, Math.ceil(expected * 1.25)));
    this.addFromDb(0);
  }

  private addFromDb(fromLabel: number): void {
    for (const [label, blob] of this.labelled.iterate(fromLabel) as IterableIterator<[number, Buffer]>) this.add(label, Array.from(blobToVector(blob)));
  }

  add(label: number, vector: readonly number[]): void {
    const capacity = this.index.getMaxElements();
    if (this.index.getCurrentCount() >= capacity) this.index.resizeIndex(capacity * 2);
    this.index.addPoint(vector as number[], label);
  }

  search(vector: readonly number[], k: number): IndexHit[] {
    const n = Math.min(k, this.count);
    if (n === 0) return [];
    const { neighbors, distances } = this.index.searchKnn(vector as number[], n);
    return neighbors.map((label, i) => ({ label, similarity: 1 - (distances[i] ?? 1) }));
  }

  /** Exact search over every stored vector: the reference for recall, and the fallback. */
  exactSearch(vector: readonly number[], k: number): IndexHit[] {
    const norm = Math.sqrt(vector.reduce((s, x) => s + x * x, 0)) || 1;
    const top: IndexHit[] = [];
    for (const [label, blob] of this.allVectors.iterate() as IterableIterator<[number, Buffer]>) {
      const v = blobToVector(blob);
      let dot = 0;
      let vv = 0;
      for (let i = 0; i < v.length; i++) {
        const x = v[i] as number;
        dot += x * (vector[i] ?? 0);
        vv += x * x;
      }
      const similarity = dot / (norm * (Math.sqrt(vv) || 1));
      if (top.length < k || similarity > (top[top.length - 1] as IndexHit).similarity) {
        top.push({ label, similarity });
        top.sort((a, b) => b.similarity - a.similarity || a.label - b.label);
        if (top.length > k) top.pop();
      }
    }
    return top;
  }

  /** Writes the index atomically (temp file, then rename) and records its checksum and embedder. */
  persist(): void {
    if (!this.file) return;
    const tmp = `${this.file}.tmp`;
    this.index.writeIndexSync(tmp);
    chmodSync(tmp, 0o600);
    const sum = createHash('sha256').update(readFileSync(tmp)).digest('hex');
    renameSync(tmp, this.file);
    this.db.transaction(() => {
      setMeta(this.db, 'index_sha256', sum);
      setMeta(this.db, 'index_embedder', this.embedderVersion);
      setMeta(this.db, 'index_count', String(this.count));
    })();
  }
}
