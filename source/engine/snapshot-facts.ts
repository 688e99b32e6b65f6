// What the engine reads off a deployment machine's snapshot: the lifecycle state people see, the outcome,
// when the deployment next needs the clock, and the view the console shows.
import type { SnapshotFrom } from 'xstate';
import type { Assessment } from '../domain/assess.js';
import type { DeploymentRequest, Outcome, Tier } from '../domain/schemas.js';
import type { MetricSource } from '../metrics/metric-source.js';
import type { deploymentMachine } from '../machines/deployment-machine.js';
import type { DeploymentView, LifecycleState, StageRecord } from './deployment-view.js';
import { decidingSampleAt } from './sampling.js';
import { ACTION_NAMES, actionsOf, OPERATOR_ACTIONS } from './operator-actions.js';

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

/** The failed rollback's attempts, error and next try, while there is one. */
export function rollbackOf(ctx: Snapshot['context']): Pick<DeploymentView, 'rollback'> {
  return ctx.rollbackAttempts ? { rollback: { attempts: ctx.rollbackAttempts, error: ctx.rollbackError ?? '', retryAtMs: ctx.retryRollbackAt ?? 0 } } : {};
}

/**
 * `view.actions`, computed when read from the machine as it is then (`current`): eight `can` checks per state
 * change would cost the simulator seconds, and nobody reads most of them. Assigning a value replaces the getter.
 */
export function defineActions(view: Omit<DeploymentView, 'actions'>, current: () => Snapshot): DeploymentView {
  // Snapshots are immutable: one answer per snapshot, however often a render asks.
  let memo: { snapshot: Snapshot; actions: DeploymentView['actions'] } | undefined;
  return Object.defineProperty(view, 'actions', {
    enumerable: true,
    configurable: true,
    get: () => {
      const snapshot = current();
      if (memo?.snapshot !== snapshot) memo = { snapshot, actions: actionsOf(snapshot, view.id, stateText(view.state, view.outcome)) };
      return memo.actions;
    },
    set(value: DeploymentView['actions']) {
      Object.defineProperty(view, 'actions', { value, enumerable: true, configurable: true, writable: true });
    },
  }) as DeploymentView;
}

/** The state in words, as refusals say it ("awaiting approval", "rolled back"). */
export const stateText = (state: LifecycleState, outcome: Outcome | null): string => (state === 'rolled_back' && outcome === 'failed' ? 'failed' : state.replace(/_/g, ' '));

/** Nothing is allowed on a finished deployment (a view built from its row). */
export function finishedActions(id: string, state: LifecycleState, outcome: Outcome | null): DeploymentView['actions'] {
  const out = {} as DeploymentView['actions'];
  for (const action of ACTION_NAMES) out[action] = { allowed: false, why: `deployment "${id}" is ${stateText(state, outcome)}: cannot ${OPERATOR_ACTIONS[action].verb}` };
  return out;
}

/** The view of an in-flight deployment as its machine stands (`current`: the machine later, for `actions`). */
export function viewOf(d: { request: DeploymentRequest; tier: Tier; assessment: Assessment }, s: Snapshot, now: number, stages: StageRecord[], current: () => Snapshot = () => s): DeploymentView {
  const ctx = s.context;
  return defineActions({
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
    ...rollbackOf(ctx),
  }, current);
}
