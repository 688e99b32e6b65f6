// A console's view of an engine that another process runs (`genops-tui engine`, or another console with
// --live): deployments and the audit trail are read from the shared database as they change, and decisions
// go through that engine's queue, as `genops-tui approve` sends them, so its rules and audit apply.
import { FollowedViews } from './followed-views.js';
import type { Assessment } from '../domain/assess.js';
import type { CatalogIndex } from '../domain/catalog.js';
import type { Config } from '../domain/config.js';
import type { DeploymentRequest } from '../domain/schemas.js';
import { LocalEngineClient } from '../client/local-client.js';
import type { AuditEntry } from '../store/audit-log.js';
import { AuditLog } from '../store/audit-log.js';
import type { Db } from '../store/database.js';
import { DeploymentStore } from '../store/deployment-store.js';
import type { DeploymentRecord } from '../store/deployment-store.js';
import type { OperatorAction } from '../store/submissions.js';
import type { Clock } from './clock.js';
import type { DeploymentView, StageRecord } from './deployment-view.js';
import type { EngineListener } from './engine.js';
import { ActionRefused } from './engine.js';
import { DECISIONS, finishedView } from './finished-view.js';
import type { Snapshot } from './snapshot-facts.js';
import { viewOf } from './snapshot-facts.js';

type Row = DeploymentRecord;

/** How long an operator waits for the engine to apply a decision before being told it is still queued. */
const ANSWER_WITHIN_MS = 10_000;

export class AttachedEngine {
  readonly audit: AuditLog;
  /** The deadline each decision carries (the console shows it while the decision is pending). */
  readonly answerWithinMs = ANSWER_WITHIN_MS;
  private readonly views = new FollowedViews();
  /** The machine each in-flight view was built from: a changed one means the view is rebuilt. */
  private readonly machines = new Map<string, string>();
  private readonly stages = new Map<string, StageRecord[]>();
  /** Who decided each deployment that a person decided, from the audit trail. */
  private readonly deciders = new Map<string, string>();
  private readonly rows: DeploymentStore;
  private lastSeq = 0;

  constructor(
    private readonly db: Db,
    private readonly catalog: CatalogIndex,
    private readonly config: Config,
    private readonly clock: Clock,
  ) {
    this.audit = new AuditLog(db);
    this.rows = new DeploymentStore(db);
    // One read transaction: the trail and the rows as of the same moment, so nothing is counted twice.
    db.transaction(() => {
      this.lastSeq = (db.prepare('SELECT max(seq) FROM audit').pluck().get() as number | null) ?? 0;
      // Stage verdicts and people's decisions live in the audit trail only: one pass over them at start, then
      // they follow it.
      const noted = db.prepare(
        `SELECT canonical FROM audit WHERE seq <= ? AND (CAST(canonical AS TEXT) LIKE '%"event":"stage_analysed"%' OR CAST(canonical AS TEXT) LIKE '%"kind":"human"%') ORDER BY seq`,
      ).pluck();
      for (const canonical of noted.iterate(this.lastSeq) as IterableIterator<Buffer>) this.note(JSON.parse(canonical.toString('utf8')) as AuditEntry);
      for (const row of this.rows.all()) this.load(row);
    })();
  }

  get deployments(): DeploymentView[] {
    return this.views.all;
  }

  get(id: string): DeploymentView | undefined {
    return this.views.get(id);
  }

  on(listener: EngineListener): () => void {
    return this.views.on(listener);
  }

  /** Reads what the engine wrote since the last call: new audit entries and every in-flight deployment. */
  refresh(): void {
    this.db.transaction(() => this.readChanges())();
  }

  private readChanges(): void {
    const touched = new Set<string>();
    for (let batch = this.audit.since(this.lastSeq); batch.length > 0; batch = this.audit.since(this.lastSeq)) {
      for (const entry of batch) {
        this.lastSeq = entry.seq;
        this.note(entry);
        if (entry.deploymentId) touched.add(entry.deploymentId);
        this.views.emit({ kind: 'audit', entry });
      }
    }
    for (const row of this.rows.inFlight()) {
      touched.delete(row.id);
      if (row.machine !== null && this.machines.get(row.id) === row.machine) continue;
      this.changed(this.load(row));
    }
    // Finished since the last call (no longer in flight), or gone through the pipeline in one step.
    for (const id of touched) {
      const row = this.rows.get(id);
      if (row) this.changed(this.load(row));
    }
  }

