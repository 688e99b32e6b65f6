// `genops-tui audit verify|tail|export`: the hash-chained audit trail, checked and read.
import { sanitize } from '../domain/sanitize.js';
import type { AuditEntry } from '../store/audit-log.js';
import { AuditLog } from '../store/audit-log.js';
import { dbPath, openDatabase } from '../store/database.js';
import { verifyParallel } from '../store/audit-verify.js';
import { availableParallelism } from 'node:os';
import type { CommandIo } from './io.js';
import { UsageError } from './io.js';

export const AUDIT_TAMPERED_EXIT = 1;

export function auditLine(e: AuditEntry): string {
  const payload = sanitize(JSON.stringify(e.payload), 120);
  return `${String(e.seq).padStart(6)}  ${e.ts}  ${`${e.actor.kind}:${sanitize(e.actor.id, 30)}`.padEnd(24)} ${sanitize(e.event, 30).padEnd(22)} ${sanitize(e.deploymentId ?? '-', 30).padEnd(20)} ${payload}`;
}

/** Above this many entries, verify uses every core (the chain splits into ranges; see audit-verify.ts). */
const PARALLEL_FROM = 200_000;

export async function auditCommand(sub: string | undefined, flags: { db?: string; json: boolean; count?: number; jobs?: number }, io: CommandIo): Promise<number> {
  const path = dbPath(flags.db);
  const db = openDatabase(path);
  try {
    const log = new AuditLog(db);
    switch (sub) {
      case 'verify': {
        if (flags.jobs !== undefined && !(Number.isInteger(flags.jobs) && flags.jobs >= 1 && flags.jobs <= 64)) throw new UsageError('--jobs must be an integer from 1 to 64');
        const jobs = flags.jobs ?? (log.count() > PARALLEL_FROM ? Math.min(4, availableParallelism()) : 1);
        const r = await verifyParallel(db, path, jobs);
        if (flags.json) io.out(JSON.stringify(r));
        else if (r.ok) io.out(`audit trail intact: ${r.count} entries, head ${r.head}`);
        else io.err(`audit trail TAMPERED at seq ${r.seq}: ${r.problem}: ${r.detail} (${r.count} entries verified before it)`);
        return r.ok ? 0 : AUDIT_TAMPERED_EXIT;
      }
      case 'tail': {
        const n = flags.count ?? 20;
        if (!Number.isInteger(n) || n < 1) throw new UsageError('-n must be a positive integer');
        for (const e of log.tail(n)) io.out(flags.json ? JSON.stringify(e) : auditLine(e));
        return 0;
      }
      case 'export': {
        for (const e of log.entries()) io.out(flags.json ? JSON.stringify(e) : auditLine(e));
        return 0;
      }
      default:
        throw new UsageError('audit needs a subcommand: verify, tail or export');
    }
  } finally {
    db.close();
  }
}
