// The audit trail's RFC 9162 Merkle tree, kept in SQLite next to the hash chain (issue 16).
// Leaf i is the entry with seq i + 1; its leaf hash is SHA-256(0x00 ‖ canonical bytes).
// Stored: the hash of every complete subtree of 2^level entries with level ≥ BASE_LEVEL (table audit_merkle),
// written in the append's own transaction as each one completes: about one row per 32 entries, so the append
// stays fast. Below BASE_LEVEL, hashes come from the (at most 64) entries of one chunk, read and hashed when
// a root or proof needs them. A root or a proof then costs O(log n) row lookups plus one or two chunks.
// Nothing here is trusted by verification against a checkpoint: audit-consistency.ts recomputes from the bytes.
import type { Db } from './database.js';
import type { RangeHash } from '../domain/merkle.js';
import { AuditTampered } from './audit-tampered.js';
import { completeRootBinary, consistencyProof, EMPTY_ROOT, inclusionProof, leafHash, leafHashBinary, nodeHash, rangeHashFrom, rootOf } from '../domain/merkle.js';

export const BASE_LEVEL = 6;
export const CHUNK = 2 ** BASE_LEVEL;

const tableExists = (db: Db, name: string): boolean =>
  db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?").pluck().get(name) !== undefined;

export class MerkleLog {
  private readonly stored: boolean;
  private readonly getNodeStmt;
  private readonly insertNodeStmt;
  private readonly storedChunksStmt;
  private readonly leavesStmt;
  private readonly sizeStmt;

  constructor(private readonly db: Db) {
    // A database opened read-only before its migration has no table: everything is then computed from the entries.
    this.stored = tableExists(db, 'audit_merkle');
    this.getNodeStmt = this.stored ? db.prepare('SELECT hash FROM audit_merkle WHERE level = ? AND idx = ?').pluck() : null;
    this.insertNodeStmt = this.stored ? db.prepare('INSERT INTO audit_merkle (level, idx, hash) VALUES (?, ?, ?)') : null;
    this.storedChunksStmt = this.stored ? db.prepare(`SELECT coalesce(max(idx) + 1, 0) FROM audit_merkle WHERE level = ${BASE_LEVEL}`).pluck() : null;
    this.leavesStmt = db.prepare('SELECT canonical FROM audit WHERE seq > ? AND seq <= ? ORDER BY seq').pluck();
    this.sizeStmt = db.prepare('SELECT coalesce(max(seq), 0) FROM audit').pluck();
  }

  /** The number of entries: the current tree size. */
  size(): number {
    return this.sizeStmt.get() as number;
  }

  /**
   * The leaf hashes (binary strings) of the incomplete last chunk after this instance's last append, and the chain hash that
   * append ended on. The chain hash names the whole history: when the next append starts from it, nobody
   * else appended and nothing was rolled back since, and the cache is used instead of re-reading entries.
   */
  private tail: { size: number; head: Buffer; leaves: string[] } | undefined;

  /**
   * Called inside the append transaction once entries prevSize+1 … prevSize+bytes.length are inserted (the
   * chain went from `prevHead` to `newHead`): stores the subtrees they complete. A database made before the
   * tree existed is caught up first (backfill), once.
   */
  appended(prevSize: number, prevHead: Buffer, bytes: readonly Buffer[], newHead: Buffer): void {
    if (!this.insertNodeStmt) throw new Error('the audit Merkle tree table is missing: the database was not migrated');
    const first = Math.floor(prevSize / CHUNK) * CHUNK;
    let chunk = first / CHUNK;
    let leaves: string[];
    const tail = this.tail;
    // Cleared first, and copied: an append that fails halfway must leave no half-updated cache behind.
    this.tail = undefined;
    if (tail && tail.size === prevSize && tail.head.equals(prevHead)) leaves = [...tail.leaves];
    else {
      // One indexed lookup: a trail older than the tree is caught up here, by whichever append comes first.
      const storedChunks = this.storedChunksStmt?.get() as number;
      if (storedChunks > chunk) throw new AuditTampered(`the stored audit Merkle tree covers ${storedChunks * CHUNK} entries but the trail now has ${prevSize}: entries under it are gone`);
      if (storedChunks < chunk) this.backfill(storedChunks, chunk);
      leaves = first < prevSize ? (this.leavesStmt.all(first, prevSize) as Buffer[]).map(leafHashBinary) : [];
    }
    for (const b of bytes) {
      leaves.push(leafHashBinary(b));
      if (leaves.length === CHUNK) {
        this.storeChunk(chunk++, completeRootBinary(leaves));
        leaves = [];
      }
    }
    this.tail = { size: prevSize + bytes.length, head: newHead, leaves };
  }

