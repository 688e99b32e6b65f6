// The engine client over the shared SQLite file: requests and actions go through the engine's queue
// (submissions, operator_actions) and answers are read back from it, as on one host today. Identity is a
// claim (--as or the OS user), recorded as given. A full disk or a locked database is ridden out with
// backoff (said once), not a stack per try.
import type { Assessment } from '../domain/assess.js';
import type { AuditEntry } from '../store/audit-log.js';
import { AuditLog } from '../store/audit-log.js';
import type { Db } from '../store/database.js';
import { databaseTrouble, isTransient } from '../store/database-trouble.js';
import { DeploymentStore } from '../store/deployment-store.js';
import type { DeploymentRecord } from '../store/deployment-store.js';
import { Lease } from '../store/lease.js';
import type { OperatorAction, WaitTime } from '../store/submissions.js';
import { ACCEPT_WINDOW_MS, HEARTBEAT_MS, REAL_TIME, Submissions } from '../store/submissions.js';
import type { ActionAnswer, ActOptions, AwaitOptions, Awaited, DeploymentStatus, EngineClient, SubmitAnswer, SubmitOptions } from './engine-client.js';
import { isFinal } from './engine-client.js';

/** How long a local action waits for the engine to take it. */
export const LOCAL_ANSWER_MS = 10_000;

export interface LocalClientOptions {
  /** How long an action waits for the engine's answer. */
  answerMs?: number;
  pollMs?: number;
  time?: WaitTime;
  /** Told once per distinct trouble (a full disk, a locked database) while the client rides it out. */
  onTrouble?: (line: string) => void;
}

/** Audited human events that decide a deployment's fate (who "decided" it). */
const DECISIONS = new Set(['approved', 'rejected', 'withdrawn', 'aborted']);

export class LocalEngineClient implements EngineClient {
  readonly transport = 'local' as const;
  private readonly submissions: Submissions;
  private readonly store: DeploymentStore;
  private readonly lease: Lease;
  private readonly answerMs: number;
  private readonly pollMs: number;
  private readonly time: WaitTime;

  constructor(private readonly db: Db, private readonly actor: string, private readonly options: LocalClientOptions = {}) {
    this.submissions = new Submissions(db);
    this.store = new DeploymentStore(db);
    this.lease = new Lease(db, 'engine', 'client');
    this.answerMs = options.answerMs ?? LOCAL_ANSWER_MS;
    this.pollMs = options.pollMs ?? 25;
    this.time = options.time ?? REAL_TIME;
  }

  identity(): Promise<string> {
    return Promise.resolve(this.actor);
  }

  /** Whether an engine holds the lease on this database now. */
  engineRunning(): boolean {
    return this.lease.liveHolder(this.time.now()) !== undefined;
  }

  /**
   * Queues the request and, unless `queueOnly`, waits for the engine to take it: while an engine runs, as long
   * as the caller waits (`until`, `signal`), keeping the request alive; with no engine, ACCEPT_WINDOW_MS. A
   * request given up on before an engine took it is withdrawn: nothing will ever run it.
   */
  async submit(request: Parameters<EngineClient['submit']>[0], options: SubmitOptions = {}): Promise<SubmitAnswer> {
    const start = this.time.now();
    const full = { ...request, requestedBy: request.requestedBy ?? this.actor };
    const deadline = start + (options.queueOnly?.acceptWithinMs ?? ACCEPT_WINDOW_MS);
    if (!this.submissions.submit(full, start, deadline, options.watch === true && !options.queueOnly)) return { result: 'refused', error: `request id "${request.id}" was already submitted` };
    options.onQueued?.();
    if (options.queueOnly) return { result: 'queued', acceptBy: deadline };
    const id = request.id;
    let lastBeat = start;
    return this.steady(options, async () => {
      for (;;) {
        const now = this.time.now();
        const s = this.submissions.status(id);
        if (s?.status === 'refused') return { result: 'refused', error: s.error ?? '' };
        if (s?.status === 'accepted') {
          const status = await this.status(id);
          if (status) return { result: 'accepted', status };
        } else if (s?.status === 'pending') {
          const gaveUp = options.signal?.aborted === true || (options.until !== undefined && now > options.until);
          const noEngine = now - start > ACCEPT_WINDOW_MS && !this.lease.liveHolder(now);
          if (gaveUp || noEngine) {
            // If an engine took it at this very moment, the next look sees it accepted.
            const why = !gaveUp ? 'no engine is running' : options.signal?.aborted ? 'cancelled' : 'no outcome in time';
            if (this.submissions.withdrawPending(id, why)) {
              if (!gaveUp) return { result: 'unanswered', error: 'no engine is running (start `genops-tui engine` or the console); the request was withdrawn and will not run' };
              return { result: options.signal?.aborted ? 'cancelled' : 'timeout' };
            }
            continue;
          }
          if (options.watch && now - lastBeat >= HEARTBEAT_MS) {
            lastBeat = now;
            this.submissions.keepAlive(id, now + ACCEPT_WINDOW_MS);
          }
        } else {
          return { result: 'refused', error: `the request ${id} is ${s?.status ?? 'gone'}` };
        }
        await this.time.sleep(this.pollMs);
      }
    });
  }

