// One way for every consumer (gate, approve/reject, a console) to talk to an engine, whatever the transport:
// submit a request; read a deployment's status; wait for its outcome; request an action and get the engine's
// answer; follow the audit trail from a cursor. Two transports: the local SQLite queue and HTTP.
import type { Assessment } from '../domain/assess.js';
import type { DeploymentRequest } from '../domain/schemas.js';
import type { AuditEntry } from '../store/audit-log.js';
import type { OperatorAction } from '../store/submissions.js';

/** A deployment as a client sees it. `state` is the lifecycle state; `percent` the canary's traffic share. */
export interface DeploymentStatus {
  id: string;
  serviceId: string;
  version: string;
  requestedBy: string;
  state: string;
  percent: number | null;
  outcome: string | null;
  reason: string;
  decidedBy: string | null;
  assessment: Assessment | undefined;
}

/** What the engine answered to an action; `unanswered` when no engine did within the wait. */
export type ActionAnswer = { result: 'done'; status?: DeploymentStatus } | { result: 'refused'; error: string } | { result: 'unanswered'; error: string };

export type SubmitAnswer =
  | { result: 'accepted'; status: DeploymentStatus }
  | { result: 'refused'; error: string }
  | { result: 'unanswered'; error: string }
  /** queueOnly: in the engine's queue; an engine must take it by `acceptBy` (epoch ms) or refuses it as stale. */
  | { result: 'queued'; acceptBy: number }
  /** The caller gave up (its signal, its deadline) before an engine took it: withdrawn, nothing ran. */
  | { result: 'cancelled' | 'timeout' };

export type Awaited = { result: 'finished'; status: DeploymentStatus } | { result: 'timeout' } | { result: 'cancelled' };

export interface AwaitOptions {
  /** Epoch ms: give up (result 'timeout') after this. */
  until: number;
  signal?: AbortSignal;
  /** Called with each status seen while waiting (for "state: canary 5%" lines). */
  onStatus?: (status: DeploymentStatus) => void;
  /** The request was submitted watched: keep telling the engine someone waits (it withdraws it otherwise). */
  keepAlive?: boolean;
}

export interface SubmitOptions {
  /** The caller will wait for the outcome and keep it alive (`AwaitOptions.keepAlive`); the engine withdraws it when that stops. */
  watch?: boolean;
  /** Stop waiting for the engine to take it after this (epoch ms), or when the signal aborts. */
  until?: number;
  signal?: AbortSignal;
  /** Called once the request is in the engine's hands (queued locally; accepted over HTTP). */
  onQueued?: () => void;
  /** Queue it and return at once; an engine must take it within `acceptWithinMs` (local only: over HTTP the server answers once it has). */
  queueOnly?: { acceptWithinMs: number };
}

export interface ActOptions {
  /** A gate's withdrawal: it stands until an engine applies it, and is not cancelled when none answers in time. */
  standing?: boolean;
}

export interface EngineClient {
  readonly transport: 'local' | 'http';
  /** Who the engine will record as the actor: the token's name over HTTP, a claim locally. */
  identity(): Promise<string>;
  submit(request: Omit<DeploymentRequest, 'requestedBy'> & { requestedBy?: string }, options?: SubmitOptions): Promise<SubmitAnswer>;
  status(id: string): Promise<DeploymentStatus | undefined>;
  awaitOutcome(id: string, options: AwaitOptions): Promise<Awaited>;
  act(id: string, action: OperatorAction, reason?: string, options?: ActOptions): Promise<ActionAnswer>;
  /** Audit entries of one deployment (or all) after `after`, oldest first. */
  audit(after: number, deployment?: string): Promise<AuditEntry[]>;
  /**
   * Told when the engine stops answering (once, with why, while calls are retried) and when it answers again,
   * so a client waiting minutes can say so instead of going quiet. Over HTTP only: locally the database is there.
   */
  onConnectionChange?: ((up: boolean, detail: string) => void) | undefined;
  close(): void;
}

/** A deployment has an answer for its gate: an outcome, or a rollback that failed and needs a human. */
export const isFinal = (s: DeploymentStatus): boolean => s.outcome !== null || s.state === 'rollback_failed';

/** How gates print a state: "canary 5%" while a canary runs, the lifecycle state otherwise. */
export const stateLine = (s: DeploymentStatus): string => (s.percent !== null && (s.state === 'canary' || s.state === 'paused') ? `${s.state} ${s.percent}%` : s.state);
