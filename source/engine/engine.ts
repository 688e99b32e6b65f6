// The pipeline: request → context → risk → policy/autonomy → (approval gate) → canary → outcome → history
// and audit. One XState actor per deployment; time comes only from the injected clock, so the same engine
// runs in real time in the console and as fast as the CPU allows in the simulator.
import { FinishedViews } from './finished-views.js';
import { UnitOfWork } from './unit-of-work.js';
import { DeploymentStore } from '../store/deployment-store.js';
import type { DeploymentRecord } from '../store/deployment-store.js';
import { createActor, fromCallback } from 'xstate';
import type { Actor } from 'xstate';
import type { Assessment, Assessor } from '../domain/assess.js';
import type { SyncAdvisor } from '../domain/advisor.js';
import type { CatalogIndex } from '../domain/catalog.js';
import type { Config } from '../domain/config.js';
import type { DeploymentRequest } from '../domain/schemas.js';
import type { AuditEntry, AuditInput, ActorKind } from '../store/audit-log.js';
import { AuditLog } from '../store/audit-log.js';
import type { Db } from '../store/database.js';
import type { HistoryStore } from '../store/history-store.js';
import type { MetricSource, TrafficActions } from '../metrics/metric-source.js';
import { NO_TRAFFIC_ACTIONS } from '../metrics/metric-source.js';
import type { AuditAnnouncement, DeploymentEvent, DeploymentInput, RollbackInput, ShiftInput } from '../machines/deployment-machine.js';
import { deploymentMachine } from '../machines/deployment-machine.js';
import { dueSamples } from './sampling.js';
import type { Snapshot } from './snapshot-facts.js';
import { lifecycle, outcomeOf, persistKey, rollbackOf, stateKey, viewOf, wakeOf } from './snapshot-facts.js';
import type { Clock } from './clock.js';
import type { DeploymentView, StageRecord } from './deployment-view.js';
import { receivedEntries } from './audit-events.js';
import { LearningLoop } from './learning-loop.js';
import { sameIdentity } from '../domain/identity.js';
import { OPERATOR_ACTIONS } from './operator-actions.js';
import type { OperatorAction } from './operator-actions.js';
import { compareSettingsFor } from '../domain/metrics-config.js';
import type { CompareSettings } from '../domain/canary-judge.js';

/** Stage settings carry the compare judge's settings only when it judges (snapshots stay as they were). */
const withCompare = (compare: CompareSettings | undefined): { compare?: CompareSettings } => (compare ? { compare } : {});

export type EngineEvent = { kind: 'changed'; deployment: DeploymentView } | { kind: 'audit'; entry: AuditEntry };
export type EngineListener = (event: EngineEvent) => void;

export interface EngineDeps {
  db: Db;
  catalog: CatalogIndex;
  config: Config;
  history: HistoryStore;
  assessor: Assessor;
  clock: Clock;
  metrics: MetricSource;
  traffic?: TrafficActions;
  /** The AI actor; the built-in one by default. Its answers are checked, and governance decides. */
  advisor?: SyncAdvisor;
  /**
   * The metric source is a pure function of its query (a seeded simulation), so the clock may skip straight to
   * the sample that decides a stage: the same verdicts at the same times, with one wake per stage instead of
   * one per sample. Never for live metrics, and the console keeps it off so sparklines grow sample by sample.
   */
  lookahead?: boolean;
}

/** Refusals of an operator action, in words the operator can act on. */
export class ActionRefused extends Error {}

type DeploymentActor = Actor<typeof deploymentMachine>;

interface Live {
  actor: DeploymentActor;
  view: DeploymentView;
  lastState: string;
  /** What was last persisted (`persistKey`): the machine's state, stage and sample count. */
  lastPersisted: string;
  /** Audit events the machine announced (XState `emit`) since the engine last looked. */
  announced: AuditAnnouncement[];
  /** When this deployment next needs the clock (a sample or a gate deadline); Infinity when it waits for a person. */
  wakeAt: number;
  /** Samples were asked of a slow source and have not come back yet. */
  sampling: boolean;
  unsubscribe: () => void;
}

/** The columns a deployment is revived from (an engine-written row always has an assessment). */
type DeploymentRow = Pick<DeploymentRecord, 'id' | 'request' | 'machine' | 'outcome'> & { assessment: string };

