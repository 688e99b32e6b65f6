// What the console and tests see of a deployment: derived from the machine's snapshot, never stored apart.
import type { Assessment } from '../domain/assess.js';
import type { DeploymentRequest, Outcome, Tier } from '../domain/schemas.js';
import type { MetricSample, Verdict } from '../domain/slo.js';
import type { ActionAvailability, OperatorAction } from './operator-actions.js';

export type LifecycleState =
  | 'awaiting_approval'
  | 'blocked'
  | 'rejected'
  | 'expired'
  | 'canary'
  | 'paused'
  | 'rolling_back'
  | 'rollback_failed'
  | 'rolled_back'
  | 'withdrawn'
  | 'promoted';

export interface StageRecord {
  stage: number;
  percent: number;
  verdict: Verdict;
  reason: string;
}

export interface DeploymentView {
  id: string;
  request: DeploymentRequest;
  tier: Tier;
  assessment: Assessment;
  state: LifecycleState;
  plan: number[];
  stage: number;
  samples: MetricSample[];
  stages: StageRecord[];
  reason: string;
  decidedBy: string | null;
  outcome: Outcome | null;
  requestedAtMs: number;
  updatedAtMs: number;
  finishedAtMs: number | null;
  /** In flight: when an unanswered gate expires, and when the current stage's bake ends (console countdowns). */
  approvalExpiresAtMs?: number;
  bakeUntilMs?: number;
  /** A rollback whose command failed: how many attempts, the last error, and when the engine tries again. */
  rollback?: { attempts: number; error: string; retryAtMs: number };
  /**
   * What an operator may do now, read off the deployment's machine (`snapshot.can`), and why the rest is refused:
   * the one source of these rules for the console, the API and the CLI. (The engine also refuses a requester
   * approving their own deployment; that depends on who asks, so it is not here.)
   */
  actions: Record<OperatorAction, ActionAvailability>;
}
