// Tamper tests: the database is edited behind the engine's back, and verify must name the right seq.
import { beforeEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { AuditLog, GENESIS } from '../../source/store/audit-log.js';
import type { AuditInput } from '../../source/store/audit-log.js';
import { openDatabase } from '../../source/store/database.js';
import type { Db } from '../../source/store/database.js';
import { tempDir } from '../helpers/temp-db.js';
import { run } from '../helpers/processes.js';

const dir = tempDir();
let db: Db;
let log: AuditLog;
let n = 0;

const entry = (i: number): AuditInput => ({
  ts: `2026-11-20T10:00:${String(i % 60).padStart(2, '0')}Z`,
  actor: { kind: i % 2 ? 'ai' : 'human', id: i % 2 ? 'builtin' : 'alice' },
  event: i % 3 ? 'assessed' : 'approved',
  deploymentId: `dep-${i}`,
  payload: { score: i / 100, note: 'ünïcode ✓', nested: { b: 1, a: [1, 2] } },
});

/** Drops the append-only triggers, as an attacker with write access to the file could. */
const dropTriggers = (): void => {
  db.exec('DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;');
};

beforeEach(() => {
  db = openDatabase(join(dir, `audit-${n++}.db`));
  log = new AuditLog(db);
  log.append(Array.from({ length: 10 }, (_, i) => entry(i + 1)));
});

describe('audit trail', () => {
  it('chains from a zero genesis over the canonical bytes', () => {
    const first = db.prepare('SELECT canonical, prev_hash, hash FROM audit WHERE seq = 1').get() as { canonical: Buffer; prev_hash: Buffer; hash: Buffer };
    expect(first.prev_hash.equals(GENESIS)).toBe(true);
    expect(first.hash.equals(createHash('sha256').update(GENESIS).update(first.canonical).digest())).toBe(true);
    // RFC 8785: keys sorted, no whitespace.
    expect(first.canonical.toString('utf8')).toBe(
      '{"actor":{"id":"builtin","kind":"ai"},"deploymentId":"dep-1","event":"assessed","payload":{"nested":{"a":[1,2],"b":1},"note":"ünïcode ✓","score":0.01},"seq":1,"ts":"2026-11-20T10:00:01Z"}',
    );
  });

  it('verifies an intact chain with its count and head, across appends', () => {
    log.append([entry(11)]);
    const r = log.verify(4); // small pages exercise paging
    expect(r).toMatchObject({ ok: true, count: 11 });
    const head = db.prepare('SELECT hash FROM audit WHERE seq = 11').pluck().get() as Buffer;
    expect(r.ok && r.head).toBe(head.toString('hex'));
  });

  it('refuses UPDATE and DELETE through the triggers', () => {
    expect(() => db.prepare("UPDATE audit SET deployment_id = 'x' WHERE seq = 3").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit WHERE seq = 3').run()).toThrow(/append-only/);
  });

  it('detects a changed payload byte', () => {
    dropTriggers();
    const bytes = db.prepare('SELECT canonical FROM audit WHERE seq = 4').pluck().get() as Buffer;
    const forged = Buffer.from(bytes.toString('utf8').replace('"score":0.04', '"score":0.05'), 'utf8');
    db.prepare('UPDATE audit SET canonical = ? WHERE seq = 4').run(forged);
    expect(log.verify()).toMatchObject({ ok: false, seq: 4, problem: 'hash mismatch', count: 3 });
  });

  it('detects a changed stored hash (at the next link if the forger is consistent)', () => {
    dropTriggers();
    db.prepare('UPDATE audit SET hash = ? WHERE seq = 6').run(Buffer.alloc(32, 7));
    expect(log.verify()).toMatchObject({ ok: false, seq: 6, problem: 'hash mismatch' });
  });

  it('detects a deleted middle row as a gap', () => {
    dropTriggers();
    db.prepare('DELETE FROM audit WHERE seq = 5').run();
    expect(log.verify()).toMatchObject({ ok: false, seq: 5, problem: 'gap in seq' });
  });

  it('detects a deleted middle row whose successors were renumbered, as a broken link', () => {
    dropTriggers();
    db.prepare('DELETE FROM audit WHERE seq = 5').run();
    db.prepare('UPDATE audit SET seq = -(seq - 1) WHERE seq > 5').run();
    db.prepare('UPDATE audit SET seq = -seq WHERE seq < 0').run();
    expect(log.verify()).toMatchObject({ ok: false, seq: 5, problem: 'broken link' });
  });

  it('detects two swapped rows', () => {
    dropTriggers();
    db.prepare('UPDATE audit SET seq = -1 WHERE seq = 7').run();
    db.prepare('UPDATE audit SET seq = 7 WHERE seq = 8').run();
    db.prepare('UPDATE audit SET seq = 8 WHERE seq = -1').run();
    expect(log.verify()).toMatchObject({ ok: false, seq: 7, problem: 'broken link' });
  });

  it('detects a forged row appended without the chain', () => {
    db.prepare('INSERT INTO audit (seq, deployment_id, canonical, prev_hash, hash) VALUES (11, ?, ?, ?, ?)').run('dep-x', Buffer.from('{"forged":true}'), Buffer.alloc(32), Buffer.alloc(32));
    expect(log.verify()).toMatchObject({ ok: false, seq: 11, problem: 'broken link' });
  });

  it('detects a forged row that links correctly but whose hash is made up', () => {
    const head = db.prepare('SELECT hash FROM audit WHERE seq = 10').pluck().get() as Buffer;
    db.prepare('INSERT INTO audit (seq, deployment_id, canonical, prev_hash, hash) VALUES (11, ?, ?, ?, ?)').run('dep-x', Buffer.from('{"forged":true}'), head, Buffer.alloc(32, 1));
    expect(log.verify()).toMatchObject({ ok: false, seq: 11, problem: 'hash mismatch' });
  });

  it('detects a forged row with hashes of the wrong length without losing its place', () => {
    dropTriggers();
    db.prepare('UPDATE audit SET prev_hash = ? WHERE seq = 9').run(Buffer.alloc(5));
    expect(log.verify()).toMatchObject({ ok: false, seq: 9, problem: 'broken link' });
  });

  it('cannot detect a truncated tail (documented in the README threat model)', () => {
    dropTriggers();
    db.prepare('DELETE FROM audit WHERE seq > 8').run();
    expect(log.verify()).toMatchObject({ ok: true, count: 8 });
  });

  it('reads entries back from the hashed bytes', () => {
    expect(log.tail(2).map((e) => e.seq)).toEqual([9, 10]);
    expect(log.forDeployment('dep-3')[0]).toMatchObject({ seq: 3, event: 'approved', actor: { kind: 'ai', id: 'builtin' } });
    expect([...log.entries()]).toHaveLength(10);
  });

  it('creates the database file readable by its owner only', () => {
    expect(statSync(join(dir, `audit-${n - 1}.db`)).mode & 0o777).toBe(0o600);
  });
});

describe('parallel verify (the CLI, built, with worker threads)', () => {
  const tampers: Record<string, (d: Db) => void> = {
    intact: () => undefined,
    payload: (d) => d.prepare("UPDATE audit SET canonical = CAST(replace(CAST(canonical AS TEXT), 'assessed', 'assesseD') AS BLOB) WHERE seq = 377").run(),
    hash: (d) => d.prepare('UPDATE audit SET hash = ? WHERE seq = 500').run(Buffer.alloc(32, 9)),
    boundaryLink: (d) => d.prepare('UPDATE audit SET prev_hash = ? WHERE seq = 501').run(Buffer.alloc(32, 3)),
    deleteMiddle: (d) => d.prepare('DELETE FROM audit WHERE seq = 334').run(),
    deleteAtBoundary: (d) => d.prepare('DELETE FROM audit WHERE seq = 501').run(),
    genesis: (d) => d.prepare('UPDATE audit SET prev_hash = ? WHERE seq = 1').run(Buffer.alloc(32, 1)),
  };
  for (const [name, tamper] of Object.entries(tampers)) {
    it(`agrees with the single pass: ${name}`, async () => {
      const path = join(dir, `par-${name}.db`);
      const d = openDatabase(path);
      new AuditLog(d).append(Array.from({ length: 1000 }, (_, i) => entry(i + 1)));
      d.exec('DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;');
      tamper(d);
      const single = new AuditLog(d).verify();
      d.close();
      for (const jobs of ['2', '3']) {
        const r = await run(['audit', 'verify', '--db', path, '--jobs', jobs, '--json']);
        expect(JSON.parse(r.stdout)).toEqual(single);
        expect(r.code).toBe(single.ok ? 0 : 1);
      }
    });
  }
});
