// The audit trail as a stream. Every event carries its audit seq; the hub reads new entries from the
// database in seq order (whoever appended them: the engine, a refusal, a token change, another process) and
// hands them to subscribers. A subscriber that joins after seq N is first given N+1..head from the table,
// then live entries, all synchronously, so nothing is lost between the two and nothing comes twice.
//
// Entries go out in batches: everything appended since the last hand-out, as one array shared by every
// subscriber (those of one deployment share that deployment's slice). The event stream turns a batch into
// its wire bytes once and writes them once per subscriber, so a burst costs one write per subscriber per
// batch, not one per entry per subscriber.
import type { AuditEntry, AuditLog } from '../store/audit-log.js';

/** Returns false when it wants no more (a stream that closed): a replay then stops reading. */
export type EntryListener = (entry: AuditEntry) => void | false;
/** A batch in seq order; the array is shared with other subscribers and must not be changed. */
export type BatchListener = (entries: readonly AuditEntry[]) => void | false;

const PAGE = 1_000;

export class EventHub {
  /** In-process observers (metrics, the log line), entry by entry. */
  private readonly followers = new Set<EntryListener>();
  private readonly writtenListeners = new Set<(entries: readonly AuditEntry[]) => void>();
  /** Streams of every entry. */
  private readonly everything = new Set<BatchListener>();
  /** Streams of one deployment's entries, by deployment id. */
  private readonly byDeployment = new Map<string, Set<BatchListener>>();
  private scheduled = false;
  private scheduledSoon = false;
  private head: number;

  constructor(private readonly audit: AuditLog) {
    this.head = (audit.tail(1)[0]?.seq ?? 0);
  }

  /** The last seq handed to subscribers. */
  get lastSeq(): number {
    return this.head;
  }

  /**
   * Something was appended: read it once, after the current turn of the event loop, so the HTTP requests read
   * together (a flood of refusals, each audited) go out as one batch.
   */
  poke(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  /**
   * The engine appended: read it as soon as the task that appended ends (the engine loop's pass, bounded in
   * time), before the event loop turns to the requests that arrived meanwhile. A burst of requests read in one
   * turn would otherwise hold every event of the pass before it for as long as they take.
   */
  pokeAfterTask(): void {
    if (this.scheduledSoon) return;
    this.scheduledSoon = true;
    queueMicrotask(() => {
      this.scheduledSoon = false;
      this.flush();
    });
  }

  /** Hands every entry after the last one handed out to the subscribers, in order. */
  flush(): void {
    for (;;) {
      const entries = this.audit.since(this.head, PAGE);
      const last = entries[entries.length - 1];
      if (last === undefined) return;
      this.head = last.seq;
      for (const l of this.everything) l(entries);
      if (this.byDeployment.size > 0) {
        // One pass groups the batch; each deployment's subscribers share its slice.
        const groups = new Map<string, AuditEntry[]>();
        for (const e of entries) {
          if (e.deploymentId === null || !this.byDeployment.has(e.deploymentId)) continue;
          let g = groups.get(e.deploymentId);
          if (!g) groups.set(e.deploymentId, (g = []));
          g.push(e);
        }
        for (const [id, g] of groups) for (const l of this.byDeployment.get(id) ?? []) l(g);
      }
      // In-process observers (the delivery metric, other metrics, the log line) after the streams: a subscriber
      // does not wait on them.
      if (this.everything.size + this.byDeployment.size > 0) for (const w of this.writtenListeners) w(entries);
      for (const f of this.followers) for (const e of entries) f(e);
      if (entries.length < PAGE) return;
    }
  }

  /**
   * Replays entries after `after` (those of one deployment when given) up to the head, then follows live.
   * Returns the unsubscribe function.
   */
  subscribe(after: number, listener: BatchListener, deployment?: string): () => void {
    this.flush();
    const head = this.head;
    let open = true;
    if (deployment !== undefined) {
      const replay = this.audit.forDeployment(deployment).filter((e) => e.seq > after && e.seq <= head);
      if (replay.length > 0) open = listener(replay) !== false;
    } else {
      for (let from = after; open && from < head; ) {
        const page = this.audit.since(from, PAGE).filter((e) => e.seq <= head);
        const last = page[page.length - 1];
        if (last === undefined) break;
        open = listener(page) !== false;
        from = last.seq;
      }
    }
    if (!open) return () => undefined;
    if (deployment === undefined) {
      this.everything.add(listener);
      return () => this.everything.delete(listener);
    }
    let set = this.byDeployment.get(deployment);
    if (!set) this.byDeployment.set(deployment, (set = new Set()));
    set.add(listener);
    return () => {
      const s = this.byDeployment.get(deployment);
      if (!s?.delete(listener)) return;
      if (s.size === 0) this.byDeployment.delete(deployment);
    };
  }

  /** Up to a page of entries after `after`, from the table: a long replay is read a page at a time. */
  page(after: number): AuditEntry[] {
    return this.audit.since(after, PAGE);
  }

  /** Told each batch once it has been handed to the open streams (none open: not told): the delivery metric. */
  onWritten(listener: (entries: readonly AuditEntry[]) => void): () => void {
    this.writtenListeners.add(listener);
    return () => this.writtenListeners.delete(listener);
  }

  /** For in-process observers (metrics) that only want what comes from now on. */
  follow(listener: EntryListener): () => void {
    this.followers.add(listener);
    return () => this.followers.delete(listener);
  }

  get subscribers(): number {
    let n = this.followers.size + this.everything.size;
    for (const s of this.byDeployment.values()) n += s.size;
    return n;
  }
}
