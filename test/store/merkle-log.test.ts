// The audit trail's Merkle tree as stored: equal to the reference computation over the canonical bytes at
// every size, whatever the batch sizes, with proofs that verify; and built for databases older than the tree.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { AuditLog } from '../../source/store/audit-log.js';
import type { AuditInput } from '../../source/store/audit-log.js';
import { openDatabase } from '../../source/store/database.js';
import type { Db } from '../../source/store/database.js';
import { BASE_LEVEL, CHUNK } from '../../source/store/merkle-log.js';
import { leafHash, rootOf, verifyConsistency, verifyInclusion } from '../../source/domain/merkle.js';
import { tempDir } from '../helpers/temp-db.js';

const dir = tempDir();
let n = 0;
const fresh = (): { db: Db; log: AuditLog } => {
  const db = openDatabase(join(dir, `merkle-${n++}.db`));
  return { db, log: new AuditLog(db) };
};

const entry = (i: number): AuditInput => ({
  ts: `2026-11-20T10:00:${String(i % 60).padStart(2, '0')}Z`,
  actor: { kind: 'ai', id: 'builtin' },
  event: 'assessed',
  deploymentId: `dep-${i}`,
  payload: { i, note: 'ünïcode ✓' },
});
const entries = (from: number, count: number): AuditInput[] => Array.from({ length: count }, (_, k) => entry(from + k));

/** Reference leaf hashes, straight from the stored canonical bytes. */
const leaves = (db: Db): Buffer[] => (db.prepare('SELECT canonical FROM audit ORDER BY seq').pluck().all() as Buffer[]).map(leafHash);
const storedRows = (db: Db): number => db.prepare('SELECT count(*) FROM audit_merkle').pluck().get() as number;

describe('audit Merkle tree, stored', () => {
  it('equals the reference root at every size, for batches of 1, 7, 63, 64, 65 and 300 entries', () => {
    const { db, log } = fresh();
    let size = 0;
    for (const batch of [1, 7, 63, 64, 65, 300, 1, 1, 7]) {
      log.append(entries(size + 1, batch));
      size += batch;
    }
    const ref = leaves(db);
    expect(ref).toHaveLength(size);
    for (let s = 0; s <= size; s++) expect(log.merkle.root(s).toString('hex'), `size ${s}`).toBe(rootOf(ref.slice(0, s)).toString('hex'));
    // Complete subtrees of 64, 128, 256 and 512 entries are stored: 8 + 4 + 2 + 1 for 509 entries (7 chunks + part).
    const chunks = Math.floor(size / CHUNK);
    expect(storedRows(db)).toBe(chunks + Math.floor(chunks / 2) + Math.floor(chunks / 4));
    db.close();
  });

  it('gives inclusion and consistency proofs that verify against the reference roots', () => {
    const { db, log } = fresh();
    log.append(entries(1, 700));
    const ref = leaves(db);
    for (const size of [1, 2, 63, 64, 65, 129, 500, 700]) {
      const root = rootOf(ref.slice(0, size));
      for (const index of new Set([0, 1, size >> 1, size - 1].filter((i) => i < size))) {
        expect(verifyInclusion(index, size, ref[index] as Buffer, log.merkle.inclusionProof(index, size), root), `${index} in ${size}`).toBe(true);
      }
      for (const old of [1, 3, 64, 100, size]) {
        if (old > size) continue;
        expect(verifyConsistency(old, size, log.merkle.consistencyProof(old, size), rootOf(ref.slice(0, old)), root), `${old} → ${size}`).toBe(true);
      }
    }
    expect(() => log.merkle.inclusionProof(0, 701)).toThrow(RangeError);
    expect(() => log.merkle.root(701)).toThrow(RangeError);
    db.close();
  });

  it('builds the tree of a trail written before it existed, on the next append (backfill), and answers before that', () => {
    const { db, log } = fresh();
    log.append(entries(1, 1000));
    const before = log.merkle.root().toString('hex');
    // A database from before the migration: the table is there (the migration made it) but empty.
    db.exec('DROP TRIGGER audit_merkle_no_delete; DELETE FROM audit_merkle;');
    expect(storedRows(db)).toBe(0);
    const again = new AuditLog(db);
    // Read-only answers are computed from the entries while nothing is stored.
    expect(again.merkle.root().toString('hex')).toBe(before);
    again.append(entries(1001, 30));
    expect(storedRows(db)).toBe(16 + 8 + 4 + 2 + 1);
    expect(again.merkle.root().toString('hex')).toBe(rootOf(leaves(db)).toString('hex'));
    expect(again.merkle.root(1000).toString('hex')).toBe(before);
    db.close();
  });

  it('stays right when appends roll back, and when another connection appends in between', () => {
    const { db, log } = fresh();
    log.append(entries(1, 40));
    // An outer transaction (the engine's unit of work) that appends and then fails: everything rolls back.
    expect(() =>
      db.transaction(() => {
        log.append(entries(1000, 30));
        throw new Error('failed write');
      })(),
    ).toThrow('failed write');
    // Another writer on its own connection appends as many entries as rolled back, but other ones: the size
    // matches this instance's last append, the history does not.
    const other = openDatabase(db.name);
    new AuditLog(other).append(entries(41, 30));
    other.close();
    log.append(entries(71, 70));
    const ref = leaves(db);
    expect(ref).toHaveLength(140);
    for (const s of [64, 128, 140]) expect(log.merkle.root(s).toString('hex'), `size ${s}`).toBe(rootOf(ref.slice(0, s)).toString('hex'));
    db.close();
  });

  it('the stored subtrees are append-only', () => {
    const { db, log } = fresh();
    log.append(entries(1, CHUNK));
    expect(() => db.exec(`UPDATE audit_merkle SET hash = zeroblob(32) WHERE level = ${BASE_LEVEL}`)).toThrow(/append-only/);
    expect(() => db.exec('DELETE FROM audit_merkle')).toThrow(/append-only/);
    db.close();
  });
});
