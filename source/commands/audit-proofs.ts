// `genops-tui audit checkpoint|prove|consistency`, and `audit verify --checkpoint FILE --key PUBKEY`: the audit
// trail's Merkle tree (issue 16) — signed checkpoints, proofs as JSON with hex hashes, and the check that the
// log is still the one a checkpoint committed to.
import { availableParallelism, userInfo } from 'node:os';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { SignerKey, VerifierKey } from '../domain/signed-note.js';
import { NoteError, openNote, parseCheckpoint, parseSignerKey, parseVerifierKey } from '../domain/signed-note.js';
import { InputError } from '../io/input-error.js';
import { AuditLog } from '../store/audit-log.js';
import { signCheckpoint } from '../store/audit-checkpoint.js';
import { checkConsistency } from '../store/audit-consistency.js';
import { verifyParallel } from '../store/audit-verify.js';
import { safeJson } from '../domain/safe-json.js';
import { dbPath, openDatabase } from '../store/database.js';
import { openForReading } from './audit.js';
import type { CommandIo } from './io.js';
import { UsageError } from './io.js';

/** audit verify --checkpoint: the log is not the one the checkpoint committed to (truncated, rewritten, forked). */
export const CHECKPOINT_INCONSISTENT_EXIT = 5;
/** audit verify --checkpoint: the checkpoint is not signed by the given key (wrong key or altered text). */
export const CHECKPOINT_SIGNATURE_EXIT = 6;
/** The chain itself is broken (as plain `audit verify`). */
const TAMPERED_EXIT = 1;

export interface ProofFlags {
  db?: string;
  json: boolean;
  key?: string;
  out?: string;
  checkpoint?: string;
  size?: number;
  as?: string;
  jobs?: number;
}

const readText = (file: string, what: string): string => {
  if (!existsSync(file)) throw new InputError([{ file, field: what, message: 'file not found' }]);
  return readFileSync(file, 'utf8');
};

export function loadSignerKey(file: string): SignerKey {
  try {
    return parseSignerKey(readText(file, '--key'));
  } catch (error) {
    if (error instanceof NoteError) throw new InputError([{ file, line: 1, field: 'signer key', message: error.message }]);
    throw error;
  }
}

/** --key for verification: a verifier key (<name>+<id>+<key>) or a file holding one. */
function loadVerifierKey(value: string): VerifierKey {
  const fromFile = existsSync(value);
  try {
    return parseVerifierKey(fromFile ? readFileSync(value, 'utf8') : value);
  } catch (error) {
    if (error instanceof NoteError) throw new InputError([{ file: fromFile ? value : '--key', ...(fromFile ? { line: 1 } : {}), field: 'verifier key', message: error.message }]);
    throw error;
  }
}

function nonNegative(value: string | number | undefined, what: string): number {
  const n = typeof value === 'number' ? value : value !== undefined && /^[0-9]+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 0) throw new UsageError(`${what} must be a non-negative integer`);
  return n;
}

