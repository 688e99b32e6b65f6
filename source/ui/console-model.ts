// What the console shows and drives, outside React: the engine, the replay clock, the audit tail.
// The engine's events are the only source of truth; the model only counts versions for re-rendering.
import type { ConsoleEngine } from './console-engine.js';
import type { VirtualClock } from '../engine/clock.js';
import type { AuditEntry } from '../store/audit-log.js';
import type { Replay } from '../sources/replay.js';

export interface ReplayControl {
  replay: Replay;
  clock: VirtualClock;
}

/** A decision sent to an engine another process runs, not yet answered. */
export interface PendingDecision {
  id: string;
  action: string;
  by: string;
  sentAt: number;
  /** When the engine stops taking it (it is then refused and audited), if known. */
  deadline: number | undefined;
  /** The console stopped waiting in the foreground; it still watches the trail for the answer. */
  queued: boolean;
}

/** The audit event each decision writes when the engine applies it. */
const APPLIED: Record<string, string> = { approve: 'approved', reject: 'rejected', pause: 'pause_requested', resume: 'resumed', promote: 'promoted_by_operator', abort: 'aborted', resolve: 'rollback_resolved' };

/** The engine's heartbeat as an attached console (or one over HTTP) sees it. */
export interface Liveness {
  state: 'alive' | 'stale' | 'gone';
  /** Since the engine last renewed its lease (over HTTP: since the server last said it was ready). */
  ageMs: number | undefined;
  /** Over HTTP, what was seen: the server, its engine, the event stream ("stream connected"). */
  detail?: string;
}

export const SPEEDS = [1, 2, 5, 10, 30, 60, 120, 300, 600] as const;
const AUDIT_TAIL = 200;
/** Nothing in flight and the next request further than this: jump to it instead of waiting. */
const IDLE_JUMP_MS = 60_000;

export class ConsoleModel {
  version = 0;
  readonly audit: AuditEntry[] = [];
  paused: boolean;
  speed: number;
  /** Rejected input lines kept in the quarantine table (shown in the status bar). */
  quarantined = 0;
  /** Live, watching an engine another process runs: which one (shown in the status bar). */
  attachedTo: string | undefined;
  /** Attached: how the engine's lease looks now. */
  liveness: (() => Liveness) | undefined;
  /** Decisions sent through another engine's queue and not answered yet. */
  readonly pending: PendingDecision[] = [];
  /** Said to the operator when a queued decision is applied later, so nothing lands silently. */
  onNotice: ((text: string) => void) | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly engine: ConsoleEngine,
    readonly source: ReplayControl | undefined,
    options: { speed: number; paused: boolean },
  ) {
    this.liveness = undefined;
    this.onNotice = undefined;
    this.speed = options.speed;
    this.paused = options.paused;
    this.audit.push(...engine.audit.tail(AUDIT_TAIL));
    engine.on((event) => {
      if (event.kind === 'audit') {
        this.audit.push(event.entry);
        if (this.audit.length > AUDIT_TAIL) this.audit.splice(0, this.audit.length - AUDIT_TAIL);
        this.settle(event.entry);
      }
      this.changed();
    });
  }

  /** A queued decision the trail shows applied: it leaves the pending list, and the operator is told. */
  private settle(entry: AuditEntry): void {
    const i = this.pending.findIndex((p) => p.id === entry.deploymentId && APPLIED[p.action] === entry.event && entry.actor.id === p.by);
    const p = this.pending[i];
    if (!p) return;
    this.pending.splice(i, 1);
    if (p.queued) this.onNotice?.(`the engine applied your ${p.action} of ${p.id} at ${entry.ts.slice(11, 19)}Z, ${Math.round((Date.parse(entry.ts) - p.sentAt) / 1000)} s after you sent it`);
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  changed(): void {
    this.version += 1;
    for (const l of this.listeners) l();
  }

  get mode(): 'live' | 'replay' {
    return this.source ? 'replay' : 'live';
  }

  get now(): number {
    return this.source ? this.source.clock.now() : Date.now();
  }

  /** Advances replay time by `wallMs` of real time at the current speed. */
  advance(wallMs: number): void {
    const s = this.source;
    if (!s || this.paused) return;
    let target = s.clock.now() + wallMs * this.speed;
    const next = s.replay.nextEventAt();
    if (next !== undefined && s.replay.idle() && next - s.clock.now() > IDLE_JUMP_MS) target = Math.max(target, next);
    s.replay.advanceTo(target);
    this.changed();
  }

  /** One step: straight to the next thing that happens. */
  step(): void {
    const s = this.source;
    if (!s) return;
    const next = s.replay.nextEventAt();
    if (next !== undefined) s.replay.advanceTo(next);
    this.changed();
  }

  togglePaused(): void {
    this.paused = !this.paused;
    this.changed();
  }

  faster(): void {
    this.speed = SPEEDS.find((s) => s > this.speed) ?? this.speed;
    this.changed();
  }

  slower(): void {
    this.speed = [...SPEEDS].reverse().find((s) => s < this.speed) ?? this.speed;
    this.changed();
  }
}
