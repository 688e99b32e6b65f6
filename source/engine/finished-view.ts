// A finished deployment's view, rebuilt from its stored row and what the audit trail says of it (stage
// verdicts, who decided): for a console attached to another process's engine, and for a server asked about a
// deployment its engine no longer holds in memory.
import type { Assessment } from '../domain/assess.js';
import type { DeploymentRequest, Outcome, Tier } from '../domain/schemas.js';
import type { DeploymentRecord } from '../store/deployment-store.js';
import type { DeploymentView, LifecycleState, StageRecord } from './deployment-view.js';
import { finishedActions } from './snapshot-facts.js';

export const FINAL_STATE: Record<Outcome, LifecycleState> = { succeeded: 'promoted', rolled_back: 'rolled_back', failed: 'rolled_back', blocked: 'blocked', rejected: 'rejected', expired: 'expired', withdrawn: 'withdrawn' };
/** Audited human events that decide a deployment's fate. */
export const DECISIONS = new Set(['approved', 'rejected', 'withdrawn', 'aborted']);

export interface FinishedFacts {
  tier: Tier;
  plans: Record<string, number[]>;
  stages: StageRecord[];
  decidedBy: string | null;
  /** When the row does not say when it finished (epoch ms). */
  finishedAtFallback: number;
}

/** The view of a finished row; undefined for a row with no outcome or no assessment (imported history). */
export function finishedView(row: Pick<DeploymentRecord, 'id' | 'request' | 'assessment' | 'outcome' | 'failure_reason' | 'finished_at'>, facts: FinishedFacts): DeploymentView | undefined {
  if (row.outcome === null || row.assessment === null) return undefined;
  const request = JSON.parse(row.request) as DeploymentRequest;
  const assessment = JSON.parse(row.assessment) as Assessment;
  const finishedAt = row.finished_at ? Date.parse(row.finished_at) : facts.finishedAtFallback;
  const state = FINAL_STATE[row.outcome];
  return {
    id: row.id,
    request,
    tier: facts.tier,
    assessment,
    state,
    plan: facts.plans[assessment.decision.plan] ?? [],
    stage: Math.max(0, facts.stages.at(-1)?.stage ?? 0),
    samples: [],
    stages: facts.stages,
    reason: row.failure_reason ?? (row.outcome === 'blocked' ? assessment.decision.reasons.join('; ') : ''),
    decidedBy: facts.decidedBy,
    outcome: row.outcome,
    requestedAtMs: Date.parse(request.requestedAt),
    updatedAtMs: finishedAt,
    finishedAtMs: finishedAt,
    actions: finishedActions(row.id, state, row.outcome),
  };
}
