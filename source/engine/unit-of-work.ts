// The engine's unit of work: one SQLite transaction (BEGIN IMMEDIATE) per piece of work; the audit entries
// recorded inside it appended once as it ends (the chain head read once) and announced only after it has
// committed; the deployments it moved remembered, so that when it fails the engine can put memory back to
// what the database holds.
import type { AuditEntry, AuditInput, AuditLog } from '../store/audit-log.js';
import type { Db } from '../store/database.js';

export interface UnitOfWorkHooks {
  /** Last writes before the commit (the machines that moved, as they stand now). */
  beforeCommit(): void;
  /** An entry that committed. */
  announce(entry: AuditEntry): void;
  /** Taken before the work starts and handed back on failure (the LEARNING loop's position). */
  mark(): number;
  /** The work failed and SQLite rolled it back: put back in memory what `touched` names. */
  rollBack(touched: ReadonlySet<string>, mark: number): void;
  /** The work ended, committed or not. */
  ended(): void;
}

export class UnitOfWork {
  /** Deployments the open unit has moved (events sent, submitted). */
  readonly touched = new Set<string>();
  /** Entries recorded inside the open unit, appended when it ends. */
  private pending: AuditInput[] | undefined;
  /** What the last unit appended, announced once it has committed. */
  private appended: AuditEntry[] = [];
  /** An error thrown while observing a transition; XState would swallow it, so the unit rethrows it. */
  private failure: unknown;
  /** Made once: better-sqlite3 transaction wrappers are costly to create per call. */
  private readonly transaction: ReturnType<Db['transaction']>;

  constructor(db: Db, private readonly audit: AuditLog, private readonly hooks: UnitOfWorkHooks) {
    this.transaction = db.transaction((fn: () => unknown) => {
      this.failure = undefined;
      this.pending = [];
      const result = fn();
      if (this.failure !== undefined) throw this.failure;
      this.hooks.beforeCommit();
      this.appended = this.pending.length > 0 ? this.audit.append(this.pending) : [];
      return result;
    });
  }

  /** Whether a unit is open (an actor started within one runs inside it). */
  get open(): boolean {
    return this.pending !== undefined;
  }

  /** Audit entries: appended with the open unit, or at once (and announced) outside one. */
  record(entries: AuditInput[]): void {
    if (this.pending) this.pending.push(...entries);
    else for (const entry of this.audit.append(entries)) this.hooks.announce(entry);
  }

  /** The open unit must fail with this error (the first one kept). */
  fail(error: unknown): void {
    this.failure ??= error;
  }

  /**
   * Runs `fn` as one unit: BEGIN IMMEDIATE, because other processes (gates, consoles) write the same file, and
   * a deferred transaction that reads first would fail at once with SQLITE_BUSY instead of waiting its turn.
   */
  run<T>(fn: () => T): T {
    const mark = this.hooks.mark();
    try {
      const result = this.transaction.immediate(fn) as T;
      const appended = this.appended;
      this.appended = [];
      for (const entry of appended) this.hooks.announce(entry);
      return result;
    } catch (error) {
      if (this.touched.size > 0) this.hooks.rollBack(this.touched, mark);
      throw error;
    } finally {
      this.pending = undefined;
      this.touched.clear();
      this.hooks.ended();
    }
  }
}
