// The meeting point of CI gates and the engine: submitted requests and operator actions, in SQLite.
// Each carries a deadline: a request or action whose sender has stopped waiting is refused by the engine,
// never run later for nobody. Every status change is one conditional UPDATE, so a gate giving up and the
// engine taking the request can race without both winning.
import type { DeploymentRequest } from '../domain/schemas.js';
import type { Db } from './database.js';
import { preparedOnce } from './prepared-once.js';
import type { Statement } from './prepared-once.js';

export type OperatorAction = 'approve' | 'reject' | 'withdraw' | 'pause' | 'resume' | 'promote' | 'abort' | 'resolve';

/** Where a submission came from: a gate on the database's host, or the HTTP API of `genops-tui serve`. */
export type SubmissionVia = 'gate' | 'api';

export interface PendingSubmission {
  id: string;
  request: DeploymentRequest;
  via: SubmissionVia;
  /** The engine must take it by then (epoch ms), or refuse it as stale; null: no deadline (older rows). */
  deadline: number | null;
}

export interface PendingAction {
  id: number;
  deploymentId: string;
  action: OperatorAction;
  actor: string;
  reason: string | null;
  deadline: number | null;
}

/** A waiting gate keeps its request's deadline this far ahead (and gives up, exit 3, when no engine takes it by then). */
export const ACCEPT_WINDOW_MS = 10_000;
/**
 * A waiting gate moves its request's deadline ACCEPT_WINDOW_MS ahead at least this often, also while the
 * deployment runs: a gate killed outright (SIGKILL) stops doing so, and the engine withdraws the deployment.
 */
export const HEARTBEAT_MS = 2_000;

export type ActionAnswer = { result: 'done' } | { result: 'refused' | 'cancelled'; error: string };

/** Time as a waiting client sees it: real by default; tests drive it to interleave clients and engines. */
export interface WaitTime {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const REAL_TIME: WaitTime = { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };

export class Submissions {
  /** Every query here runs on each engine pass or each waiting client's look: compiled once. */
  private readonly sql: (text: string) => Statement;

  constructor(db: Db) {
    this.sql = preparedOnce(db);
  }

  /**
   * Queues a request; false when its id was already submitted. `watched`: a gate waits for it and keeps the
   * deadline moving while it runs (`keepAlive`); when the deadline passes, the engine withdraws the deployment.
   */
  submit(request: DeploymentRequest, now: number, deadline: number | null, watched = false, via: SubmissionVia = 'gate'): boolean {
    return (
      this.sql("INSERT INTO submissions (id, request, submitted_at, status, deadline, watched, via) VALUES (?, ?, ?, 'pending', ?, ?, ?) ON CONFLICT(id) DO NOTHING")
        .run(request.id, JSON.stringify(request), now, deadline, watched ? 1 : 0, via).changes === 1
    );
  }

  pending(limit = 100): PendingSubmission[] {
    return (this.sql("SELECT id, request, deadline, via FROM submissions WHERE status = 'pending' ORDER BY submitted_at, id LIMIT ?").all(limit) as Array<{ id: string; request: string; deadline: number | null; via: SubmissionVia }>).map((r) => ({
      id: r.id,
      request: JSON.parse(r.request) as DeploymentRequest,
      deadline: r.deadline,
      via: r.via,
    }));
  }

  /** The engine takes a pending request; false when its gate withdrew it first. */
  accept(id: string): boolean {
    return this.sql("UPDATE submissions SET status = 'accepted' WHERE id = ? AND status = 'pending'").run(id).changes === 1;
  }

  refuse(id: string, error: string): boolean {
    return this.sql("UPDATE submissions SET status = 'refused', error = ? WHERE id = ? AND status = 'pending'").run(error, id).changes === 1;
  }

  /** The gate gives up before the engine took its request; false when the engine took (or refused) it first. */
  withdrawPending(id: string, why: string): boolean {
    return this.sql("UPDATE submissions SET status = 'withdrawn', error = ? WHERE id = ? AND status = 'pending'").run(why, id).changes === 1;
  }

  /** The gate is still waiting: moves the deadline of its request on, before and after the engine took it. */
  keepAlive(id: string, deadline: number): void {
    this.sql("UPDATE submissions SET deadline = ? WHERE id = ? AND status IN ('pending', 'accepted')").run(deadline, id);
  }

