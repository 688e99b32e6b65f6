// GET /v1/deployments: in-flight deployments from the engine (always in memory) and finished ones paged
// from SQLite, newest request first, so the list does not need every finished view in memory (a server
// keeps only recent ones: Engine.keepFinished). A finished row still in the engine's memory is shown from
// there; an older one is rebuilt from its row and audit entries (stored-view.ts).
// (The SQL belongs with the deployments table's owner, source/store/deployment-store.ts, once it lists.)
import type { DeploymentView } from '../engine/deployment-view.js';
import type { Engine } from '../engine/engine.js';
import { FINAL_STATE } from '../engine/finished-view.js';
import type { Outcome } from '../domain/schemas.js';
import type { Db } from '../store/database.js';

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
  // Request times may carry offsets: ordered by the instant, as the in-memory list orders them.
  const where = (n: number): string => `outcome IN (${Array(n).fill('?').join(', ')}) AND assessment IS NOT NULL`;
  const countStmts = new Map<number, ReturnType<Db['prepare']>>();
  const pageStmts = new Map<number, ReturnType<Db['prepare']>>();
  const stmt = (cache: Map<number, ReturnType<Db['prepare']>>, n: number, sql: (w: string) => string): ReturnType<Db['prepare']> => {
    let s = cache.get(n);
    if (!s) cache.set(n, (s = db.prepare(sql(where(n)))));
    return s;
  };
  return {
    count: (outcomes) => (outcomes.length === 0 ? 0 : (stmt(countStmts, outcomes.length, (w) => `SELECT count(*) FROM deployments WHERE ${w}`).pluck().get(...outcomes) as number)),
    newest: (outcomes, limit) =>
      outcomes.length === 0 || limit <= 0
        ? []
        : (stmt(pageStmts, outcomes.length, (w) => `SELECT id FROM deployments WHERE ${w} ORDER BY unixepoch(requested_at, 'subsec') DESC, id LIMIT ?`).pluck().all(...outcomes, limit) as string[]),
  };
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
