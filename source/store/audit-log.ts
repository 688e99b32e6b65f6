// The append-only, hash-chained audit trail (SPEC.md Pillar 4).
// Each entry is serialised as RFC 8785 canonical JSON; hash = SHA-256(prevHash ‖ canonical bytes), genesis
// prevHash = 32 zero bytes. The exact bytes hashed are stored, and everything shown is decoded from them.
import * as crypto from 'node:crypto';
import { canonicalEntry } from './canonical-entry.js';
import type { Db } from './database.js';
import { preparedOnce } from './prepared-once.js';
import type { Statement } from './prepared-once.js';
import { MerkleLog } from './merkle-log.js';

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

/**
 * SHA-256 of one contiguous buffer; crypto.hash (Node ≥ 20.12) avoids a Hash object per entry. Asked for a
 * string, it is about twice as quick as asked for a Buffer (which gets its own backing store per hash): the
 * append takes the hex it returns anyway and makes the Buffer from Node's pool.
 */
const sha256Hex: (data: Buffer) => string =
  typeof crypto.hash === 'function' ? (data) => crypto.hash('sha256', data, 'hex') : (data) => crypto.createHash('sha256').update(data).digest('hex');
const sha256Of = (data: Buffer): Buffer => Buffer.from(sha256Hex(data), 'hex');

/** Rows per multi-row INSERT: one statement call per 64 entries instead of one each pays for the Merkle tree. */
const INSERT_GROUP = 64;

export class AuditLog {
  private readonly insert;
  private readonly insertGroup;
  private readonly headStmt;
  /** Made once: creating a better-sqlite3 transaction wrapper per call is costly. */
  private readonly appendTx;
  /** The RFC 9162 tree over the same entries, extended in the append's transaction (issue 16). */
  readonly merkle: MerkleLog;

  /** The readers' queries (the event stream reads `since` after every pass): compiled once. */
  private readonly sql: (text: string) => Statement;

  constructor(private readonly db: Db) {
    this.sql = preparedOnce(db);
    this.merkle = new MerkleLog(db);
    this.insert = db.prepare('INSERT INTO audit (seq, deployment_id, canonical, prev_hash, hash) VALUES (?, ?, ?, ?, ?)');
    this.insertGroup = db.prepare(`INSERT INTO audit (seq, deployment_id, canonical, prev_hash, hash) VALUES ${Array(INSERT_GROUP).fill('(?, ?, ?, ?, ?)').join(', ')}`);
    this.headStmt = db.prepare('SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1').raw(true);
    this.appendTx = db.transaction((inputs: readonly AuditInput[]) => this.appendInTransaction(inputs));
  }

  /** Appends entries in one transaction, chained to the current head; returns them with seq and hash. */
  append(inputs: readonly AuditInput[]): AuditEntry[] {
    return this.appendTx.immediate(inputs);
  }

  private appendInTransaction(inputs: readonly AuditInput[]): AuditEntry[] {
    {
      const head = this.headStmt.get() as [number, Buffer] | undefined;
      let seq = head ? head[0] : 0;
      let prev: Buffer = head ? head[1] : GENESIS;
      const out: AuditEntry[] = [];
      const prevSize = seq;
      const prevHead = prev;
      const written: Buffer[] = [];
      const params: Array<number | string | null | Buffer> = [];
      for (const input of inputs) {
        seq += 1;
        // The entry returned is the one serialised (its hash filled in after): one object per entry, not two.
        const entry: AuditEntry = { seq, ts: input.ts, actor: input.actor, event: input.event, deploymentId: input.deploymentId, payload: input.payload, hash: '' };
        // prev ‖ bytes written once into one buffer: hashed in place, the bytes are a view of it (no copies).
        const text = canonicalEntry(entry);
        const chained = Buffer.allocUnsafe(prev.length + Buffer.byteLength(text, 'utf8'));
        prev.copy(chained, 0);
        chained.write(text, prev.length, 'utf8');
        const bytes = chained.subarray(prev.length);
        const hex = sha256Hex(chained);
        const hash = Buffer.from(hex, 'hex');
        params.push(seq, input.deploymentId, bytes, prev, hash);
        if (params.length === INSERT_GROUP * 5) {
          this.insertGroup.run(params);
          params.length = 0;
        }
        entry.hash = hex;
        out.push(entry);
        written.push(bytes);
        prev = hash;
      }
      for (let at = 0; at < params.length; at += 5) this.insert.run(params.slice(at, at + 5));
      this.merkle.appended(prevSize, prevHead, written, prev);
      return out;
    }
  }

  /** Recomputes the chain from genesis and names the first bad seq (one thread; see audit-verify.ts for more). */
  verify(pageSize = 20_000): VerifyResult {
    const r = verifyRange(this.db, 0, Number.MAX_SAFE_INTEGER, GENESIS, pageSize);
    return r.problem ? { ok: false, count: r.count, ...r.problem } : { ok: true, count: r.count, head: (r.lastHash ?? GENESIS).toString('hex') };
  }

  count(): number {
    return (this.sql('SELECT count(*) FROM audit').pluck().get() as number) ?? 0;
  }

  /** The last n entries, oldest first, decoded from the hashed bytes. */
  tail(n: number): AuditEntry[] {
    const rows = this.sql('SELECT canonical, hash FROM (SELECT seq, canonical, hash FROM audit ORDER BY seq DESC LIMIT ?) ORDER BY seq').raw(true).all(n) as Array<[Buffer, Buffer]>;
    return rows.map(decode);
  }

