// `genops-tui audit verify|tail|export`: the hash-chained audit trail, checked and read.
import { sanitize } from '../domain/sanitize.js';
import type { AuditEntry } from '../store/audit-log.js';
import { AuditLog } from '../store/audit-log.js';
import { DatabaseMissing, DatabaseUnreadable, dbPath, openDatabase, openReadOnly } from '../store/database.js';
import type { Db } from '../store/database.js';
import { reconcile } from '../store/audit-deep.js';
import { safeJson } from '../domain/safe-json.js';
import { verifyParallel } from '../store/audit-verify.js';
import { availableParallelism } from 'node:os';
import type { CommandIo } from './io.js';
import { UsageError } from './io.js';

export const AUDIT_TAMPERED_EXIT = 1;
/** The file is not a readable genops-tui database (corrupt, truncated, not SQLite): not evidence of tampering. */
export const AUDIT_UNREADABLE_EXIT = 3;

/** One entry on one line; `payloadWidth` cuts the payload (tail), Infinity keeps it whole (export). */
export function auditLine(e: AuditEntry, payloadWidth = 120): string {
  const payload = sanitize(JSON.stringify(e.payload), payloadWidth);
  return `${String(e.seq).padStart(6)}  ${e.ts}  ${`${e.actor.kind}:${sanitize(e.actor.id, 30)}`.padEnd(24)} ${sanitize(e.event, 30).padEnd(22)} ${sanitize(e.deploymentId ?? '-', 30).padEnd(20)} ${payload}`;
}

/** Above this many entries, verify uses every core (the chain splits into ranges; see audit-verify.ts). */
const PARALLEL_FROM = 200_000;

/** Read-only, creating nothing: a missing file is a usage error (exit 2), an unreadable one exit 3 (said here). */
export function openForReading(path: string, io: CommandIo): { db: Db; inMemory: boolean } | number {
  try {
    return openReadOnly(path);
  } catch (error) {
    if (error instanceof DatabaseMissing) throw new UsageError(`--db ${sanitize(path)}: no such database file (nothing was created)`);
    if (error instanceof DatabaseUnreadable) {
      io.err(`error: ${sanitize(error.message)}`);
      return AUDIT_UNREADABLE_EXIT;
    }
    throw error;
  }
}

/** Subcommands that only read: they open the file read-only and never create or migrate it. */
const READ_ONLY = new Set(['verify', 'tail', 'export']);

export async function auditCommand(sub: string | undefined, flags: { db?: string; json: boolean; count?: number; jobs?: number; deep?: boolean }, io: CommandIo): Promise<number> {
  const path = dbPath(flags.db);
  const opened = READ_ONLY.has(sub ?? '') ? openForReading(path, io) : { db: openDatabase(path), inMemory: false };
  if (typeof opened === 'number') return opened;
  const { db, inMemory } = opened;
  try {
    const log = new AuditLog(db);
    switch (sub) {
      case 'verify': {
        if (flags.jobs !== undefined && !(Number.isInteger(flags.jobs) && flags.jobs >= 1 && flags.jobs <= 64)) throw new UsageError('--jobs must be an integer from 1 to 64');
        // Worker threads open the file themselves: not possible for a copy read into memory.
        const jobs = inMemory ? 1 : flags.jobs ?? (log.count() > PARALLEL_FROM ? Math.min(4, availableParallelism()) : 1);
        const r = await verifyParallel(db, path, jobs);
        const differences = flags.deep ? reconcile(db) : [];
        if (flags.json) io.out(safeJson({ ...r, ...(flags.deep ? { deep: { ok: differences.length === 0, differences } } : {}) }));
        else {
          if (r.ok) io.out(`audit trail intact: ${r.count} entries, head ${r.head}`);
          else io.err(`audit trail TAMPERED at seq ${r.seq}: ${r.problem}: ${r.detail} (${r.count} entries verified before it)`);
          for (const d of differences) io.err(`${d.table} row ${sanitize(d.id)}: ${sanitize(d.field)} is ${sanitize(String(d.row))} but the audit trail says ${sanitize(String(d.audit))}${d.seq !== undefined ? ` (seq ${d.seq})` : ''}`);
          if (flags.deep && differences.length === 0) io.out('tables reconcile with the audit trail: deployments (requests, decisions, outcomes, imported history) and services');
          if (flags.deep && differences.length > 0) io.err(`${differences.length} row${differences.length === 1 ? '' : 's'} differ from the audit trail`);
        }
        return r.ok && differences.length === 0 ? 0 : AUDIT_TAMPERED_EXIT;
      }
      case 'tail': {
        const n = flags.count ?? 20;
        if (!Number.isInteger(n) || n < 1) throw new UsageError('-n must be a positive integer');
        for (const e of log.tail(n)) io.out(flags.json ? safeJson(e) : auditLine(e));
        return 0;
      }
      case 'export': {
        // The plain export is complete: payloads are never cut (tail shortens them to fit a line).
        // --json carries the hashed bytes and prev hashes, so an export verifies offline (README, "Export format").
        if (flags.json) for (const e of log.exportEntries()) io.out(safeJson(e));
        else for (const e of log.entries()) io.out(auditLine(e, Infinity));
        return 0;
      }
      default:
        throw new UsageError('audit needs a subcommand: verify, tail, export, checkpoint, prove or consistency');
    }
  } catch (error) {
    // A corrupt page found while reading: the file is damaged, which is not the same as a broken chain.
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && /^SQLITE_(CORRUPT|NOTADB|IOERR)/.test(code)) {
      io.err(`error: ${sanitize(path)}: the database is damaged (${code}): ${sanitize(error instanceof Error ? error.message : String(error))}`);
      return AUDIT_UNREADABLE_EXIT;
    }
    throw error;
  } finally {
    db.close();
  }
}