/** ISO time of `ms`; a transition writes several entries at one instant, so the last one is kept. */
let lastIso = { ms: NaN, text: '' };
const iso = (ms: number): string => (ms === lastIso.ms ? lastIso.text : (lastIso = { ms, text: new Date(ms).toISOString() }).text);

export class Engine {
  readonly audit: AuditLog;
  private readonly learning: LearningLoop;
  private readonly live = new Map<string, Live>();
  /** Finished views in memory (all, or the most recent when bounded); never one the open transaction touched. */
  private readonly finished = new FinishedViews((id) => this.work.touched.has(id));
  private readonly listeners = new Set<EngineListener>();
  private readonly machine;
  /** The source to read ahead from, when the engine may skip to deciding samples. */
  private readonly lookahead: MetricSource | undefined;
  /** The `deployments` table's owner: this engine writes each deployment's life through it. */
  private readonly rows: DeploymentStore;

  constructor(private readonly deps: EngineDeps) {
    this.audit = new AuditLog(deps.db);
    this.learning = new LearningLoop(deps);
    this.work = new UnitOfWork(deps.db, this.audit, {
      beforeCommit: () => this.persistMachines(),
      announce: (entry) => this.emit({ kind: 'audit', entry }),
      mark: () => this.learning.mark,
      rollBack: (touched, mark) => this.rollBackMemory(touched, mark),
      ended: () => this.unpersisted.clear(),
    });
    const traffic = deps.traffic ?? NO_TRAFFIC_ACTIONS;
    this.lookahead = deps.lookahead ? deps.metrics : undefined;
    this.rows = new DeploymentStore(deps.db);
    // I/O actors: answer synchronously when the source does (simulation), later when it is asynchronous.
    this.machine = deploymentMachine.provide({
      actors: {
        shiftTraffic: fromCallback<DeploymentEvent, ShiftInput>(({ sendBack, input }) => {
          const answer = this.answerInTransaction(sendBack);
          settle(() => traffic.shift(input.deploymentId, input.serviceId, input.percent), () => answer({ type: 'SHIFTED' }), (e) => answer({ type: 'SHIFT_FAILED', error: e }));
        }),
        rollback: fromCallback<DeploymentEvent, RollbackInput>(({ sendBack, input }) => {
          const answer = this.answerInTransaction(sendBack);
          settle(() => traffic.rollback(input.deploymentId, input.serviceId, input.reason), () => answer({ type: 'ROLLED_BACK' }), (e) => answer({ type: 'ROLLBACK_FAILED', error: e, now: this.deps.clock.now() }));
        }),
      },
    });
  }

  /**
   * An actor's answer, delivered inside a transaction: the current one when the action was synchronous, one of
   * its own when a command finishes later. If that one fails, the deployment is rebuilt from its row on the
   * next tick and the action runs again (commands are idempotent: "set traffic to 25%").
   */
  private answerInTransaction(sendBack: (event: DeploymentEvent) => void): (event: DeploymentEvent) => void {
    return (event) => {
      try {
        this.tx(() => sendBack(event));
      } catch {
        // rolled back; see above
      }
    };
  }

  on(listener: EngineListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: EngineEvent): void {
    for (const l of this.listeners) l(event);
  }

  /** In-flight deployments whose state, stage or samples changed in the open transaction. */
  private readonly unpersisted = new Set<Live>();

  /**
   * Writes each changed machine once, as it stands when the transaction ends: a shift that completed in the
   * same transaction is persisted with it, so a restart does not shift (and audit) that stage again.
   */
  private persistMachines(): void {
    for (const live of this.unpersisted) {
      if (this.live.get(live.view.id) !== live) continue; // finished: its row holds the outcome instead
      const snapshot = live.actor.getSnapshot();
      const state = lifecycle(snapshot);
      live.lastPersisted = persistKey(snapshot);
      this.rows.setState(live.view.id, state === 'canary' || state === 'paused' ? `${state} ${snapshot.context.plan[snapshot.context.stage] ?? 100}%` : state, JSON.stringify(live.actor.getPersistedSnapshot()));
    }
    this.unpersisted.clear();
  }

  /** Deployments rebuilt from their rows after a failed transaction, started by the next one. */
  private readonly stale = new Map<string, Live>();

  /** The engine's transactions and what they record (unit-of-work.ts). */
  private readonly work: UnitOfWork;

  private record(entries: AuditInput[]): void {
    this.work.record(entries);
  }

