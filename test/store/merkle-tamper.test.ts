// Entries deleted under the stored Merkle tree (triggers dropped first): the next append stops with one line
// naming tampering, writes nothing, and does not rebuild the tree over the gap.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { AuditLog } from '../../source/store/audit-log.js';
import type { AuditInput } from '../../source/store/audit-log.js';
import { AuditTampered } from '../../source/store/audit-tampered.js';
import { databaseTrouble, isDatabaseTrouble } from '../../source/store/database-trouble.js';
import { openDatabase } from '../../source/store/database.js';
import { tempDir } from '../helpers/temp-db.js';

const dir = tempDir();
let n = 0;
const entries = (from: number, count: number): AuditInput[] =>
  Array.from({ length: count }, (_, k) => ({ ts: '2026-11-24T18:00:00Z', actor: { kind: 'ai', id: 'builtin' }, event: 'assessed', deploymentId: `dep-${from + k}`, payload: { i: from + k } }));

const tampered = (remove: string): { log: AuditLog; fresh: () => AuditLog; count: () => number; treeRows: () => number } => {
  const db = openDatabase(join(dir, `tamper-${n++}.db`));
  const log = new AuditLog(db);
  log.append(entries(1, 200)); // three complete chunks of 64 stored
  db.exec(`DROP TRIGGER audit_no_delete; DROP TRIGGER audit_merkle_no_delete; ${remove}`);
  return {
    log,
    fresh: () => new AuditLog(db),
    count: () => db.prepare('SELECT count(*) FROM audit').pluck().get() as number,
    treeRows: () => db.prepare('SELECT count(*) FROM audit_merkle').pluck().get() as number,
  };
};

const expectTampered = (append: () => unknown, what: RegExp): void => {
  let caught: unknown;
  try {
    append();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(AuditTampered);
  const line = databaseTrouble(caught);
  expect(isDatabaseTrouble(caught)).toBe(true);
  expect(line).toMatch(/^tampering detected: /);
  expect(line).toMatch(what);
  expect(line).not.toContain('\n');
};

describe('audit Merkle tree, tampered with', () => {
  it('entries deleted under the stored tree: the next append, by a new writer or the same one, stops and writes nothing', () => {
    const t = tampered('DELETE FROM audit WHERE seq > 100');
    const rows = t.treeRows();
    expectTampered(() => t.fresh().append(entries(101, 1)), /covers 192 entries but the trail now has 100: entries under it are gone/);
    expectTampered(() => t.log.append(entries(101, 5)), /covers 192 entries/);
    expect(t.count()).toBe(100);
    expect(t.treeRows()).toBe(rows);
  });

  it('entries deleted from a trail older than the tree: the catch-up refuses to build over the gap', () => {
    const t = tampered('DELETE FROM audit_merkle; DELETE FROM audit WHERE seq = 70');
    expectTampered(() => t.fresh().append(entries(201, 1)), /entries among audit seq 1…192 are missing/);
    expect(t.count()).toBe(199);
    expect(t.treeRows()).toBe(0);
  });

  it('a stored subtree deleted: the append that needs it stops', () => {
    // Entries 1…128 as one subtree (level 7, index 0): chunk 3 completes at 256, and with chunk 2 makes
    // (7, 1), whose left sibling that is.
    const t = tampered('DELETE FROM audit_merkle WHERE level = 7 AND idx = 0');
    expectTampered(() => t.fresh().append(entries(201, 56)), /lacks its subtree \(level 7, index 0\)/);
    expect(t.count()).toBe(200);
  });

  it('an untouched trail goes on appending', () => {
    const t = tampered('SELECT 1');
    t.fresh().append(entries(201, 100));
    expect(t.count()).toBe(300);
  });
});
