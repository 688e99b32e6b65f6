// What the console needs of an engine: the one it runs itself (replay, --live), or one another process runs
// that it attaches to, whose decisions arrive later (they go through that engine's queue).
import type { DeploymentView } from '../engine/deployment-view.js';
import type { EngineListener } from '../engine/engine.js';
import type { AuditEntry } from '../store/audit-log.js';

/**
 * What the panes read of the audit trail: the SQLite log (replay, --live, attached), or the entries an HTTP
 * console has been sent over the event stream.
 */
export interface AuditTrail {
  /** The last n entries, oldest first. */
  tail(n: number): AuditEntry[];
  /** One deployment's entries, oldest first (over HTTP: as far as they have arrived yet). */
  forDeployment(deploymentId: string): AuditEntry[];
}

type Decided = DeploymentView | Promise<DeploymentView>;

export interface ConsoleEngine {
  readonly deployments: DeploymentView[];
  get(id: string): DeploymentView | undefined;
  readonly audit: AuditTrail;
  on(listener: EngineListener): () => void;
  approve(id: string, by: string, reason?: string): Decided;
  reject(id: string, by: string, reason: string): Decided;
  pause(id: string, by: string): Decided;
  resume(id: string, by: string): Decided;
  promote(id: string, by: string): Decided;
  abort(id: string, by: string, reason: string): Decided;
  /** A failed rollback a person has dealt with: what was done is the reason. */
  resolveRollback(id: string, by: string, reason: string): Decided;
  /** Attached: how long the engine takes a queued decision before refusing it as stale. */
  readonly answerWithinMs?: number;
}