  /** One transaction; inside an open one (an actor started within it), part of that one. */
  private tx<T>(fn: () => T): T {
    if (this.work.open) return fn();
    if (this.stale.size > 0) this.work.run(() => this.reviveStale());
    return this.work.run(fn);
  }

  /**
   * Runs `work` (engine calls and the caller's own writes to the same database) as one transaction: all of it
   * lands, in SQLite and in memory, or none of it does.
   */
  atomically<T>(work: () => T): T {
    return this.tx(work);
  }

  /**
   * Holds at most `n` finished deployments' views in memory (all of them by default: the simulator, its
   * report and the console read them). A long-running server bounds them: `get` reads older ones with
   * `load` (from the store), `deployments` lists in-flight and recent ones only.
   */
  keepFinished(n: number, load: (id: string) => DeploymentView | undefined): void {
    this.finished.bound(n, load);
  }

  get deployments(): DeploymentView[] {
    return [...this.finished.values(), ...[...this.live.values(), ...this.stale.values()].map((l) => l.view)];
  }

  get(id: string): DeploymentView | undefined {
    return this.live.get(id)?.view ?? this.finished.get(id) ?? this.stale.get(id)?.view ?? this.finished.load(id);
  }

  /**
   * Checks and assesses a request without writing anything: the live loop calls it before its write
   * transaction, so policy rules (user-supplied patterns) and the advisor never run while the database is locked.
   */
  prepare(request: DeploymentRequest): Assessment {
    if (this.deps.history.has(request.id)) throw new ActionRefused(`deployment "${request.id}" already exists`);
    if (!this.deps.catalog.get(request.serviceId)) throw new ActionRefused(`unknown service "${request.serviceId}"`);
    return this.deps.assessor.assess(request, this.deps.advisor);
  }

  /** Assesses a request (unless `prepared` by `prepare`), audits the decision and starts its lifecycle. */
  submit(request: DeploymentRequest, source = 'engine', prepared?: Assessment): DeploymentView {
    // Outside a transaction, assess first: policy patterns and the advisor never run while the database is locked.
    prepared ??= this.work.open ? undefined : this.prepare(request);
    return this.tx(() => {
      if (this.deps.history.has(request.id)) throw new ActionRefused(`deployment "${request.id}" already exists`);
      const entry = this.deps.catalog.get(request.serviceId);
      if (!entry) throw new ActionRefused(`unknown service "${request.serviceId}"`);
      const now = this.deps.clock.now();
      const assessment = prepared ?? this.deps.assessor.assess(request, this.deps.advisor);
      const { config } = this.deps;
      this.rows.insert({
        id: request.id,
        serviceId: request.serviceId,
        request: JSON.stringify(request),
        requestedAt: request.requestedAt,
        state: 'assessed',
        assessment: JSON.stringify(assessment),
        decision: assessment.decision.action,
        source,
      });
      this.record(receivedEntries(request, assessment, config.autonomy, entry.service.errorBudgetRemaining, iso(now)));
      const input: DeploymentInput = {
        deploymentId: request.id,
        serviceId: request.serviceId,
        action: assessment.decision.action,
        plan: config.plans[assessment.decision.plan],
        now,
        approvalExpiresAt: now + config.approval.expiresAfterMinutes * 60_000,
        settings: {
          bakeMs: config.canary.bakeSeconds * 1000,
          sampleIntervalMs: config.canary.sampleIntervalSeconds * 1000,
          slo: entry.service.slo ?? config.slo,
          limits: { failureLimit: config.canary.failureLimit, consecutiveErrorLimit: config.canary.consecutiveErrorLimit, minSamples: config.canary.minSamples },
          ...withCompare(compareSettingsFor(config.canary, request.serviceId)),
        },
      };
      const actor = createActor(this.machine, { input });
      const view = viewOf({ request, tier: entry.service.tier, assessment }, actor.getSnapshot(), now, [], () => actor.getSnapshot());
      const live: Live = { actor, view, lastState: '', lastPersisted: '', announced: [], wakeAt: Infinity, sampling: false, unsubscribe: () => undefined };
      this.live.set(request.id, live);
      this.work.touched.add(request.id);
      live.unsubscribe = this.follow(live);
      actor.start();
      return this.get(request.id) as DeploymentView;
    });
  }

