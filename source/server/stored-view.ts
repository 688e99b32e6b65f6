// A finished deployment the engine no longer holds in memory (it finished before this process started):
// its view rebuilt from its row and its audit entries, so a client that reconnects after a restart still
// gets its answer.
import type { Tier } from '../domain/schemas.js';
import type { DeploymentView, StageRecord } from '../engine/deployment-view.js';
import { DECISIONS, finishedView } from '../engine/finished-view.js';
import type { AuditLog } from '../store/audit-log.js';
import type { Db } from '../store/database.js';
import { DeploymentStore } from '../store/deployment-store.js';

export function storedViews(db: Db, audit: AuditLog, tierOf: (serviceId: string) => Tier, plans: Record<string, number[]>): (id: string) => DeploymentView | undefined {
  const rows = new DeploymentStore(db);
  return (id) => {
    const row = rows.get(id);
    if (!row || row.outcome === null) return undefined;
    const entries = audit.forDeployment(id);
    const stages: StageRecord[] = entries.filter((e) => e.event === 'stage_analysed').map((e) => e.payload as unknown as StageRecord);
    const decidedBy = entries.filter((e) => e.actor.kind === 'human' && DECISIONS.has(e.event)).at(-1)?.actor.id ?? null;
    return finishedView(row, { tier: tierOf(row.service_id), plans, stages, decidedBy, finishedAtFallback: NaN });
  };
}
