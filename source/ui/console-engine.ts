// What the console needs of an engine: the one it runs itself (replay, --live), or one another process runs
// that it attaches to, whose decisions arrive later (they go through that engine's queue).
import type { DeploymentView } from '../engine/deployment-view.js';
import type { EngineListener } from '../engine/engine.js';
import type { AuditLog } from '../store/audit-log.js';

type Decided = DeploymentView | Promise<DeploymentView>;

export interface ConsoleEngine {
  readonly deployments: DeploymentView[];
  get(id: string): DeploymentView | undefined;
  readonly audit: AuditLog;
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