  /** Audits something the engine refused or noticed outside a deployment's lifecycle (a stale request, say). */
  note(event: string, deploymentId: string | null, payload: Record<string, unknown>, actor: { kind: ActorKind; id: string } = { kind: 'system', id: 'engine' }): void {
    this.tx(() => this.record([{ ts: iso(this.deps.clock.now()), actor, event, deploymentId, payload }]));
  }

  /** Listens to a deployment's machine: its announcements, then each snapshot. Returns how to stop listening. */
  private follow(live: Live): () => void {
    const announcements = live.actor.on('audit', (a) => live.announced.push(a));
    const snapshots = live.actor.subscribe((s) => this.observe(live, s));
    return () => {
      announcements.unsubscribe();
      snapshots.unsubscribe();
    };
  }

  /** Transitions become audit entries, persisted state and events for subscribers. */
  private observe(live: Live, snapshot: Snapshot): void {
    this.work.touched.add(live.view.id);
    try {
      this.observeTransition(live, snapshot);
    } catch (error) {
      this.work.fail(error);
    }
  }

  private observeTransition(live: Live, snapshot: Snapshot): void {
    const ctx = snapshot.context;
    const now = this.deps.clock.now();
    const state = lifecycle(snapshot);
    const key = stateKey(snapshot);
    const id = ctx.deploymentId;
    const entries: AuditInput[] = [];
    const system = (event: string, payload: Record<string, unknown>, kind: ActorKind = 'system', actorId = 'engine'): void => {
      entries.push({ ts: iso(now), actor: { kind, id: actorId }, event, deploymentId: id, payload });
    };
    // What the machine announced while it moved (in order), then what the engine itself records.
    for (const announced of live.announced.splice(0)) {
      if (announced.event === 'stage_analysed') {
        const p = announced.payload as unknown as StageRecord;
        live.view.stages = [...live.view.stages, { stage: p.stage, percent: p.percent, verdict: p.verdict, reason: p.reason }];
      }
      system(announced.event, announced.payload);
    }
    const changed = key !== live.lastState;
    live.lastState = key;
    live.wakeAt = live.sampling ? Infinity : wakeOf(snapshot, this.lookahead);
    const outcome = outcomeOf(snapshot);
    Object.assign(live.view, {
      state,
      stage: ctx.stage,
      samples: ctx.samples,
      reason: ctx.reason || (state === 'blocked' ? live.view.assessment.decision.reasons.join('; ') : ''),
      decidedBy: ctx.decidedBy,
      updatedAtMs: now,
      approvalExpiresAtMs: ctx.approvalExpiresAt,
      bakeUntilMs: ctx.bakeUntil,
      ...rollbackOf(ctx),
    });
    if (outcome) {
      live.view.outcome = outcome;
      live.view.finishedAtMs = now;
      const stopped = outcome === 'rolled_back' || outcome === 'failed' || (outcome === 'withdrawn' && ctx.maxTraffic > 0) ? ctx.plan[ctx.stage] : undefined;
      system('finished', { outcome, reason: ctx.reason, cycleMs: now - live.view.requestedAtMs, ...(stopped !== undefined ? { stoppedAtStage: stopped } : {}) });
      this.deps.history.finish(live.view.request, outcome, iso(now), outcome === 'succeeded' ? undefined : ctx.reason || undefined, stopped);
      if (outcome === 'succeeded' || outcome === 'failed' || outcome === 'rolled_back') {
        const adapted = this.learning.record(live.view.assessment.score, outcome !== 'succeeded', iso(now));
        if (adapted) entries.push(adapted);
      }
      this.live.delete(id);
      this.finished.add(id, live.view);
    } else if (persistKey(snapshot) !== live.lastPersisted) {
      this.unpersisted.add(live);
    }
    if (entries.length) this.record(entries);
    if (changed || entries.length) this.emit({ kind: 'changed', deployment: live.view });
  }

