// What the engine reads off a deployment machine's snapshot: the lifecycle state people see, the outcome,
// when the deployment next needs the clock, and the view the console shows.
import type { SnapshotFrom } from 'xstate';
import type { Assessment } from '../domain/assess.js';
import type { DeploymentRequest, Outcome, Tier } from '../domain/schemas.js';
import type { MetricSource } from '../metrics/metric-source.js';
import type { deploymentMachine } from '../machines/deployment-machine.js';
import type { DeploymentView, LifecycleState, StageRecord } from './deployment-view.js';
import { decidingSampleAt } from './sampling.js';

export type Snapshot = SnapshotFrom<typeof deploymentMachine>;

export function lifecycle(snapshot: Snapshot): LifecycleState {
  const v = snapshot.value;
  if (typeof v === 'string') return (v === 'assessed' ? 'canary' : v) as LifecycleState;
  return v.canary === 'paused' ? 'paused' : 'canary';
}

export const stateKey = (s: Snapshot): string => JSON.stringify(s.value);

/** What a restart must find again: the state, the stage and the samples the stage has taken. */
export const persistKey = (s: Snapshot): string => `${stateKey(s)}|${s.context.stage}|${s.context.samples.length}`;

/** When the deployment next needs the clock: a gate's expiry or the next (or, reading ahead, deciding) sample. */
export function wakeOf(s: Snapshot, lookahead?: MetricSource): number {
  if (s.status !== 'active') return Infinity;
  const v = s.value;
  if (v === 'awaiting_approval') return s.context.approvalExpiresAt;
  if (v === 'rollback_failed') return s.context.retryRollbackAt ?? 0;
  if (typeof v === 'object' && v.canary === 'baking') return lookahead ? decidingSampleAt(lookahead, s.context) : s.context.nextSampleAt;
  return Infinity;
}

export function outcomeOf(s: Snapshot): Outcome | null {
  switch (lifecycle(s)) {
    case 'promoted': return 'succeeded';
    case 'rolled_back': return s.context.maxTraffic >= 100 ? 'failed' : 'rolled_back';
    case 'blocked': return 'blocked';
    case 'rejected': return 'rejected';
    case 'expired': return 'expired';
    case 'withdrawn': return 'withdrawn';
    default: return null;
  }
}

/** The view of an in-flight deployment as its machine stands (before the engine has seen any transition). */
export function viewOf(d: { request: DeploymentRequest; tier: Tier; assessment: Assessment }, s: Snapshot, now: number, stages: StageRecord[]): DeploymentView {
  const ctx = s.context;
  return {
    id: d.request.id,
    request: d.request,
    tier: d.tier,
    assessment: d.assessment,
    state: lifecycle(s),
    plan: ctx.plan,
    stage: ctx.stage,
    samples: ctx.samples,
    stages: stages.filter((r) => r.stage < ctx.stage),
    reason: ctx.reason,
    decidedBy: ctx.decidedBy,
    outcome: null,
    requestedAtMs: Date.parse(d.request.requestedAt),
    updatedAtMs: now,
    finishedAtMs: null,
    approvalExpiresAtMs: ctx.approvalExpiresAt,
    bakeUntilMs: ctx.bakeUntil,
  };
}
