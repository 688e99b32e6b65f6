// Is the audit trail in this database still the one a signed checkpoint committed to? Nothing stored is
// trusted: the tree is recomputed from the entries' canonical bytes, its root at the checkpoint's size is
// compared with the checkpoint's, and the stored subtrees are compared with the recomputed ones on the way.
import type { Db } from './database.js';
import { BASE_LEVEL, MerkleLog } from './merkle-log.js';
import { leafHash, MerkleFrontier, verifyConsistency } from '../domain/merkle.js';

export type ConsistencyProblem = 'truncated' | 'rewritten or forked' | 'stored tree differs';

export type ConsistencyResult =
  | { ok: true; size: number; root: string; checkpointSize: number; proofLength: number }
  | { ok: false; size: number; checkpointSize: number; problem: ConsistencyProblem; detail: string };

const PAGE = 20_000;

export function checkConsistency(db: Db, checkpoint: { size: number; root: Buffer }): ConsistencyResult {
  const merkle = new MerkleLog(db);
  const stored = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'audit_merkle'").get() !== undefined;
  const storedNode = stored ? db.prepare('SELECT hash FROM audit_merkle WHERE level = ? AND idx = ?').pluck() : null;
  // Pages by seq range, canonical bytes only: a page with fewer rows than its range has a gap (seq is the key).
  const page = db.prepare('SELECT canonical FROM audit WHERE seq > ? AND seq <= ? ORDER BY seq').pluck();
  const maxSeq = (db.prepare('SELECT coalesce(max(seq), 0) FROM audit').pluck().get() as number) ?? 0;
  const frontier = new MerkleFrontier();
  let rootAtCheckpoint = checkpoint.size === 0 ? frontier.root() : null;
  let treeDiffers: string | null = null;
  const compare = (level: number, index: number, hash: Buffer): void => {
    if (treeDiffers || level < BASE_LEVEL || !storedNode) return;
    const kept = storedNode.get(level, index) as Buffer | undefined;
    if (kept && !kept.equals(hash)) treeDiffers = `entries ${index * 2 ** level + 1}…${(index + 1) * 2 ** level} no longer hash to the subtree stored when they were appended`;
  };
  while (frontier.size < maxSeq) {
    const from = frontier.size;
    const to = Math.min(maxSeq, from + PAGE);
    const rows = page.all(from, to) as Buffer[];
    if (rows.length !== to - from) {
      return { ok: false, size: from, checkpointSize: checkpoint.size, problem: 'rewritten or forked', detail: `entries between seq ${from + 1} and ${to} are missing` };
    }
    for (const bytes of rows) {
      frontier.push(leafHash(bytes), compare);
      if (frontier.size === checkpoint.size) rootAtCheckpoint = frontier.root();
    }
  }
  const size = frontier.size;
  const base = { size, checkpointSize: checkpoint.size };
  if (size < checkpoint.size) {
    const missing = checkpoint.size - size;
    return { ok: false, ...base, problem: 'truncated', detail: `the log has ${size} entries but the checkpoint commits to ${checkpoint.size}: the last ${missing} ${missing === 1 ? 'entry is' : 'entries are'} gone` };
  }
  if (!rootAtCheckpoint?.equals(checkpoint.root)) {
    return {
      ok: false,
      ...base,
      problem: 'rewritten or forked',
      detail: `the first ${checkpoint.size} entries no longer hash to the checkpoint's root (${checkpoint.root.toString('hex')}; now ${rootAtCheckpoint?.toString('hex')}): history was rewritten or forked since the checkpoint${treeDiffers ? `; ${treeDiffers}` : ''}`,
    };
  }
  const root = frontier.root();
  // What a third party would be shown: a consistency proof from the stored tree, checked against both roots.
  const proof = merkle.consistencyProof(checkpoint.size, size);
  if (treeDiffers || !verifyConsistency(checkpoint.size, size, proof, checkpoint.root, root)) {
    return { ok: false, ...base, problem: 'stored tree differs', detail: treeDiffers ?? 'the consistency proof built from the stored tree does not verify: the audit_merkle table was altered' };
  }
  return { ok: true, size, root: root.toString('hex'), checkpointSize: checkpoint.size, proofLength: proof.length };
}