  private changed(view: DeploymentView | undefined): void {
    if (!view) return;
    this.views.emit({ kind: 'changed', deployment: view });
  }

  private note(entry: AuditEntry): void {
    if (!entry.deploymentId) return;
    if (entry.actor.kind === 'human' && DECISIONS.has(entry.event)) this.deciders.set(entry.deploymentId, entry.actor.id);
    if (entry.event !== 'stage_analysed') return;
    const p = entry.payload as { stage: number; percent: number; verdict: StageRecord['verdict']; reason: string };
    const list = this.stages.get(entry.deploymentId) ?? [];
    list.push({ stage: p.stage, percent: p.percent, verdict: p.verdict, reason: p.reason });
    this.stages.set(entry.deploymentId, list);
    const view = this.views.get(entry.deploymentId);
    if (view) view.stages = list.filter((s) => view.outcome !== null || s.stage < view.stage);
  }

  /** The view of a row: from its machine while in flight, from its outcome once finished. */
  private load(row: Row): DeploymentView | undefined {
    if (row.assessment === null || (row.outcome === null && row.machine === null)) return undefined;
    const request = JSON.parse(row.request) as DeploymentRequest;
    const assessment = JSON.parse(row.assessment) as Assessment;
    const base = { request, tier: this.catalog.get(request.serviceId)?.service.tier ?? 'medium', assessment };
    const stages = this.stages.get(row.id) ?? [];
    let view: DeploymentView;
    if (row.outcome === null && row.machine !== null) {
      view = viewOf(base, JSON.parse(row.machine) as Snapshot, this.clock.now(), stages);
      this.machines.set(row.id, row.machine);
    } else {
      this.machines.delete(row.id);
      const finished = finishedView(row, { tier: base.tier, plans: this.config.plans, stages, decidedBy: this.deciders.get(row.id) ?? null, finishedAtFallback: this.clock.now() });
      if (!finished) return undefined;
      view = finished;
    }
    return this.views.upsert(view);
  }

  /**
   * Queues a decision for the engine and waits for it to be applied or refused (as `approve` does). It carries a
   * deadline: when no engine answers in time it is cancelled, and an engine that starts later refuses it.
   */
  private async decide(id: string, action: OperatorAction, by: string, reason?: string): Promise<DeploymentView> {
    // The engine's queue, as `genops-tui approve` sends it; cancelled when no engine answers in time.
    const answer = await new LocalEngineClient(this.db, by, { answerMs: ANSWER_WITHIN_MS }).act(id, action, reason);
    if (answer.result !== 'done') throw new ActionRefused(answer.error || `${action} refused`);
    this.refresh();
    const view = this.views.get(id);
    if (!view) throw new ActionRefused(`deployment "${id}" is gone`);
    return view;
  }

  resolveRollback(id: string, by: string, reason: string): Promise<DeploymentView> {
    return this.decide(id, 'resolve', by, reason);
  }

  approve(id: string, by: string, reason?: string): Promise<DeploymentView> {
    return this.decide(id, 'approve', by, reason);
  }

  reject(id: string, by: string, reason: string): Promise<DeploymentView> {
    return this.decide(id, 'reject', by, reason);
  }

  pause(id: string, by: string): Promise<DeploymentView> {
    return this.decide(id, 'pause', by);
  }

  resume(id: string, by: string): Promise<DeploymentView> {
    return this.decide(id, 'resume', by);
  }

  promote(id: string, by: string): Promise<DeploymentView> {
    return this.decide(id, 'promote', by);
  }

  abort(id: string, by: string, reason: string): Promise<DeploymentView> {
    return this.decide(id, 'abort', by, reason);
  }
}
