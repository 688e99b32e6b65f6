// `genops-tui history import FILE.ndjson`: recorded deployments with outcomes into the database.
import { loadHistory } from '../io/load.js';
import { formatProblem } from '../io/input-error.js';
import { sanitize } from '../domain/sanitize.js';
import { AuditLog } from '../store/audit-log.js';
import { historyDigest } from '../store/row-digests.js';
import { safeJson } from '../domain/safe-json.js';
import { Quarantine } from '../store/quarantine.js';
import type { CommandIo } from './io.js';
import { UsageError } from './io.js';
import { openStoreContext } from './context.js';

export function historyImportCommand(file: string | undefined, flags: { db?: string; catalog?: string; json: boolean }, io: CommandIo): number {
  if (!file) throw new UsageError('history import needs a FILE.ndjson');
  const parsed = loadHistory(file);
  const ctx = openStoreContext(flags);
  try {
    const audit = new AuditLog(ctx.db);
    // Each batch is audited in its own transaction: every imported row's digest, so `audit verify --deep` can
    // name a row edited afterwards (an outcome flipped from rolled_back to succeeded changes the failure rates).
    const report = ctx.history.importRecords(file, parsed.records, 'import', (landed) => {
      const rows: Record<string, string> = {};
      for (const r of landed) rows[r.request.id] = historyDigest(r);
      audit.append([{ ts: new Date().toISOString(), actor: { kind: 'system', id: 'history-import' }, event: 'history_rows_imported', deploymentId: null, payload: { file, rows } }]);
    });
    const problems = [...parsed.problems, ...report.problems].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    // A line with four bad fields is one rejected line (four problems).
    const rejected = new Set(problems.map((p) => p.line ?? -1)).size;
    new Quarantine(ctx.db).add('history import', problems, Date.now());
    audit.append([
      {
        ts: new Date().toISOString(),
        actor: { kind: 'system', id: 'history-import' },
        event: 'history_imported',
        deploymentId: null,
        payload: { file, imported: report.imported, rejected },
      },
    ]);
    if (flags.json) io.out(safeJson({ imported: report.imported, rejected, problems, index: ctx.history.indexReport }));
    else {
      for (const p of problems) io.err(`rejected ${sanitize(formatProblem(p))}`);
      io.out(`imported ${report.imported} deployments, rejected ${rejected} line${rejected === 1 ? '' : 's'}; index holds ${ctx.history.index.count} (${ctx.history.indexReport.reason})`);
    }
    // Partial success is still success; a file with nothing usable is bad input.
    return report.imported === 0 && problems.length > 0 ? 2 : 0;
  } finally {
    ctx.close();
  }
}