export async function auditProofsCommand(sub: string, args: readonly string[], flags: ProofFlags, io: CommandIo): Promise<number> {
  const path = dbPath(flags.db);
  switch (sub) {
    case 'checkpoint': {
      if (!flags.key) throw new UsageError('audit checkpoint needs --key FILE (a signing key from `genops-tui key create`)');
      const key = loadSignerKey(flags.key);
      const db = openDatabase(path);
      try {
        const { note, size, root } = signCheckpoint(new AuditLog(db), key, { kind: 'human', id: flags.as ?? userInfo().username }, flags.out ?? 'stdout', new Date());
        if (flags.out) {
          writeFileSync(flags.out, note);
          io.err(`checkpoint of ${size} entries (root ${root.toString('hex')}) signed by ${key.name} → ${flags.out}`);
        } else io.out(note.slice(0, -1));
        return 0;
      } finally {
        db.close();
      }
    }
    case 'prove': {
      const seq = nonNegative(args[0], 'audit prove SEQ');
      const opened = openForReading(path, io);
      if (typeof opened === 'number') return opened;
      const { db } = opened;
      try {
        const log = new AuditLog(db);
        const size = flags.size === undefined ? log.merkle.size() : nonNegative(flags.size, '--size');
        if (size > log.merkle.size()) throw new UsageError(`--size ${size} exceeds the log's ${log.merkle.size()} entries`);
        if (seq < 1 || seq > size) throw new UsageError(`seq ${seq} is not in a tree of ${size} entries`);
        const proof = log.merkle.inclusionProof(seq - 1, size);
        io.out(
          safeJson({ seq, leafIndex: seq - 1, treeSize: size, leafHash: log.merkle.leafHash(seq - 1).toString('hex'), rootHash: log.merkle.root(size).toString('hex'), proof: proof.map((p) => p.toString('hex')) }),
        );
        return 0;
      } finally {
        db.close();
      }
    }
    case 'consistency': {
      const oldSize = nonNegative(args[0], 'audit consistency OLD');
      const newSize = nonNegative(args[1], 'audit consistency NEW');
      if (oldSize > newSize) throw new UsageError(`OLD (${oldSize}) must not exceed NEW (${newSize})`);
      const opened = openForReading(path, io);
      if (typeof opened === 'number') return opened;
      const { db } = opened;
      try {
        const merkle = new AuditLog(db).merkle;
        if (newSize > merkle.size()) throw new UsageError(`NEW (${newSize}) exceeds the log's ${merkle.size()} entries`);
        const proof = merkle.consistencyProof(oldSize, newSize);
        io.out(safeJson({ oldSize, newSize, oldRoot: merkle.root(oldSize).toString('hex'), newRoot: merkle.root(newSize).toString('hex'), proof: proof.map((p) => p.toString('hex')) }));
        return 0;
      } finally {
        db.close();
      }
    }
    case 'verify':
      return verifyAgainstCheckpoint(path, flags, io);
    default:
      throw new UsageError(`unknown audit subcommand "${sub}"`);
  }
}

async function verifyAgainstCheckpoint(path: string, flags: ProofFlags, io: CommandIo): Promise<number> {
  if (!flags.checkpoint || !flags.key) throw new UsageError('audit verify --checkpoint FILE needs --key PUBKEY (a verifier key, or a file holding one)');
  const key = loadVerifierKey(flags.key);
  const note = readText(flags.checkpoint, '--checkpoint');
  const report = (r: Record<string, unknown>, text: string, code: number): number => {
    if (flags.json) io.out(safeJson({ ...r, exitCode: code }));
    else if (code === 0) io.out(text);
    else io.err(text);
    return code;
  };
  const signed = openNote(note, key);
  if (!signed.ok) return report({ ok: false, problem: 'bad signature', detail: signed.reason }, `checkpoint ${flags.checkpoint} REJECTED: ${signed.reason}`, CHECKPOINT_SIGNATURE_EXIT);
  let checkpoint;
  try {
    checkpoint = parseCheckpoint(signed.text);
  } catch (error) {
    if (error instanceof NoteError) throw new InputError([{ file: flags.checkpoint, field: 'checkpoint', message: error.message }]);
    throw error;
  }
  const opened = openForReading(path, io);
  if (typeof opened === 'number') return opened;
  const { db, inMemory } = opened;
  try {
    // Worker threads open the file themselves: not possible for a copy read into memory.
    const jobs = inMemory ? 1 : flags.jobs ?? Math.min(4, availableParallelism());
    const chain = await verifyParallel(db, path, jobs);
    if (!chain.ok) {
      return report({ ok: false, problem: 'chain broken', seq: chain.seq, detail: `${chain.problem}: ${chain.detail}` }, `audit trail TAMPERED at seq ${chain.seq}: ${chain.problem}: ${chain.detail}`, TAMPERED_EXIT);
    }
    const r = checkConsistency(db, checkpoint);
    const signer = `${key.name} (key ID ${key.id.toString(16).padStart(8, '0')})`;
    if (r.ok) {
      return report(
        { ...r, origin: checkpoint.origin },
        `audit trail consistent with checkpoint "${checkpoint.origin}" of ${r.checkpointSize} entries signed by ${signer}: ${r.size} entries now, root ${r.root}; chain intact`,
        0,
      );
    }
    const code = r.problem === 'stored tree differs' ? TAMPERED_EXIT : CHECKPOINT_INCONSISTENT_EXIT;
    return report({ ...r, origin: checkpoint.origin }, `audit trail ${r.problem.toUpperCase()} since checkpoint "${checkpoint.origin}" (${r.checkpointSize} entries, signed by ${signer}): ${r.detail}`, code);
  } finally {
    db.close();
  }
}