  /** Every entry, oldest first, without loading them all at once. */
  *entries(): IterableIterator<AuditEntry> {
    for (const row of this.db.prepare('SELECT canonical, hash FROM audit ORDER BY seq').raw(true).iterate() as IterableIterator<[Buffer, Buffer]>) yield decode(row);
  }

  /** Every entry with what an offline verifier needs: the exact bytes hashed (base64) and the previous hash (README, "Export format"). */
  *exportEntries(): IterableIterator<AuditEntry & { prevHash: string; canonical: string }> {
    const rows = this.db.prepare('SELECT canonical, prev_hash, hash FROM audit ORDER BY seq').raw(true).iterate() as IterableIterator<[Buffer, Buffer, Buffer]>;
    for (const [bytes, prev, hash] of rows) yield { ...decode([bytes, hash]), prevHash: prev.toString('hex'), canonical: bytes.toString('base64') };
  }

  /** Entries after `seq`, oldest first, at most `limit` (a reader following the trail as it grows). */
  since(seq: number, limit = 5_000): AuditEntry[] {
    return (this.sql('SELECT canonical, hash FROM audit WHERE seq > ? ORDER BY seq LIMIT ?').raw(true).all(seq, limit) as Array<[Buffer, Buffer]>).map(decode);
  }

  forDeployment(deploymentId: string): AuditEntry[] {
    return (this.sql('SELECT canonical, hash FROM audit WHERE deployment_id = ? ORDER BY seq').raw(true).all(deploymentId) as Array<[Buffer, Buffer]>).map(decode);
  }
}

export interface RangeResult {
  /** Entries verified before the first problem (or all of them). */
  count: number;
  problem?: { seq: number; problem: 'hash mismatch' | 'broken link' | 'gap in seq' | 'bad genesis'; detail: string };
  /** prev_hash of the range's first row, for the caller to link ranges (when `expectPrev` is null). */
  firstPrev?: Buffer;
  firstSeq?: number;
  lastHash?: Buffer;
}

/**
 * Verifies the entries with from < seq ≤ to. `expectPrev` is the hash the first row must link to, or null
 * when another range's last hash is not known here (the caller links ranges).
 * A page of rows comes back as one blob (seq, lengths, hash, prev_hash, canonical per row, concatenated in SQL):
 * one buffer per page instead of three per row is what makes a million entries quick to check.
 */
export function verifyRange(db: Db, from: number, to: number, expectPrev: Buffer | null, pageSize = 20_000): RangeResult {
  const page = db
    .prepare(
      `SELECT CAST(group_concat(unhex(printf('%012x%08x%04x%04x', seq, length(canonical), length(hash), length(prev_hash))) || hash || prev_hash || canonical, '') AS BLOB)
       FROM (SELECT seq, canonical, prev_hash, hash FROM audit WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?)`,
    )
    .pluck();
  let expectedSeq = from + 1;
  // The previous entry's hash: a buffer and the offset of its 32 bytes (no per-row allocations).
  let prev: Buffer | null = expectPrev;
  let prevAt = 0;
  let count = 0;
  const result: RangeResult = { count: 0 };
  for (;;) {
    const buf = page.get(expectedSeq - 1, to, pageSize) as Buffer | null;
    if (!buf) break;
    let rows = 0;
    for (let o = 0; o < buf.length; rows++) {
      const seq = buf.readUInt16BE(o) * 2 ** 32 + buf.readUInt32BE(o + 2);
      const length = buf.readUInt32BE(o + 6);
      const hashLength = buf.readUInt16BE(o + 10);
      const hashAt = o + 14;
      const prevHashAt = hashAt + hashLength;
      const prevHashEnd = prevHashAt + buf.readUInt16BE(o + 12);
      o = prevHashEnd + length;
      const fail = (problem: NonNullable<RangeResult['problem']>): RangeResult => ({ ...result, count, problem });
      if (seq !== expectedSeq) return fail({ seq: expectedSeq, problem: 'gap in seq', detail: `expected seq ${expectedSeq}, found ${seq}` });
      if (prev === null) {
        result.firstPrev = Buffer.from(buf.subarray(prevHashAt, prevHashEnd));
        result.firstSeq = seq;
      } else if (prevHashEnd - prevHashAt !== 32 || prev.compare(buf, prevHashAt, prevHashEnd, prevAt, prevAt + 32) !== 0) {
        return fail(
          seq === 1
            ? { seq, problem: 'bad genesis', detail: 'the first entry does not chain from 32 zero bytes' }
            : { seq, problem: 'broken link', detail: `prev_hash does not equal the hash of seq ${seq - 1}` },
        );
      }
      // prev_hash ‖ canonical are contiguous in the page: hash them in place.
      if (hashLength !== 32 || sha256Of(buf.subarray(prevHashAt, o)).compare(buf, hashAt, prevHashAt) !== 0) {
        return fail({ seq, problem: 'hash mismatch', detail: 'SHA-256(prev ‖ canonical bytes) differs from the stored hash' });
      }
      prev = buf;
      prevAt = hashAt;
      expectedSeq += 1;
      count += 1;
    }
    if (rows < pageSize) break;
  }
  return { ...result, count, ...(prev && count > 0 ? { lastHash: Buffer.from(prev.subarray(prevAt, prevAt + 32)) } : {}) };
}

function decode([bytes, hash]: [Buffer, Buffer]): AuditEntry {
  const parsed = JSON.parse(bytes.toString('utf8')) as Omit<AuditEntry, 'hash'>;
  return { ...parsed, hash: hash.toString('hex') };
}
