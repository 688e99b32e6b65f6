// Signing a checkpoint of the audit trail's Merkle tree, and auditing it (issue 16): used by
// `audit checkpoint` and by the engine's periodic checkpoints (source/engine/checkpoint-emitter.ts).
import type { SignerKey } from '../domain/signed-note.js';
import { formatCheckpoint, signNote } from '../domain/signed-note.js';
import type { AuditLog } from './audit-log.js';

/**
 * Audits a checkpoint, then signs the tree that includes that record: the checkpoint covers its own audit
 * entry, so even a tail truncated by one entry right after it is caught. Returns the note.
 */
export function signCheckpoint(log: AuditLog, key: SignerKey, actor: { kind: 'human' | 'system'; id: string }, destination: string, now: Date): { note: string; size: number; root: Buffer } {
  log.merkle.catchUp();
  const [record] = log.append([
    {
      ts: now.toISOString(),
      actor,
      event: 'checkpoint_signed',
      deploymentId: null,
      payload: { origin: key.name, keyId: key.id.toString(16).padStart(8, '0'), destination },
    },
  ]);
  // The size is this entry's seq, whatever other writers append meanwhile; the root follows from the entries.
  const size = record?.seq ?? 0;
  const root = log.merkle.root(size);
  const note = signNote(formatCheckpoint({ origin: key.name, size, root, extensions: [] }), key);
  return { note, size, root };
}