  /** Builds the stored tree for chunks [from, to) from the entries (a database older than the tree). */
  private backfill(from: number, to: number): void {
    // Pages of 1,024 chunks: better-sqlite3 allows no insert while an iterator is open.
    const PAGE = 1024;
    for (let chunk = from; chunk < to; ) {
      const last = Math.min(to, chunk + PAGE);
      const rows = this.leavesStmt.all(chunk * CHUNK, last * CHUNK) as Buffer[];
      if (rows.length !== (last - chunk) * CHUNK) throw new AuditTampered(`entries among audit seq ${chunk * CHUNK + 1}…${last * CHUNK} are missing: they were deleted`);
      for (let at = 0; at < rows.length; at += CHUNK) this.storeChunk(chunk++, completeRootBinary(rows.slice(at, at + CHUNK).map(leafHashBinary)));
    }
  }

  /** Stores a chunk's hash and every larger subtree it completes (its left siblings are already stored). */
  private storeChunk(chunk: number, hash: Buffer): void {
    let level = BASE_LEVEL;
    let index = chunk;
    this.insertNodeStmt?.run(level, index, hash);
    while (index % 2 === 1) {
      const left = this.getNodeStmt?.get(level, index - 1) as Buffer | undefined;
      if (!left) throw new AuditTampered(`the stored audit Merkle tree lacks its subtree (level ${level}, index ${index - 1})`);
      hash = nodeHash(left, hash);
      level += 1;
      index = (index - 1) / 2;
      this.insertNodeStmt?.run(level, index, hash);
    }
  }

  /** Stores whatever the tree lacks for the current entries (an old database), in its own transaction. */
  catchUp(): void {
    if (!this.insertNodeStmt) return;
    this.db
      .transaction(() => {
        const target = Math.floor(this.size() / CHUNK);
        const storedChunks = this.storedChunksStmt?.get() as number;
        if (storedChunks < target) this.backfill(storedChunks, target);
      })
      .immediate();
  }

  /** MTH(D[start:end]) for one read: chunks read once, stored subtrees looked up, missing ones computed. */
  private rangeHash(): RangeHash {
    const chunks = new Map<number, Buffer[]>();
    const chunkLeaves = (chunk: number): Buffer[] => {
      let leaves = chunks.get(chunk);
      if (!leaves) {
        leaves = (this.leavesStmt.all(chunk * CHUNK, (chunk + 1) * CHUNK) as Buffer[]).map(leafHash);
        chunks.set(chunk, leaves);
      }
      return leaves;
    };
    const complete = (level: number, index: number): Buffer => {
      if (level >= BASE_LEVEL) {
        const stored = this.getNodeStmt?.get(level, index) as Buffer | undefined;
        if (stored) return stored;
        return level === BASE_LEVEL ? rootOf(chunkLeaves(index)) : nodeHash(complete(level - 1, 2 * index), complete(level - 1, 2 * index + 1));
      }
      const width = 2 ** level;
      const first = index * width;
      const chunk = Math.floor(first / CHUNK);
      const leaves = chunkLeaves(chunk).slice(first - chunk * CHUNK, first - chunk * CHUNK + width);
      if (leaves.length !== width) throw new Error(`audit entries ${first + 1}…${first + width} are missing`);
      return rootOf(leaves);
    };
    return rangeHashFrom(complete);
  }

  private checkSize(size: number, current: number): void {
    if (!Number.isSafeInteger(size) || size < 0 || size > current) throw new RangeError(`tree size ${size} is outside 0…${current} (the log's size)`);
  }

  root(size = this.size()): Buffer {
    this.checkSize(size, this.size());
    return size === 0 ? EMPTY_ROOT : this.rangeHash()(0, size);
  }

  leafHash(index: number): Buffer {
    const bytes = this.leavesStmt.get(index, index + 1) as Buffer | undefined;
    if (!bytes) throw new RangeError(`no audit entry with seq ${index + 1}`);
    return leafHash(bytes);
  }

  inclusionProof(index: number, size: number): Buffer[] {
    this.checkSize(size, this.size());
    return inclusionProof(index, size, this.rangeHash());
  }

  consistencyProof(oldSize: number, newSize: number): Buffer[] {
    this.checkSize(newSize, this.size());
    return consistencyProof(oldSize, newSize, this.rangeHash());
  }
}
