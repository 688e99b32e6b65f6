// `genops-tui quarantine list`: what was rejected, where it came from and why.
import { safeJson } from '../domain/safe-json.js';
import { sanitize } from '../domain/sanitize.js';
import { formatProblem } from '../io/input-error.js';
import { dbPath, openDatabase } from '../store/database.js';
import { Quarantine } from '../store/quarantine.js';
import type { CommandIo } from './io.js';
import { UsageError } from './io.js';

export function quarantineCommand(sub: string | undefined, flags: { db?: string; json: boolean }, io: CommandIo): number {
  if (sub !== 'list') throw new UsageError('quarantine needs a subcommand: list');
  const db = openDatabase(dbPath(flags.db));
  try {
    const entries = new Quarantine(db).list();
    if (flags.json) for (const e of entries) io.out(safeJson(e));
    else {
      if (entries.length === 0) io.out('quarantine is empty');
      for (const e of entries) io.out(`${new Date(e.at).toISOString()} ${sanitize(e.source)} ${sanitize(formatProblem(e), 300)}${e.raw ? `\n    ${sanitize(e.raw, 160)}` : ''}`);
    }
    return 0;
  } finally {
    db.close();
  }
}
