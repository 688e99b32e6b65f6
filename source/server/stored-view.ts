// A finished deployment the engine no longer holds in memory (it finished before this process started):
// its view rebuilt from its row and its audit entries, so a client that reconnects after a restart still
// gets its answer.
import type { Assessment } from '../domain/assess.js';
import type { DeploymentRequest, Outcome, Tier } from '../domain/schemas.js';
import type { DeploymentView, LifecycleState, StageRecord } from '../engine/deployment-view.js';
import { finishedActions } from '../engine/snapshot-facts.js';
import type { AuditLog } from '../store/audit-log.js';
import type { Db } from '../store/database.js';

interface Row {
  request: string;
  assessment: string | null;
  outcome: Outcome;
  failure_reason: string | null;
  finished_at: string | null;
}

const FINAL: Record<Outcome, LifecycleState> = { succeeded: 'promoted', rolled_back: 'rolled_back', failed: 'rolled_back', blocked: 'blocked', rejected: 'rejected', expired: 'expired', withdrawn: 'withdrawn' };
const DECISIONS = new Set(['approved', 'rejected', 'withdrawn', 'aborted']);

export function storedViews(db: Db, audit: AuditLog, tierOf: (serviceId: string) => Tier, plans: Record<string, number[]>): (id: string) => DeploymentView | undefined {
  const byId = db.prepare('SELECT request, assessment, outcome, failure_reason, finished_at FROM deployments WHERE id = ? AND outcome IS NOT NULL');
  return (id) => {
    const row = byId.get(id) as Row | undefined;
    if (!row || row.assessment === null) return undefined;
    const request = JSON.parse(row.request) as DeploymentRequest;
    const assessment = JSON.parse(row.assessment) as Assessment;
    const entries = audit.forDeployment(id);
    const stages: StageRecord[] = entries.filter((e) => e.event === 'stage_analysed').map((e) => e.payload as unknown as StageRecord);
    const decidedBy = entries.filter((e) => e.actor.kind === 'human' && DECISIONS.has(e.event)).at(-1)?.actor.id ?? null;
    const finishedAt = row.finished_at ? Date.parse(row.finished_at) : NaN;
    return {
      id,
      request,
      tier: tierOf(request.serviceId),
      assessment,
      state: FINAL[row.outcome],
      plan: plans[assessment.decision.plan] ?? [],
      stage: stages.at(-1)?.stage ?? 0,
      samples: [],
      stages,
      reason: row.failure_reason ?? (row.outcome === 'blocked' ? assessment.decision.reasons.join('; ') : ''),
      decidedBy,
      outcome: row.outcome,
      requestedAtMs: Date.parse(request.requestedAt),
      updatedAtMs: finishedAt,
      finishedAtMs: finishedAt,
      actions: finishedActions(id, FINAL[row.outcome], row.outcome),
    };
  };
}
