// The append-only, hash-chained audit trail (SPEC.md Pillar 4).
// Each entry is serialised as RFC 8785 canonical JSON; hash = SHA-256(prevHash ‖ canonical bytes), genesis
// prevHash = 32 zero bytes. The exact bytes hashed are stored, and everything shown is decoded from them.
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { Db } from './database.js';

export type ActorKind = 'ai' | 'human' | 'system' | 'policy';

export interface AuditInput {
  ts: string;
  actor: { kind: ActorKind; id: string };
  event: string;
  deploymentId: string | null;
  payload: Record<string, unknown>;
}

export interface AuditEntry extends AuditInput {
  seq: number;
  hash: string;
}

export type VerifyResult =
  | { ok: true; count: number; head: string }
  | { ok: false; count: number; seq: number; problem: 'hash mismatch' | 'broken link' | 'gap in seq' | 'bad genesis'; detail: string };

export const GENESIS: Buffer = Buffer.alloc(32);

const sha256 = (prev: Buffer, bytes: Buffer): Buffer => createHash('sha256').update(prev).update(bytes).digest();

export class AuditLog {
  private readonly insert;
  private readonly headStmt;

  constructor(private readonly db: Db) {
    this.insert = db.prepare('INSERT INTO audit (seq, deployment_id, canonical, prev_hash, hash) VALUES (?, ?, ?, ?, ?)');
    this.headStmt = db.prepare('SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1').raw(true);
  }

  /** Appends entries in one transaction, chained to the current head; returns them with seq and hash. */
  append(inputs: readonly AuditInput[]): AuditEntry[] {
    return this.db.transaction(() => {
      const head = this.headStmt.get() as [number, Buffer] | undefined;
      let seq = head ? head[0] : 0;
      let prev: Buffer = head ? head[1] : GENESIS;
      const out: AuditEntry[] = [];
      for (const input of inputs) {
        seq += 1;
        const entry = { seq, ts: input.ts, actor: input.actor, event: input.event, deploymentId: input.deploymentId, payload: input.payload };
        const text = canonicalize(entry);
        if (text === undefined) throw new Error('audit entry cannot be serialised');
        const bytes = Buffer.from(text, 'utf8');
        const hash = sha256(prev, bytes);
        this.insert.run(seq, input.deploymentId, bytes, prev, hash);
        out.push({ ...entry, hash: hash.toString('hex') });
        prev = hash;
      }
      return out;
    }).immediate();
  }

  /** Recomputes the chain from genesis and names the first bad seq. */
  verify(pageSize = 50_000): VerifyResult {
    const page = this.db.prepare('SELECT seq, canonical, prev_hash, hash FROM audit WHERE seq > ? ORDER BY seq LIMIT ?').raw(true);
    let expectedSeq = 1;
    let prev: Buffer = GENESIS;
    let count = 0;
    for (;;) {
      const rows = page.all(expectedSeq - 1, pageSize) as Array<[number, Buffer, Buffer, Buffer]>;
      for (const [seq, bytes, prevHash, hash] of rows) {
        if (seq !== expectedSeq) return { ok: false, count, seq: expectedSeq, problem: 'gap in seq', detail: `expected seq ${expectedSeq}, found ${seq}` };
        if (!prevHash.equals(prev)) {
          return seq === 1
            ? { ok: false, count, seq, problem: 'bad genesis', detail: 'the first entry does not chain from 32 zero bytes' }
            : { ok: false, count, seq, problem: 'broken link', detail: `prev_hash does not equal the hash of seq ${seq - 1}` };
        }
        if (!sha256(prev, bytes).equals(hash)) return { ok: false, count, seq, problem: 'hash mismatch', detail: 'SHA-256(prev ‖ canonical bytes) differs from the stored hash' };
        prev = hash;
        expectedSeq += 1;
        count += 1;
      }
      if (rows.length < pageSize) break;
    }
    return { ok: true, count, head: prev.toString('hex') };
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) FROM audit').pluck().get() as number) ?? 0;
  }

  /** The last n entries, oldest first, decoded from the hashed bytes. */
  tail(n: number): AuditEntry[] {
    const rows = this.db.prepare('SELECT canonical, hash FROM (SELECT seq, canonical, hash FROM audit ORDER BY seq DESC LIMIT ?) ORDER BY seq').raw(true).all(n) as Array<[Buffer, Buffer]>;
    return rows.map(decode);
  }

  /** Every entry, oldest first, without loading them all at once. */
  *entries(): IterableIterator<AuditEntry> {
    for (const row of this.db.prepare('SELECT canonical, hash FROM audit ORDER BY seq').raw(true).iterate() as IterableIterator<[Buffer, Buffer]>) yield decode(row);
  }

  forDeployment(deploymentId: string): AuditEntry[] {
    return (this.db.prepare('SELECT canonical, hash FROM audit WHERE deployment_id = ? ORDER BY seq').raw(true).all(deploymentId) as Array<[Buffer, Buffer]>).map(decode);
  }
}

function decode([bytes, hash]: [Buffer, Buffer]): AuditEntry {
  const parsed = JSON.parse(bytes.toString('utf8')) as Omit<AuditEntry, 'hash'>;
  return { ...parsed, hash: hash.toString('hex') };
}
