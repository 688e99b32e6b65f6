// The meeting point of CI gates and the engine: submitted requests and operator actions, in SQLite.
import type { DeploymentRequest } from '../domain/schemas.js';
import type { Db } from './database.js';

export type OperatorAction = 'approve' | 'reject' | 'withdraw' | 'pause' | 'resume' | 'promote' | 'abort';

export interface PendingAction {
  id: number;
  deploymentId: string;
  action: OperatorAction;
  actor: string;
  reason: string | null;
}

export class Submissions {
  constructor(private readonly db: Db) {}

  /** Queues a request; false when its id was already submitted. */
  submit(request: DeploymentRequest, now: number): boolean {
    return this.db.prepare("INSERT INTO submissions (id, request, submitted_at, status) VALUES (?, ?, ?, 'pending') ON CONFLICT(id) DO NOTHING").run(request.id, JSON.stringify(request), now).changes === 1;
  }

  pending(limit = 100): Array<{ id: string; request: DeploymentRequest }> {
    return (this.db.prepare("SELECT id, request FROM submissions WHERE status = 'pending' ORDER BY submitted_at, id LIMIT ?").all(limit) as Array<{ id: string; request: string }>).map((r) => ({
      id: r.id,
      request: JSON.parse(r.request) as DeploymentRequest,
    }));
  }

  settle(id: string, status: 'accepted' | 'refused', error?: string): void {
    this.db.prepare('UPDATE submissions SET status = ?, error = ? WHERE id = ?').run(status, error ?? null, id);
  }

  status(id: string): { status: string; error: string | null } | undefined {
    return this.db.prepare('SELECT status, error FROM submissions WHERE id = ?').get(id) as { status: string; error: string | null } | undefined;
  }

  requestAction(deploymentId: string, action: OperatorAction, actor: string, reason: string | undefined, now: number): number {
    return Number(this.db.prepare('INSERT INTO operator_actions (deployment_id, action, actor, reason, requested_at) VALUES (?, ?, ?, ?, ?)').run(deploymentId, action, actor, reason ?? null, now).lastInsertRowid);
  }

  pendingActions(): PendingAction[] {
    return this.db.prepare('SELECT id, deployment_id AS deploymentId, action, actor, reason FROM operator_actions WHERE done_at IS NULL ORDER BY id').all() as PendingAction[];
  }

  finishAction(id: number, now: number, result: 'done' | 'refused', error?: string): void {
    this.db.prepare('UPDATE operator_actions SET done_at = ?, result = ?, error = ? WHERE id = ?').run(now, result, error ?? null, id);
  }

  actionResult(id: number): { result: string | null; error: string | null } | undefined {
    return this.db.prepare('SELECT result, error FROM operator_actions WHERE id = ?').get(id) as { result: string | null; error: string | null } | undefined;
  }
}
