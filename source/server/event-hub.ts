// The audit trail as a stream. Every event carries its audit seq; the hub reads new entries from the
// database in seq order (whoever appended them: the engine, a refusal, a token change, another process) and
// hands them to subscribers. A subscriber that joins after seq N is first given N+1..head from the table,
// then live entries, all synchronously, so nothing is lost between the two and nothing comes twice.
import type { AuditEntry, AuditLog } from '../store/audit-log.js';

/** Returns false when it wants no more (a stream that closed): a replay then stops reading. */
export type EntryListener = (entry: AuditEntry) => void | false;

export class EventHub {
  private readonly listeners = new Set<EntryListener>();
  private scheduled = false;
  private head: number;

  constructor(private readonly audit: AuditLog) {
    this.head = (audit.tail(1)[0]?.seq ?? 0);
  }

  /** The last seq handed to subscribers. */
  get lastSeq(): number {
    return this.head;
  }

  /** Something was appended: read it once, at the end of this turn (one read for a transaction's entries). */
  poke(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  /** Hands every entry after the last one handed out to the subscribers, in order. */
  flush(): void {
    for (;;) {
      const entries = this.audit.since(this.head, 1_000);
      for (const entry of entries) {
        this.head = entry.seq;
        for (const l of this.listeners) l(entry);
      }
      if (entries.length < 1_000) return;
    }
  }

  /**
   * Replays entries after `after` (those of one deployment when given) up to the head, then follows live.
   * Returns the unsubscribe function.
   */
  subscribe(after: number, listener: EntryListener, deployment?: string): () => void {
    this.flush();
    const head = this.head;
    const wanted = (e: AuditEntry): boolean => deployment === undefined || e.deploymentId === deployment;
    let open = true;
    if (deployment !== undefined) {
      for (const e of this.audit.forDeployment(deployment)) if (open && e.seq > after && e.seq <= head) open = listener(e) !== false;
    } else {
      for (let from = after; open && from < head; ) {
        const page = this.audit.since(from, 1_000);
        if (page.length === 0) break;
        for (const e of page) if (open && e.seq <= head) open = listener(e) !== false;
        from = page[page.length - 1]?.seq ?? head;
      }
    }
    if (!open) return () => undefined;
    const live: EntryListener = (e) => {
      if (wanted(e)) listener(e);
    };
    this.listeners.add(live);
    return () => this.listeners.delete(live);
  }

  /** For in-process observers (metrics) that only want what comes from now on. */
  follow(listener: EntryListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get subscribers(): number {
    return this.listeners.size;
  }
}
