// GET /v1/deployments: in-flight deployments from the engine (always in memory) and finished ones paged
// from SQLite, newest request first, so the list does not need every finished view in memory (a server
// keeps only recent ones: Engine.keepFinished). A finished row still in the engine's memory is shown from
// there; an older one is rebuilt from its row and audit entries (stored-view.ts).
import type { DeploymentView } from '../engine/deployment-view.js';
import type { Engine } from '../engine/engine.js';
import { FINAL_STATE } from '../engine/finished-view.js';
import type { Outcome } from '../domain/schemas.js';
import type { Db } from '../store/database.js';
import { DeploymentStore } from '../store/deployment-store.js';

export interface ListQuery {
  state?: string;
  inFlight?: 'true' | 'false';
  limit?: number;
}

const OUTCOMES = Object.keys(FINAL_STATE) as Outcome[];
const newestFirst = (a: DeploymentView, b: DeploymentView): number => b.requestedAtMs - a.requestedAtMs || (a.id < b.id ? -1 : 1);

export interface FinishedRows {
  count(outcomes: readonly Outcome[]): number;
  /** Ids, newest request first. */
  newest(outcomes: readonly Outcome[], limit: number): string[];
}

/** Finished deployments the engine assessed (imported history has no assessment and is not listed). */
export function finishedRows(db: Db): FinishedRows {
  const store = new DeploymentStore(db);
  return { count: (outcomes) => store.countFinished(outcomes), newest: (outcomes, limit) => store.newestFinished(outcomes, limit) };
}

export function listDeployments(
  engine: Engine,
  rows: FinishedRows,
  stored: ((id: string) => DeploymentView | undefined) | undefined,
  q: ListQuery,
): { count: number; deployments: DeploymentView[] } {
  const limit = q.limit ?? 500;
  const inFlight = q.inFlight === 'false' ? [] : engine.deployments.filter((d) => d.outcome === null && (q.state === undefined || d.state === q.state));
  const outcomes = q.inFlight === 'true' ? [] : OUTCOMES.filter((o) => q.state === undefined || FINAL_STATE[o] === q.state);
  const finished: DeploymentView[] = [];
  for (const id of rows.newest(outcomes, limit)) {
    const view = engine.get(id) ?? stored?.(id);
    if (view) finished.push(view);
  }
  const all = [...inFlight, ...finished].sort(newestFirst);
  return { count: inFlight.length + rows.count(outcomes), deployments: all.slice(0, limit) };
}

/** Every deployment the engine holds in memory (an embedded engine that keeps all its finished views). */
export function inMemoryList(engine: Engine, q: ListQuery): { count: number; deployments: DeploymentView[] } {
  const all = engine.deployments.filter((d) => (q.state === undefined || d.state === q.state) && (q.inFlight === undefined || (d.outcome === null) === (q.inFlight === 'true')));
  all.sort(newestFirst);
  return { count: all.length, deployments: all.slice(0, q.limit ?? 500) };
}
