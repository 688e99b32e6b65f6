// `genops-tui history import FILE.ndjson`: recorded deployments with outcomes into the database.
import { loadHistory } from '../io/load.js';
import { formatProblem } from '../io/input-error.js';
import { AuditLog } from '../store/audit-log.js';
import { Quarantine } from '../store/quarantine.js';
import type { CommandIo } from './io.js';
import { UsageError } from './io.js';
import { openStoreContext } from './context.js';

export function historyImportCommand(file: string | undefined, flags: { db?: string; catalog?: string; json: boolean }, io: CommandIo): number {
  if (!file) throw new UsageError('history import needs a FILE.ndjson');
  const parsed = loadHistory(file);
  const ctx = openStoreContext(flags);
  try {
    const report = ctx.history.importRecords(file, parsed.records);
    const problems = [...parsed.problems, ...report.problems].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    new Quarantine(ctx.db).add('history import', problems, Date.now());
    new AuditLog(ctx.db).append([
      {
        ts: new Date().toISOString(),
        actor: { kind: 'system', id: 'history-import' },
        event: 'history_imported',
        deploymentId: null,
        payload: { file, imported: report.imported, rejected: problems.length },
      },
    ]);
    if (flags.json) io.out(JSON.stringify({ imported: report.imported, rejected: problems.length, problems, index: ctx.history.indexReport }));
    else {
      for (const p of problems) io.err(`rejected ${formatProblem(p)}`);
      io.out(`imported ${report.imported} deployments, rejected ${problems.length} lines; index holds ${ctx.history.index.count} (${ctx.history.indexReport.reason})`);
    }
    // Partial success is still success; a file with nothing usable is bad input.
    return report.imported === 0 && problems.length > 0 ? 2 : 0;
  } finally {
    ctx.close();
  }
}
