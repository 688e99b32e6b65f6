// Rejected input is kept, with where it came from and why, instead of being dropped on the floor.
import type { InputProblem } from '../io/input-error.js';
import type { Db } from './database.js';

export interface QuarantineEntry extends InputProblem {
  id: number;
  source: string;
  at: number;
}

export class Quarantine {
  constructor(private readonly db: Db) {}

  add(source: string, problems: readonly InputProblem[], now: number): void {
    if (problems.length === 0) return;
    const insert = this.db.prepare('INSERT INTO quarantine (source, file, line, field, reason, raw, at) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.db.transaction(() => {
      for (const p of problems) insert.run(source, p.file, p.line ?? null, p.field, p.message, p.raw ?? null, now);
    }).immediate();
  }

  count(): number {
    return this.db.prepare('SELECT count(*) FROM quarantine').pluck().get() as number;
  }

  list(limit = 1_000): QuarantineEntry[] {
    const rows = this.db.prepare('SELECT id, source, file, line, field, reason, raw, at FROM quarantine ORDER BY id DESC LIMIT ?').all(limit) as Array<{
      id: number; source: string; file: string; line: number | null; field: string; reason: string; raw: string | null; at: number;
    }>;
    return rows.reverse().map((r) => ({ id: r.id, source: r.source, file: r.file, field: r.field, message: r.reason, at: r.at, ...(r.line !== null ? { line: r.line } : {}), ...(r.raw !== null ? { raw: r.raw } : {}) }));
  }
}
