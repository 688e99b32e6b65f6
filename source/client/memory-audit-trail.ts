// The audit trail as a console over HTTP knows it: the entries the server sent (the tail at start, then the
// event stream), kept in memory. One deployment's full history is asked for once, when the console first
// shows it; until it arrives the entries seen so far are shown.
import type { AuditTrail } from '../ui/console-engine.js';
import type { AuditEntry } from '../store/audit-log.js';

/** Entries kept for the audit pane (the console shows the last 200). */
const TAIL_KEPT = 1_000;
/** Deployments whose entries are kept; the least recently touched are dropped and fetched again if shown. */
const DEPLOYMENTS_KEPT = 2_000;

export class MemoryAuditTrail implements AuditTrail {
  private readonly recent: AuditEntry[] = [];
  /** Per deployment, oldest first, by seq; `complete` once its history was fetched from the server. */
  private readonly byDeployment = new Map<string, { entries: AuditEntry[]; complete: boolean }>();
  private readonly asked = new Set<string>();

  /** `fetchHistory` reads one deployment's entries from the server; `changed` re-renders when they arrive. */
  constructor(
    private readonly fetchHistory: (deploymentId: string) => Promise<AuditEntry[]>,
    private readonly changed: () => void,
  ) {}

  get lastSeq(): number {
    return this.recent.at(-1)?.seq ?? 0;
  }

  /** Entries in seq order; an entry already known (a replay after a reconnect) is not added twice. */
  add(entry: AuditEntry): boolean {
    if (entry.seq <= this.lastSeq) return false;
    this.recent.push(entry);
    if (this.recent.length > TAIL_KEPT * 2) this.recent.splice(0, this.recent.length - TAIL_KEPT);
    if (entry.deploymentId !== null) {
      const known = this.byDeployment.get(entry.deploymentId);
      if (known) {
        known.entries.push(entry);
        // Most recently touched last, for the eviction below.
        this.byDeployment.delete(entry.deploymentId);
        this.byDeployment.set(entry.deploymentId, known);
      } else this.byDeployment.set(entry.deploymentId, { entries: [entry], complete: false });
      this.evict();
    }
    return true;
  }

  tail(n: number): AuditEntry[] {
    return this.recent.slice(-n);
  }

  forDeployment(deploymentId: string): AuditEntry[] {
    const known = this.byDeployment.get(deploymentId);
    if (!known?.complete && !this.asked.has(deploymentId)) this.load(deploymentId);
    return known?.entries ?? [];
  }

  private load(deploymentId: string): void {
    this.asked.add(deploymentId);
    this.fetchHistory(deploymentId).then(
      (fetched) => {
        this.asked.delete(deploymentId);
        // Merged by seq with what the stream brought meanwhile: nothing twice, nothing lost.
        const seen = this.byDeployment.get(deploymentId)?.entries ?? [];
        const bySeq = new Map<number, AuditEntry>();
        for (const e of [...fetched, ...seen]) bySeq.set(e.seq, e);
        const entries = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
        this.byDeployment.delete(deploymentId);
        this.byDeployment.set(deploymentId, { entries, complete: true });
        this.evict();
        this.changed();
      },
      () => {
        // The server did not answer: asked again the next time the timeline is drawn, after a pause.
        setTimeout(() => this.asked.delete(deploymentId), 2_000).unref();
      },
    );
  }

  private evict(): void {
    while (this.byDeployment.size > DEPLOYMENTS_KEPT) {
      const oldest = this.byDeployment.keys().next().value;
      if (oldest === undefined) return;
      this.byDeployment.delete(oldest);
    }
  }
}