  /**
   * Resumes every in-flight deployment from its persisted snapshot (after a restart). Deadlines are in the
   * machine's context, so the next tick fires whatever came due while the process was down.
   */
  restore(): number {
    this.learning.restore();
    const rows = [...this.rows.inFlight()].filter((r): r is typeof r & { machine: string; assessment: string } => r.machine !== null && r.assessment !== null);
    for (const row of rows) {
      if (this.live.has(row.id)) continue;
      const live = this.revive(row, []);
      this.live.set(row.id, live);
      this.record([{ ts: iso(this.deps.clock.now()), actor: { kind: 'system', id: 'engine' }, event: 'resumed_after_restart', deploymentId: row.id, payload: { state: live.lastState, stage: live.view.stage } }]);
      this.tx(() => live.actor.start());
      // A source that reads only the present (a command) cannot say what happened while no engine ran: a stage
      // that was baking bakes on for what it had left, rather than taking a burst of samples of this one moment
      // and promoting. A source that reads a range (Prometheus) catches the gap up from real history instead.
      if (!this.deps.metrics.sampleBatch && live.actor.getSnapshot().matches({ canary: 'baking' })) this.tx(() => live.actor.send({ type: 'REBAKE', now: this.deps.clock.now() }));
    }
    return rows.length;
  }

  /** An in-flight deployment rebuilt from its row, not started: after a restart or a failed transaction. */
  private revive(row: DeploymentRow & { machine: string }, stages: StageRecord[]): Live {
    const snapshot = JSON.parse(row.machine) as Snapshot;
    const actor = createActor(this.machine, { snapshot, input: snapshot.context });
    const request = JSON.parse(row.request) as DeploymentRequest;
    const tier = this.deps.catalog.get(request.serviceId)?.service.tier ?? 'medium';
    const view = viewOf({ request, tier, assessment: JSON.parse(row.assessment) as Assessment }, snapshot, this.deps.clock.now(), stages, () => actor.getSnapshot());
    const live: Live = { actor, view, lastState: stateKey(snapshot), lastPersisted: persistKey(snapshot), announced: [], wakeAt: wakeOf(snapshot, this.lookahead), sampling: false, unsubscribe: () => undefined };
    live.unsubscribe = this.follow(live);
    return live;
  }

  /**
   * A transaction failed and SQLite rolled it back, but the actors it moved, the history's counts and index
   * and the learned thresholds had already changed in memory. Everything it touched goes back to what the
   * database holds at once; the rebuilt deployments start moving again with the next transaction.
   */
  private rollBackMemory(touched: ReadonlySet<string>, scored: number): void {
    for (const id of touched) {
      const live = this.live.get(id);
      const view = live?.view ?? this.finished.get(id);
      if (live) {
        live.unsubscribe();
        live.actor.stop();
      }
      this.live.delete(id);
      this.finished.delete(id);
      const row = this.rows.get(id);
      if (!row || !view || row.assessment === null) continue; // a submission that rolled back never existed
      if (row.outcome !== null || row.machine === null) this.finished.add(id, view); // (it finished earlier)
      else this.stale.set(id, this.revive({ ...row, assessment: row.assessment, machine: row.machine }, view.stages));
    }
    this.deps.history.resync();
    this.learning.rollBack(scored);
  }

  /** Starts the deployments a failed transaction rebuilt, inside the current transaction. */
  private reviveStale(): void {
    for (const [id, live] of this.stale) {
      this.stale.delete(id);
      this.live.set(id, live);
      live.actor.start();
      this.emit({ kind: 'changed', deployment: live.view });
    }
  }

  /** When the engine next needs the clock to move for a deployment (a sample or a gate deadline). */
  wakeAt(id: string): number | undefined {
    const t = this.live.get(id)?.wakeAt;
    return t === undefined || t === Infinity ? undefined : t;
  }

  nextWake(): number | undefined {
    if (this.stale.size > 0) return this.deps.clock.now(); // rebuild them at once
    let min = Infinity;
    for (const live of this.live.values()) if (live.wakeAt < min) min = live.wakeAt;
    return min === Infinity ? undefined : min;
  }

  /**
   * Delivers the clock to every deployment whose deadline has come, in one transaction; or, when `enough` turns
   * true first, to those woken until then (at least one), and says that some are still due.
   */
  tick(enough?: () => boolean): boolean {
    const now = this.deps.clock.now();
    if (this.stale.size > 0) this.tx(() => undefined);
    const due = [...this.live.values()].filter((live) => live.wakeAt <= now);
    if (due.length === 0) return false;
    // In slices, the longest overdue first: otherwise the deployments first in the map, due again by the next
    // slice, would be woken every time and those after them never.
    if (enough) due.sort((a, b) => a.wakeAt - b.wakeAt);
    return this.tx(() => {
      let woken = 0;
      for (const live of due) {
        this.wake(live, now);
        if (++woken < due.length && enough?.()) return true;
      }
      return false;
    });
  }

