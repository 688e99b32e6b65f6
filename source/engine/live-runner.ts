// Live mode: the engine process loop. Holds the lease, takes requests submitted by gates and actions
// requested by other processes, and delivers the clock to deadlines. Everything meets in the database.
import type { Engine } from './engine.js';
import { ActionRefused } from './engine.js';
import type { Clock } from './clock.js';
import type { Lease } from '../store/lease.js';
import type { Submissions } from '../store/submissions.js';
import { sanitize } from '../domain/sanitize.js';

export class EngineBusy extends Error {}

export interface LiveRunnerDeps {
  engine: Engine;
  submissions: Submissions;
  lease: Lease;
  clock: Clock;
  pollMs: number;
  log: (line: string) => void;
}

export class LiveRunner {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running = false;
  /** Called when the lease is lost to another engine: this one must stop driving. */
  onLostLease: (() => void) | undefined;

  constructor(private readonly deps: LiveRunnerDeps) {}

  start(): void {
    const { lease, clock, engine, log } = this.deps;
    if (!lease.acquire(clock.now())) {
      const h = lease.liveHolder(clock.now());
      throw new EngineBusy(`another engine holds the lease (${h?.holder ?? 'unknown'}, pid ${h?.pid ?? '?'})`);
    }
    const resumed = engine.restore();
    log(`engine started (${lease.holder}); resumed ${resumed} in-flight deployment${resumed === 1 ? '' : 's'}`);
    this.running = true;
    this.schedule(0);
  }

  private schedule(delay: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => this.step(), Math.max(0, delay));
  }

  /** One pass, and the next one scheduled whatever happens: an engine that dies on one error strands every gate. */
  step(): void {
    try {
      this.pass();
    } catch (error) {
      this.deps.log(`error in engine loop (retrying): ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
      this.schedule(this.deps.pollMs);
    }
  }

  /** Lease, submissions, actions, deadlines. */
  private pass(): void {
    const { lease, clock, engine, submissions, log } = this.deps;
    const now = clock.now();
    if (!lease.renew(now)) {
      log('lease lost to another engine: stopping');
      this.stop(false);
      this.onLostLease?.();
      return;
    }
    for (const s of submissions.pending()) {
      try {
        // One transaction: a submission is never accepted twice, nor run without being marked accepted.
        engine.atomically(() => {
          engine.submit(s.request, 'gate');
          submissions.settle(s.id, 'accepted');
        });
      } catch (error) {
        // Only a refusal is final; anything else (a busy database) leaves the request queued for the next pass.
        if (!(error instanceof ActionRefused)) throw error;
        submissions.settle(s.id, 'refused', error.message);
        log(`refused ${sanitize(s.id)}: ${sanitize(error.message)}`);
      }
    }
    for (const a of submissions.pendingActions()) {
      try {
        const reason = a.reason ?? '';
        // One transaction with the action's own row, so a retried pass never applies an action twice.
        engine.atomically(() => {
          if (a.action === 'approve') engine.approve(a.deploymentId, a.actor, reason || undefined);
          else if (a.action === 'reject') engine.reject(a.deploymentId, a.actor, reason);
          else if (a.action === 'withdraw') engine.withdraw(a.deploymentId, a.actor);
          else if (a.action === 'pause') engine.pause(a.deploymentId, a.actor);
          else if (a.action === 'resume') engine.resume(a.deploymentId, a.actor);
          else if (a.action === 'promote') engine.promote(a.deploymentId, a.actor);
          else engine.abort(a.deploymentId, a.actor, reason || 'aborted');
          submissions.finishAction(a.id, clock.now(), 'done');
        });
      } catch (error) {
        if (!(error instanceof ActionRefused)) throw error;
        submissions.finishAction(a.id, clock.now(), 'refused', error.message);
      }
    }
    engine.tick();
    const wake = engine.nextWake();
    const delay = wake === undefined ? this.deps.pollMs : Math.min(this.deps.pollMs, wake - clock.now());
    this.schedule(delay);
  }

  /** Stops the loop; state is already persisted at every change, so this only lets go of the lease. */
  stop(release = true): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    if (release) this.deps.lease.release();
  }
}
