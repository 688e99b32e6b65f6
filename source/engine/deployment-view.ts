// What the console and tests see of a deployment: derived from the machine's snapshot, never stored apart.
import type { Assessment } from '../domain/assess.js';
import type { DeploymentRequest, Outcome, Tier } from '../domain/schemas.js';
import type { MetricSample, Verdict } from '../domain/slo.js';

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
}