  /**
   * An engine starting after a stop gives every watched, running deployment a fresh window: while no engine ran,
   * a gate over HTTP could not keep its deadline moving, and a dead gate cannot be told from one cut off.
   */
  renewWatched(deadline: number): number {
    return this.sql("UPDATE submissions SET deadline = ? WHERE watched = 1 AND status = 'accepted' AND deadline < ?").run(deadline, deadline).changes;
  }

  /** Whether a watched request of this id is waiting or running (a keep-alive for anything else is refused). */
  isWatched(id: string): boolean {
    return this.sql("SELECT 1 FROM submissions WHERE id = ? AND watched = 1 AND status IN ('pending', 'accepted')").get(id) !== undefined;
  }

  /**
   * Watched requests whose gate stopped keeping their deadline alive (killed, or its runner gone), oldest
   * first. The engine withdraws those still running and unwatches the rest (their gate simply ended).
   */
  abandoned(now: number, limit = 100): Array<{ id: string; deadline: number }> {
    return this.sql("SELECT id, deadline FROM submissions WHERE watched = 1 AND status = 'accepted' AND deadline < ? ORDER BY deadline LIMIT ?").all(now, limit) as Array<{ id: string; deadline: number }>;
  }

  /** Nobody watches it any more (the engine acted on an abandoned request, or the gate ended). */
  unwatch(id: string): void {
    this.sql('UPDATE submissions SET watched = 0 WHERE id = ?').run(id);
  }

  status(id: string): { status: 'pending' | 'accepted' | 'refused' | 'withdrawn'; error: string | null } | undefined {
    return this.sql('SELECT status, error FROM submissions WHERE id = ?').get(id) as { status: 'pending' | 'accepted' | 'refused' | 'withdrawn'; error: string | null } | undefined;
  }

  /** Queues an action; `deadline` null means it stands until applied (a gate's withdrawal). */
  requestAction(deploymentId: string, action: OperatorAction, actor: string, reason: string | undefined, now: number, deadline: number | null): number {
    return Number(
      this.sql('INSERT INTO operator_actions (deployment_id, action, actor, reason, requested_at, deadline) VALUES (?, ?, ?, ?, ?, ?)')
        .run(deploymentId, action, actor, reason ?? null, now, deadline).lastInsertRowid,
    );
  }

  pendingActions(): PendingAction[] {
    return this.sql('SELECT id, deployment_id AS deploymentId, action, actor, reason, deadline FROM operator_actions WHERE done_at IS NULL ORDER BY id').all() as PendingAction[];
  }

  finishAction(id: number, now: number, result: 'done' | 'refused', error?: string): void {
    this.sql('UPDATE operator_actions SET done_at = ?, result = ?, error = ? WHERE id = ? AND done_at IS NULL').run(now, result, error ?? null, id);
  }

  /** The sender gives up on an action not yet taken; false when the engine answered first. */
  cancelAction(id: number, now: number, why: string): boolean {
    return this.sql("UPDATE operator_actions SET done_at = ?, result = 'cancelled', error = ? WHERE id = ? AND done_at IS NULL").run(now, why, id).changes === 1;
  }

  actionResult(id: number): { result: string | null; error: string | null } | undefined {
    return this.sql('SELECT result, error FROM operator_actions WHERE id = ?').get(id) as { result: string | null; error: string | null } | undefined;
  }

  /**
   * Waits for the engine's answer to an action, at most `timeoutMs`; on time-out the action is cancelled (so no
   * engine applies it later) unless the engine answered at that very moment. The one "wait for the engine" loop.
   */
  async awaitAction(id: number, timeoutMs: number, cancelOnTimeout = true, time: WaitTime = REAL_TIME, pollMs = 25): Promise<ActionAnswer | 'unanswered'> {
    const until = time.now() + timeoutMs;
    for (;;) {
      const r = this.actionResult(id);
      if (r?.result === 'done') return { result: 'done' };
      if (r?.result === 'refused' || r?.result === 'cancelled') return { result: r.result, error: r.error ?? '' };
      if (time.now() >= until) {
        if (!cancelOnTimeout || this.cancelAction(id, time.now(), `no engine answered within ${Math.round(timeoutMs / 1000)} s`)) return 'unanswered';
        continue; // the engine answered meanwhile: read it
      }
      await time.sleep(pollMs);
    }
  }
}