  status(id: string): Promise<DeploymentStatus | undefined> {
    const r = this.store.get(id);
    return Promise.resolve(r ? this.statusOf(r) : undefined);
  }

  private statusOf(r: DeploymentRecord): DeploymentStatus {
    const request = JSON.parse(r.request) as { serviceId: string; version: string; requestedBy: string };
    // The row's state is "canary 5%" while a canary runs: the lifecycle state and its percent.
    const m = /^(canary|paused) (\d+(?:\.\d+)?)%$/.exec(r.state);
    return {
      id: r.id,
      serviceId: request.serviceId,
      version: request.version,
      requestedBy: request.requestedBy,
      state: m ? (m[1] as string) : r.state,
      percent: m ? Number(m[2]) : null,
      outcome: r.outcome,
      reason: r.failure_reason ?? '',
      decidedBy: r.outcome === null ? null : this.decider(r.id),
      assessment: r.assessment ? (JSON.parse(r.assessment) as Assessment) : undefined,
    };
  }

  private decider(id: string): string | null {
    const human = new AuditLog(this.db).forDeployment(id).filter((e) => e.actor.kind === 'human' && DECISIONS.has(e.event));
    return human.at(-1)?.actor.id ?? null;
  }

  /** Reads the deployment until it is final, the caller gives up or the deadline passes; keeps it alive meanwhile. */
  async awaitOutcome(id: string, options: AwaitOptions): Promise<Awaited> {
    let lastBeat = -Infinity;
    return this.steady(options, async () => {
      for (;;) {
        const now = this.time.now();
        if (options.keepAlive && now - lastBeat >= HEARTBEAT_MS) {
          lastBeat = now;
          this.submissions.keepAlive(id, now + ACCEPT_WINDOW_MS);
        }
        const r = this.store.get(id);
        if (r) {
          const s = this.statusOf(r);
          options.onStatus?.(s);
          if (isFinal(s)) return { result: 'finished', status: s };
        }
        if (options.signal?.aborted) return { result: 'cancelled' };
        if (now > options.until) return { result: 'timeout' };
        await this.time.sleep(this.pollMs);
      }
    });
  }

  /**
   * Queues an action and waits for the engine's answer. A standing action (a gate's withdrawal) has no
   * deadline and is not cancelled when no engine answers: it stays queued and is applied when one runs.
   */
  async act(id: string, action: OperatorAction, reason?: string, options: ActOptions = {}): Promise<ActionAnswer> {
    const now = this.time.now();
    const actionId = this.submissions.requestAction(id, action, this.actor, reason, now, options.standing ? null : now + this.answerMs);
    const answer = await this.submissions.awaitAction(actionId, this.answerMs, !options.standing, this.time, this.pollMs);
    const seconds = Math.round(this.answerMs / 1000);
    if (answer === 'unanswered') {
      return {
        result: 'unanswered',
        error: options.standing ? `no engine answered within ${seconds} s; it stays queued and the engine applies it when it runs` : `the engine did not answer within ${seconds} s; the ${action} was withdrawn and will not be applied`,
      };
    }
    if (answer.result === 'done') return { result: 'done' };
    return { result: 'refused', error: answer.error };
  }

  audit(after: number, deployment?: string): Promise<AuditEntry[]> {
    const log = new AuditLog(this.db);
    return Promise.resolve(deployment ? log.forDeployment(deployment).filter((e) => e.seq > after) : log.since(after));
  }

  /** Runs `work`, riding out transient database trouble with backoff until the caller gives up. */
  private async steady<T>(giveUp: { until?: number; signal?: AbortSignal }, work: () => Promise<T>): Promise<T> {
    let pause = 250;
    let said = '';
    for (;;) {
      try {
        return await work();
      } catch (error) {
        if (!isTransient(error) || giveUp.signal?.aborted || (giveUp.until !== undefined && this.time.now() > giveUp.until)) throw error;
        const line = databaseTrouble(error);
        if (line !== said) this.options.onTrouble?.(line);
        said = line;
        await this.time.sleep(pause);
        pause = Math.min(5_000, pause * 2);
      }
    }
  }

  close(): void {
    // The database belongs to the caller.
  }
}
