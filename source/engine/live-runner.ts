// Live mode: the engine process loop. Holds the lease, takes requests submitted by gates and actions
// requested by other processes, and delivers the clock to deadlines. Everything meets in the database.
import type { Engine } from './engine.js';
import { ActionRefused } from './engine.js';
import type { Clock } from './clock.js';
import type { Lease } from '../store/lease.js';
import type { PendingAction, PendingSubmission, Submissions } from '../store/submissions.js';
import { sanitize } from '../domain/sanitize.js';
import { ACCEPT_WINDOW_MS } from '../store/submissions.js';
import type { DatabaseFileWatch } from '../store/file-identity.js';
import type { AdvisingQueue } from '../advisor/advising-queue.js';
import type { CheckpointEmitter } from './checkpoint-emitter.js';

export class EngineBusy extends Error {}

export interface LiveRunnerDeps {
  engine: Engine;
  submissions: Submissions;
  lease: Lease;
  clock: Clock;
  pollMs: number;
  log: (line: string) => void;
  /** Notices the database file being deleted or replaced under the running engine. */
  fileWatch?: DatabaseFileWatch;
  /** An LLM advisor's consultations (advisor: kind openai), run outside the write transactions. */
  advising?: Pick<AdvisingQueue, 'take'>;
  /** Signed audit checkpoints when due (config `checkpoints`, issue 16). */
  checkpoints?: Pick<CheckpointEmitter, 'poll'>;
}

/** Longest pause between passes after repeated errors (a full disk, a locked database). */
const MAX_BACKOFF_MS = 30_000;
/**
 * How long the loop's pass may spend on new requests, and then on due deployments, before it lets the event
 * loop run (the server's requests, the event stream's writes) and goes on in the next pass. A burst of 100
 * requests is then taken in slices, not in one 100 ms pass during which no subscriber hears anything.
 */
export const SLICE_MS = 5;

export class LiveRunner {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running = false;
  private passing = false;
  private failures = 0;
  /** Called when the lease is lost to another engine: this one must stop driving. */
  onLostLease: (() => void) | undefined;
  /** Called when the engine must stop for good (its database file was replaced or deleted). */
  onFatal: ((message: string) => void) | undefined;
  /** Called once a submission has been taken or refused (committed): a waiter in this process looks now. */
  onSettled: ((id: string) => void) | undefined;

  constructor(private readonly deps: LiveRunnerDeps) {}

  start(): void {
    const { lease, clock, engine, log } = this.deps;
    if (!lease.acquire(clock.now())) {
      const h = lease.liveHolder(clock.now());
      throw new EngineBusy(`another engine holds the lease (${h?.holder ?? 'unknown'}, pid ${h?.pid ?? '?'})`);
    }
    const resumed = engine.restore();
    this.deps.submissions.renewWatched(clock.now() + ACCEPT_WINDOW_MS);
    log(`engine started (${lease.holder}); resumed ${resumed} in-flight deployment${resumed === 1 ? '' : 's'}`);
    this.running = true;
    this.schedule(0);
  }

  /** Something was queued in this process (a request over HTTP): run a pass now rather than at the next poll. */
  wake(): void {
    if (!this.running || this.passing || this.failures > 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.schedule(0);
  }

  private schedule(delay: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => this.step(SLICE_MS), Math.max(0, delay));
  }

  /**
   * One pass, and the next one scheduled whatever happens: an engine that dies on one error strands every gate.
   * With a budget (the loop's own passes), new requests and due deployments are each worked on for at most that
   * many ms and the rest is left to the next pass, which comes at once; without one (a test, a caller driving
   * the engine by hand), everything due is done.
   */
  step(budgetMs = Infinity): void {
    this.passing = true;
    try {
      this.pass(budgetMs);
      this.failures = 0;
    } catch (error) {
      // One line, not a stack per pass: a full disk would otherwise flood the log. Backs off while it lasts.
      this.failures += 1;
      const delay = Math.min(MAX_BACKOFF_MS, this.deps.pollMs * 2 ** Math.min(10, this.failures));
      this.deps.log(`error in engine loop (retrying in ${Math.round(delay / 100) / 10} s): ${describe(error)}`);
      this.schedule(delay);
    } finally {
      this.passing = false;
    }
  }

  /** Lease, submissions, actions, deadlines. */
  private pass(budgetMs: number): void {
    const { lease, clock, engine, submissions, log, fileWatch } = this.deps;
    const changed = fileWatch?.changed();
    if (changed) {
      log(`FATAL: ${changed}; stopping so that nothing is written into a file nobody reads`);
      this.stop(false);
      this.onFatal?.(changed);
      return;
    }
    const now = clock.now();
    if (!lease.renew(now)) {
      log('lease lost to another engine: stopping');
      this.stop(false);
      this.onLostLease?.();
      return;
    }
    const spent = budget(budgetMs);
    let more = false;
    const pending = submissions.pending();
    for (const [i, s] of pending.entries()) {
      this.take(s, now);
      if (i < pending.length - 1 && spent()) {
        more = true;
        break;
      }
    }
    // Actions are few and an operator waits on each: all of them, every pass.
    for (const a of submissions.pendingActions()) this.apply(a, now);
    for (const gone of submissions.abandoned(now)) {
      const d = engine.get(gone.id);
      // Finished (its gate got its answer and left): nobody needs to watch it any more.
      if (d === undefined || d.outcome !== null) submissions.unwatch(gone.id);
      else this.abandon(gone.id, gone.deadline);
    }
    if (engine.tick(budget(budgetMs))) more = true;
    this.deps.checkpoints?.poll(clock.now());
    const wake = engine.nextWake();
    const delay = more ? 0 : wake === undefined ? this.deps.pollMs : Math.min(this.deps.pollMs, wake - clock.now());
    this.schedule(delay);
  }

