// What the API answers about a deployment: a summary for lists, everything for one (the request, the
// assessment, the plan, stage verdicts and the current stage's samples). Plain data: JSON-escaped on the wire.
import type { DeploymentView } from '../engine/deployment-view.js';

const iso = (ms: number | null): string | null => (ms === null || !Number.isFinite(ms) ? null : new Date(ms).toISOString());

export function deploymentSummary(d: DeploymentView): Record<string, unknown> {
  return {
    id: d.id,
    serviceId: d.request.serviceId,
    version: d.request.version,
    requestedBy: d.request.requestedBy,
    tier: d.tier,
    level: d.assessment.level,
    score: d.assessment.score,
    decision: d.assessment.decision.action,
    plan: d.assessment.decision.plan,
    state: d.state,
    stage: d.stage,
    percent: d.state === 'canary' || d.state === 'paused' ? (d.plan[d.stage] ?? null) : null,
    outcome: d.outcome,
    reason: d.reason,
    decidedBy: d.decidedBy,
    requestedAt: d.request.requestedAt,
    updatedAt: iso(d.updatedAtMs),
    finishedAt: iso(d.finishedAtMs),
    /** What an operator may do now and why the rest is refused, from the machine (the role still decides who). */
    actions: d.actions,
  };
}

export function deploymentDetail(d: DeploymentView): Record<string, unknown> {
  return {
    ...deploymentSummary(d),
    request: d.request,
    assessment: d.assessment,
    stagePlan: d.plan,
    stages: d.stages,
    samples: d.samples,
    // The countdowns a console shows: an unanswered gate's expiry, the current stage's bake, a failed rollback's next try.
    approvalExpiresAt: iso(d.approvalExpiresAtMs ?? null),
    bakeUntil: iso(d.bakeUntilMs ?? null),
    rollback: d.rollback ? { attempts: d.rollback.attempts, error: d.rollback.error, retryAt: iso(d.rollback.retryAtMs) } : null,
  };
}
