// Signed checkpoints against an attacker who can write the database file (the built CLI, and the independent
// Python verifier): a truncated tail, a rewrite from the middle with the chain and tree recomputed, and a
// forked history are each detected and named; an untouched log that grew since the checkpoint passes.
import { beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { copyFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { AuditLog, GENESIS } from '../../source/store/audit-log.js';
import type { AuditInput } from '../../source/store/audit-log.js';
import { canonicalEntry } from '../../source/store/canonical-entry.js';
import { openDatabase } from '../../source/store/database.js';
import { tempDir } from '../helpers/temp-db.js';
import { CLI, run } from '../helpers/processes.js';

const dir = tempDir();
const at = (name: string): string => join(dir, name);
const KEY = at('signing.key');

const entry = (i: number, branch = 'main'): AuditInput => ({
  ts: `2026-11-20T10:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z`,
  actor: { kind: i % 3 ? 'ai' : 'human', id: i % 3 ? 'builtin' : 'alice' },
  event: 'assessed',
  deploymentId: `dep-${i}`,
  payload: { i, branch, note: 'ünïcode ✓' },
});

function appendTo(path: string, from: number, count: number, branch = 'main'): void {
  const db = openDatabase(path);
  const log = new AuditLog(db);
  for (let k = 0; k < count; k += 500) log.append(Array.from({ length: Math.min(500, count - k) }, (_, j) => entry(from + k + j, branch)));
  db.close();
}

/** An attacker with write access: drops the triggers and edits rows (and, thoroughly, the stored tree too). */
function attack(path: string, edit: (db: ReturnType<typeof openDatabase>) => void): void {
  const db = openDatabase(path);
  db.exec('DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete; DROP TRIGGER audit_merkle_no_delete;');
  edit(db);
  // Rebuild the stored tree from the rows as they now are, so nothing stored betrays the edit.
  db.exec('DELETE FROM audit_merkle');
  new AuditLog(db).merkle.catchUp();
  db.close();
}

const truncate = (keep: number) => (db: ReturnType<typeof openDatabase>) => db.prepare('DELETE FROM audit WHERE seq > ?').run(keep);

/** Changes one entry's payload and recomputes the hash chain from there to the end. */
const rewriteFrom = (seq: number) => (db: ReturnType<typeof openDatabase>) => {
  const rows = db.prepare('SELECT seq, canonical FROM audit WHERE seq >= ? ORDER BY seq').all(seq) as Array<{ seq: number; canonical: Buffer }>;
  let prev = (db.prepare('SELECT hash FROM audit WHERE seq = ?').pluck().get(seq - 1) as Buffer | undefined) ?? GENESIS;
  const update = db.prepare('UPDATE audit SET canonical = ?, prev_hash = ?, hash = ? WHERE seq = ?');
  for (const row of rows) {
    const e = JSON.parse(row.canonical.toString('utf8'));
    if (row.seq === seq) e.payload = { ...e.payload, note: 'rewritten' };
    const bytes = Buffer.from(canonicalEntry(e), 'utf8');
    const hash = createHash('sha256').update(Buffer.concat([prev, bytes])).digest();
    update.run(bytes, prev, hash, row.seq);
    prev = hash;
  }
};

const copy = (from: string, to: string): string => {
  copyFileSync(from, at(to));
  return at(to);
};
const cli = async (...args: string[]) => run(args);
/** The CLI's whole stdout, decoded once: chunks joined as strings could split a multi-byte character. */
const exportOf = async (db: string): Promise<string> =>
  (await promisify(execFile)(process.execPath, [CLI, 'audit', 'export', '--json', '--db', db], { maxBuffer: 1 << 28, encoding: 'utf8' })).stdout;
const python = async (...args: string[]): Promise<{ code: number; out: string }> => {
  try {
    const { stdout, stderr } = await promisify(execFile)('python3', [join(process.cwd(), 'tools', 'verify_audit.py'), ...args]);
    return { code: 0, out: stdout + stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
};

let signedSize = 0;
let pub = '';
const BASE = at('base.db');

beforeAll(async () => {
  appendTo(BASE, 1, 3000);
  const key = await cli('key', 'create', '--name', 'test.example/audit', '--out', KEY);
  expect(key.code).toBe(0);
  pub = readFileSync(`${KEY}.pub`, 'utf8').trim();
  const cp = await cli('audit', 'checkpoint', '--key', KEY, '--db', BASE, '--out', at('cp.note'), '--as', 'auditor');
  expect(cp.code, cp.stderr).toBe(0);
  signedSize = Number(readFileSync(at('cp.note'), 'utf8').split('\n')[1]);
  // The checkpoint covers its own audit record.
  expect(signedSize).toBe(3001);
  // The log keeps growing after the checkpoint.
  appendTo(BASE, 3002, 250);
}, 120_000);

const verify = (db: string, note = at('cp.note'), key = `${KEY}.pub`) => cli('audit', 'verify', '--checkpoint', note, '--key', key, '--db', db);

describe('audit verify --checkpoint', () => {
  it('passes an untouched log that grew since the checkpoint (key given as a file or as text)', async () => {
    const r = await verify(BASE);
    expect(r.stdout, r.stderr).toContain(`consistent with checkpoint "test.example/audit" of ${signedSize} entries`);
    expect(r.stdout).toContain('3251 entries now');
    expect(r.code).toBe(0);
    expect((await verify(BASE, at('cp.note'), pub)).code).toBe(0);
    const json = await cli('audit', 'verify', '--checkpoint', at('cp.note'), '--key', pub, '--db', BASE, '--json');
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, size: 3251, checkpointSize: signedSize, exitCode: 0 });
  });

  it.each([1, 1000])('names a tail truncated by %i entries (which the chain alone cannot see)', async (cut) => {
    const db = copy(BASE, `cut-${cut}.db`);
    attack(db, truncate(signedSize - cut));
    expect((await cli('audit', 'verify', '--db', db)).code).toBe(0);
    const r = await verify(db);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('TRUNCATED');
    expect(r.stderr).toContain(`the last ${cut} ${cut === 1 ? 'entry is' : 'entries are'} gone`);
  });

  it('names a rewrite from the middle with the chain and the tree recomputed', async () => {
    const db = copy(BASE, 'rewritten.db');
    attack(db, rewriteFrom(1500));
    const plain = await cli('audit', 'verify', '--db', db);
    expect(plain.code, 'the recomputed chain fools the chain check').toBe(0);
    const r = await verify(db);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('REWRITTEN OR FORKED');
  });

  it('names an edit that did not recompute the chain as tampering (exit 1)', async () => {
    const db = copy(BASE, 'edited.db');
    const d = openDatabase(db);
    d.exec('DROP TRIGGER audit_no_update');
    d.prepare("UPDATE audit SET canonical = CAST(replace(CAST(canonical AS TEXT), 'ünïcode', 'unicode') AS BLOB) WHERE seq = 10").run();
    d.close();
    const r = await verify(db);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('TAMPERED at seq 10');
  });

  it('names a forked history: the same first 2,000 entries, then different ones', async () => {
    const a = at('fork-a.db');
    const b = at('fork-b.db');
    appendTo(a, 1, 2000);
    copyFileSync(a, b);
    appendTo(a, 2001, 700, 'a');
    appendTo(b, 2001, 900, 'b');
    const cp = await cli('audit', 'checkpoint', '--key', KEY, '--db', a, '--out', at('fork.note'));
    expect(cp.code).toBe(0);
    expect((await verify(a, at('fork.note'))).code).toBe(0);
    const r = await verify(b, at('fork.note'));
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('REWRITTEN OR FORKED');
  });

  it('rejects a checkpoint under another key, or with altered text (exit 6)', async () => {
    const other = await cli('key', 'create', '--name', 'test.example/audit', '--out', at('other.key'));
    expect(other.code).toBe(0);
    const wrongKey = await verify(BASE, at('cp.note'), at('other.key.pub'));
    expect(wrongKey.code).toBe(6);
    expect(wrongKey.stderr).toContain('no signature by test.example/audit');
    const note = readFileSync(at('cp.note'), 'utf8');
    writeFileSync(at('altered.note'), note.replace(`\n${signedSize}\n`, `\n${signedSize - 1}\n`));
    const altered = await verify(BASE, at('altered.note'));
    expect(altered.code).toBe(6);
    expect(altered.stderr).toContain('does not verify');
  });

  it('key create: the signing key is 0600 and never overwritten', async () => {
    expect(statSync(KEY).mode & 0o777).toBe(0o600);
    expect(readFileSync(KEY, 'utf8')).toMatch(/^PRIVATE\+KEY\+test\.example\/audit\+[0-9a-f]{8}\+/);
    const again = await cli('key', 'create', '--out', KEY);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('never overwritten');
    expect((await cli('key', 'create', '--name', 'has space', '--out', at('bad.key'))).code).toBe(2);
  });

  it('a missing checkpoint file or a malformed key is bad input (exit 2)', async () => {
    expect((await verify(BASE, at('nope.note'))).code).toBe(2);
    expect((await verify(BASE, at('cp.note'), 'not+a+key')).code).toBe(2);
    expect((await cli('audit', 'prove', '5', '--size', '999999', '--db', BASE)).stderr).toContain('exceeds the log');
    expect((await cli('audit', 'consistency', '10', '5', '--db', BASE)).code).toBe(2);
  });
});

describe('the independent Python verifier (tools/verify_audit.py)', () => {
  it('checks an export, an inclusion proof and a consistency proof against the checkpoint', async () => {
    writeFileSync(at('export.ndjson'), await exportOf(BASE));
    const prove = await cli('audit', 'prove', '1234', '--size', String(signedSize), '--db', BASE);
    writeFileSync(at('inclusion.json'), prove.stdout);
    const consistency = await cli('audit', 'consistency', '1000', String(signedSize), '--db', BASE);
    writeFileSync(at('consistency.json'), consistency.stdout);
    const r = await python(at('export.ndjson'), '--checkpoint', at('cp.note'), '--inclusion', at('inclusion.json'), '--consistency', at('consistency.json'));
    expect(r.out).toContain('export: 3251 entries, hash chain intact');
    expect(r.out).toContain(`size ${signedSize}, root matches`);
    expect(r.out).toContain(`seq 1234 in a tree of ${signedSize}, verified`);
    expect(r.out).toContain(`1000 -> ${signedSize}, verified`);
    expect(r.code).toBe(0);
  });

  it('fails a flipped bit in a proof, an edited export, a rewritten log and a truncated one', async () => {
    const proof = JSON.parse(readFileSync(at('inclusion.json'), 'utf8'));
    proof.proof[2] = (proof.proof[2][0] === '0' ? '1' : '0') + proof.proof[2].slice(1);
    writeFileSync(at('bad-inclusion.json'), JSON.stringify(proof));
    const bad = await python(at('export.ndjson'), '--inclusion', at('bad-inclusion.json'));
    expect(bad.code).toBe(1);
    expect(bad.out).toContain('does not verify');

    const lines = readFileSync(at('export.ndjson'), 'utf8').split('\n');
    const row = JSON.parse(lines[99] as string);
    row.payload.note = 'edited';
    writeFileSync(at('edited.ndjson'), [...lines.slice(0, 99), JSON.stringify(row), ...lines.slice(100)].join('\n'));
    const edited = await python(at('edited.ndjson'));
    expect(edited.code).toBe(1);
    expect(edited.out).toContain(':100: field payload differs');

    const db = copy(BASE, 'py-rewritten.db');
    attack(db, rewriteFrom(2000));
    writeFileSync(at('rewritten.ndjson'), await exportOf(db));
    const rewritten = await python(at('rewritten.ndjson'), '--checkpoint', at('cp.note'));
    expect(rewritten.code).toBe(1);
    expect(rewritten.out).toContain('rewritten or forked');

    writeFileSync(at('truncated.ndjson'), lines.slice(0, signedSize - 1).join('\n'));
    const truncated = await python(at('truncated.ndjson'), '--checkpoint', at('cp.note'));
    expect(truncated.code).toBe(1);
    expect(truncated.out).toContain('truncated');
  });
});