  /** A submitted request: refused when stale or invalid, otherwise assessed (outside the write) and started. */
  private take(s: PendingSubmission, now: number): void {
    const { engine, submissions, log } = this.deps;
    const refuse = (why: string, stale: boolean): void => {
      engine.atomically(() => {
        if (submissions.refuse(s.id, why)) engine.note('submission_refused', null, { requestId: s.id, reason: why, stale });
      });
      this.onSettled?.(s.id);
      log(`refused ${sanitize(s.id)}: ${sanitize(why)}`);
    };
    if (s.deadline !== null && s.deadline < now) {
      refuse(`stale: its gate stopped waiting (deadline ${new Date(s.deadline).toISOString()} passed before an engine took it)`, true);
      return;
    }
    // The request's time is the engine's: freeze windows, the timing factor and policies judge when it really
    // arrives, not a time its sender chose (a requestedAt set to last week would walk through this week's freeze).
    const request = this.stamped(s, now);
    try {
      // With a model advisor the assessment is ready only once the model has answered (or the built-in advisor
      // stood in); until then this submission waits and the loop goes on with everything else.
      const { advising } = this.deps;
      const assessment = advising ? advising.take(s.id, request, () => engine.prepare(request)) : engine.prepare(request);
      if (assessment === undefined) return;
      // One transaction: a submission is never accepted twice, nor run without being marked accepted, nor run
      // after its gate withdrew it (accept is conditional on it still pending).
      engine.atomically(() => {
        if (submissions.accept(s.id)) engine.submit(request, s.via, assessment);
      });
      this.arrivals.delete(s.id);
      this.onSettled?.(s.id);
    } catch (error) {
      // Only a refusal is final; anything else (a busy database) leaves the request queued for the next pass.
      if (!(error instanceof ActionRefused)) throw error;
      this.arrivals.delete(s.id);
      refuse(error.message, false);
    }
  }

  /** When this engine first saw each pending submission: its request's time, the same on every pass. */
  private readonly arrivals = new Map<string, string>();

  private stamped(s: PendingSubmission, now: number): PendingSubmission['request'] {
    let at = this.arrivals.get(s.id);
    if (at === undefined) {
      at = new Date(now).toISOString();
      this.arrivals.set(s.id, at);
      // Submissions withdrawn or refused elsewhere never come back: the oldest go first past a bound.
      if (this.arrivals.size > 10_000) this.arrivals.delete(this.arrivals.keys().next().value as string);
    }
    return s.request.requestedAt === at ? s.request : { ...s.request, requestedAt: at };
  }

  /** An operator action: refused when stale (its sender stopped waiting) or not allowed now; audited either way. */
  private apply(a: PendingAction, now: number): void {
    const { engine, submissions, clock } = this.deps;
    const refuse = (why: string, stale: boolean): void => {
      engine.atomically(() => {
        submissions.finishAction(a.id, clock.now(), 'refused', why);
        engine.note('action_refused', engine.get(a.deploymentId) ? a.deploymentId : null, { action: a.action, deploymentId: a.deploymentId, reason: why, stale }, { kind: 'human', id: a.actor });
      });
    };
    if (a.deadline !== null && a.deadline < now) {
      refuse(`stale: requested by ${a.actor}, who stopped waiting for an answer (deadline ${new Date(a.deadline).toISOString()})`, true);
      return;
    }
    try {
      // One transaction with the action's own row, so a retried pass never applies an action twice.
      engine.atomically(() => {
        engine.act(a.action, a.deploymentId, a.actor, a.action === 'abort' ? a.reason || 'aborted' : a.reason ?? undefined);
        submissions.finishAction(a.id, clock.now(), 'done');
      });
    } catch (error) {
      if (!(error instanceof ActionRefused)) throw error;
      refuse(error.message, false);
    }
  }

  /**
   * A deployment whose gate stopped keeping its deadline alive (killed, its runner lost): nobody waits for it,
   * so it is withdrawn (a canary rolls back first) and the reason audited. If it cannot be withdrawn now
   * (rolling back already), it ends on its own.
   */
  private abandon(id: string, deadline: number): void {
    const { engine, submissions } = this.deps;
    engine.atomically(() => {
      submissions.unwatch(id);
      engine.note('gate_gone', id, { reason: `its gate stopped waiting: no heartbeat since ${new Date(deadline - ACCEPT_WINDOW_MS).toISOString()}` });
      try {
        engine.act('withdraw', id, 'engine', undefined, 'system');
      } catch (error) {
        if (!(error instanceof ActionRefused)) throw error;
      }
    });
    this.deps.log(`withdrew ${sanitize(id)}: its gate stopped waiting`);
  }

  /** Stops the loop; state is already persisted at every change, so this only lets go of the lease. */
  stop(release = true): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    if (release) this.deps.lease.release();
  }
}

/** A predicate that turns true once `ms` have passed (never, for Infinity). Real time: it bounds real work. */
function budget(ms: number): () => boolean {
  if (ms === Infinity) return () => false;
  const end = performance.now() + ms;
  return () => performance.now() >= end;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return sanitize(String(error));
  const code = (error as { code?: unknown }).code;
  if (code === 'SQLITE_FULL') return 'the disk is full (SQLITE_FULL): nothing was written; free space and the engine carries on';
  return sanitize(`${typeof code === 'string' ? `${code}: ` : ''}${error.message}`);
}