  /** A deadline came: deliver the samples due (a baking canary) or the time (a gate that may expire). */
  private wake(live: Live, now: number): void {
    const snapshot = live.actor.getSnapshot();
    if (!snapshot.matches({ canary: 'baking' })) {
      live.actor.send({ type: 'TICK', now });
      return;
    }
    const c = snapshot.context;
    const asked = { stage: c.stage, fromIndex: c.samples.length };
    const samples = dueSamples(this.deps.metrics, c, now);
    if (!(samples instanceof Promise)) {
      live.actor.send({ type: 'SAMPLED', now, ...asked, samples });
      return;
    }
    // A slow source (a command): no new asks until it answers; the machine drops an answer that comes late.
    live.sampling = true;
    live.wakeAt = Infinity;
    void samples.then((answer) => {
      live.sampling = false;
      if (this.live.get(c.deploymentId) !== live) return;
      // The answer may be dropped (an operator moved the canary on meanwhile): the next ask is due regardless.
      live.wakeAt = wakeOf(live.actor.getSnapshot(), this.lookahead);
      try {
        this.tx(() => live.actor.send({ type: 'SAMPLED', now: this.deps.clock.now(), ...asked, samples: answer }));
      } catch {
        live.wakeAt = this.deps.clock.now(); // the database was busy: ask again on the next tick
      }
    });
  }

  /**
   * An operator's action, from the one table of actions (operator-actions.ts): refused with a reason when the
   * machine would not take it now (`snapshot.can`), when a required reason is missing, or when the requester
   * approves their own deployment; otherwise audited as the human's and sent to the machine.
   */
  act(action: OperatorAction, id: string, by: string, reason?: string, kind: ActorKind = 'human'): DeploymentView {
    const spec = OPERATOR_ACTIONS[action];
    if (spec.reasonRequired && !reason?.trim()) throw new ActionRefused(spec.reasonRequired);
    if (action === 'approve') {
      const requester = this.get(id)?.request.requestedBy;
      if (requester !== undefined && sameIdentity(requester, by)) throw new ActionRefused(`${by} requested "${id}" and cannot approve it`);
    }
    const now = this.deps.clock.now();
    // Deadlines first, committed on their own (a gate may have expired): a refusal then changes nothing.
    this.tx(() => this.live.get(id)?.actor.send({ type: 'TICK', now }));
    return this.tx(() => {
      const live = this.live.get(id);
      if (!live) throw new ActionRefused(this.finished.has(id) || (this.rows.get(id)?.outcome ?? null) !== null ? `deployment "${id}" has finished` : `no deployment "${id}"`);
      const event = spec.event(by, reason);
      if (!live.actor.getSnapshot().can(event)) throw new ActionRefused(`deployment "${id}" is ${live.view.state}: cannot ${spec.verb}`);
      this.record([{ ts: iso(now), actor: { kind, id: by }, event: spec.audit, deploymentId: id, payload: spec.payload(reason) }]);
      live.actor.send(event);
      return live.view;
    });
  }

  approve(id: string, by: string, reason?: string): DeploymentView {
    return this.act('approve', id, by, reason);
  }

  reject(id: string, by: string, reason: string): DeploymentView {
    return this.act('reject', id, by, reason);
  }

  withdraw(id: string, by: string): DeploymentView {
    return this.act('withdraw', id, by);
  }

  /** A human confirms traffic is back on the stable version after the rollback command kept failing. */
  resolveRollback(id: string, by: string, reason: string): DeploymentView {
    return this.act('resolve', id, by, reason);
  }

  pause(id: string, by: string): DeploymentView {
    return this.act('pause', id, by);
  }

  resume(id: string, by: string): DeploymentView {
    return this.act('resume', id, by);
  }

  promote(id: string, by: string): DeploymentView {
    return this.act('promote', id, by);
  }

  abort(id: string, by: string, reason: string): DeploymentView {
    return this.act('abort', id, by, reason);
  }
}

/** Runs a possibly asynchronous action; reports synchronously when it is synchronous. */
function settle<T>(run: () => T | Promise<T>, ok: (value: T) => void, fail: (error: string) => void): void {
  let result: T | Promise<T>;
  try {
    result = run();
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
    return;
  }
  if (result instanceof Promise) result.then(ok, (error: unknown) => fail(error instanceof Error ? error.message : String(error)));
  else ok(result);
}
