// The one owner of the `deployments` table: its row type and every statement on it. The engine writes a
// deployment's life through it, the history store imports and finishes rows, and every reader (gates, the
// attached console, the server, deep verify, whatif) asks it rather than writing SQL of its own.
import type { Outcome } from '../domain/schemas.js';
import type { Db } from './database.js';

/** A stored deployment, as the table holds it (JSON columns still text). */
export interface DeploymentRow {
  id: string;
  service_id: string;
  /** The request, as JSON. */
  request: string;
  requested_at: string;
  /** The lifecycle state as written ("canary 5%" while a canary runs, "finished" for imported history). */
  state: string;
  /** The assessment, as JSON (null for imported history). */
  assessment: string | null;
  decision: string | null;
  outcome: Outcome | null;
  failure_reason: string | null;
  stopped_at_stage: number | null;
  finished_at: string | null;
  /** Who brought it: 'gate', 'api', 'engine' (simulation, replay), 'history' (imported). */
  source: string;
  /** The persisted XState snapshot, while the engine drives it. */
  machine: string | null;
  /** Its label in the vector index, once it is evidence. */
  label: number | null;
  vector: Buffer | null;
}

/** What the engine writes when it takes a request. */
export interface NewDeployment {
  id: string;
  serviceId: string;
  request: string;
  requestedAt: string;
  state: string;
  assessment: string;
  decision: string;
  source: string;
}

/** A finished (or imported) deployment's ending. */
export interface Ending {
  id: string;
  outcome: Outcome;
  finishedAt: string;
  failureReason: string | null;
  stoppedAtStage: number | null;
  label: number | null;
  vector: Buffer | null;
}

/** The lighter columns: everything but the stored vector. */
const ROW = 'id, service_id, request, requested_at, state, assessment, decision, outcome, failure_reason, stopped_at_stage, finished_at, source, machine, label';
export type DeploymentRecord = Omit<DeploymentRow, 'vector'>;

export class DeploymentStore {
  private readonly insertStmt;
  private readonly importStmt;
  private readonly stateStmt;
  private readonly finishStmt;
  private readonly byIdStmt;
  private readonly existsStmt;
  private readonly inFlightStmt;
  private readonly byLabelStmt;
  private readonly evidenceByLabelStmt;
  private readonly labelledStmt;

  constructor(private readonly db: Db) {
    this.insertStmt = db.prepare(
      `INSERT INTO deployments (id, service_id, request, requested_at, state, assessment, decision, source)
       VALUES (@id, @serviceId, @request, @requestedAt, @state, @assessment, @decision, @source)`,
    );
    this.importStmt = db.prepare(
      `INSERT INTO deployments (id, service_id, request, requested_at, state, outcome, failure_reason, stopped_at_stage, finished_at, source, label, vector)
       VALUES (@id, @serviceId, @request, @requestedAt, 'finished', @outcome, @failureReason, @stoppedAtStage, @finishedAt, @source, @label, @vector)`,
    );
    this.stateStmt = db.prepare('UPDATE deployments SET state = ?, machine = ? WHERE id = ?');
    this.finishStmt = db.prepare(
      `UPDATE deployments SET state = 'finished', outcome = @outcome, finished_at = @finishedAt, failure_reason = @failureReason,
       stopped_at_stage = @stoppedAtStage, label = @label, vector = @vector, machine = NULL WHERE id = @id`,
    );
    this.byIdStmt = db.prepare(`SELECT ${ROW} FROM deployments WHERE id = ?`);
    this.existsStmt = db.prepare('SELECT 1 FROM deployments WHERE id = ?').pluck();
    this.inFlightStmt = db.prepare(`SELECT ${ROW} FROM deployments WHERE outcome IS NULL`);
    this.byLabelStmt = db.prepare('SELECT id, service_id, outcome, failure_reason, finished_at FROM deployments WHERE label = ?');
    this.evidenceByLabelStmt = db.prepare('SELECT request, failure_reason, vector FROM deployments WHERE label = ?');
    this.labelledStmt = db.prepare('SELECT label, vector FROM deployments WHERE label IS NOT NULL AND label >= ? ORDER BY label').raw(true);
  }

  /** A request the engine has taken. */
  insert(d: NewDeployment): void {
    this.insertStmt.run(d);
  }

  /** A finished deployment from elsewhere (imported history, a replay's record). */
  import(d: Omit<NewDeployment, 'state' | 'assessment' | 'decision'> & Omit<Ending, 'id'>): void {
    this.importStmt.run(d);
  }

  /** The machine moved on: its state as shown, and its snapshot to resume from. */
  setState(id: string, state: string, machine: string | null): void {
    this.stateStmt.run(state, machine, id);
  }

  finish(e: Ending): void {
    this.finishStmt.run(e);
  }

  exists(id: string): boolean {
    return this.existsStmt.get(id) !== undefined;
  }

  get(id: string): DeploymentRecord | undefined {
    return this.byIdStmt.get(id) as DeploymentRecord | undefined;
  }

  /** Deployments with no outcome yet (the partial index deployments_in_flight makes this cheap). */
  inFlight(): IterableIterator<DeploymentRecord> {
    return this.inFlightStmt.iterate() as IterableIterator<DeploymentRecord>;
  }

  // Evidence: executed deployments carry a label in the vector index and their stored (structural) vector.

  /** The neighbour behind an index label: id, service, outcome, failure reason, finished at. */
  byLabel(label: number): Pick<DeploymentRow, 'id' | 'service_id' | 'outcome' | 'failure_reason' | 'finished_at'> | undefined {
    return this.byLabelStmt.get(label) as Pick<DeploymentRow, 'id' | 'service_id' | 'outcome' | 'failure_reason' | 'finished_at'> | undefined;
  }

  /** What an index label's vector is made of: the request (JSON), its failure reason, the stored vector. */
  evidenceByLabel(label: number): { request: string; failure_reason: string | null; vector: Buffer } | undefined {
    return this.evidenceByLabelStmt.get(label) as { request: string; failure_reason: string | null; vector: Buffer } | undefined;
  }

  /** Labels and stored vectors from `from` on, in label order (a rebuild or a catch-up of the index). */
  labelled(from: number): IterableIterator<[number, Buffer]> {
    return this.labelledStmt.iterate(from) as IterableIterator<[number, Buffer]>;
  }

  labelCount(): number {
    return this.db.prepare('SELECT count(*) FROM deployments WHERE label IS NOT NULL').pluck().get() as number;
  }

  /** The next label to hand out. */
  nextLabel(): number {
    return ((this.db.prepare('SELECT max(label) FROM deployments').pluck().get() as number | null) ?? -1) + 1;
  }

  /** The requests (JSON) and failure reasons of every labelled deployment (their texts to embed). */
  evidenceRequests(): Array<{ request: string; failure_reason: string | null }> {
    return this.db.prepare('SELECT request, failure_reason FROM deployments WHERE label IS NOT NULL').all() as Array<{ request: string; failure_reason: string | null }>;
  }

  /** Executed outcomes per service: [service, outcome, count]. */
  executedCounts(): Array<[string, Outcome, number]> {
    return this.db.prepare("SELECT service_id, outcome, count(*) FROM deployments WHERE outcome IN ('succeeded','failed','rolled_back') GROUP BY service_id, outcome").raw(true).all() as Array<[string, Outcome, number]>;
  }

  /** Finished deployments the engine assessed with one of these outcomes (imported history has no assessment). */
  countFinished(outcomes: readonly Outcome[]): number {
    if (outcomes.length === 0) return 0;
    return this.finishedStmt('count', outcomes.length).pluck().get(...outcomes) as number;
  }

  /** Their ids, newest request first (by the instant: request times may carry offsets), at most `limit`. */
  newestFinished(outcomes: readonly Outcome[], limit: number): string[] {
    if (outcomes.length === 0 || limit <= 0) return [];
    return this.finishedStmt('page', outcomes.length).pluck().all(...outcomes, limit) as string[];
  }

  private readonly finishedStmts = new Map<string, ReturnType<Db['prepare']>>();

  private finishedStmt(kind: 'count' | 'page', n: number): ReturnType<Db['prepare']> {
    const key = `${kind}:${n}`;
    let stmt = this.finishedStmts.get(key);
    if (!stmt) {
      const where = `outcome IN (${Array(n).fill('?').join(', ')}) AND assessment IS NOT NULL`;
      stmt = this.db.prepare(kind === 'count' ? `SELECT count(*) FROM deployments WHERE ${where}` : `SELECT id FROM deployments WHERE ${where} ORDER BY unixepoch(requested_at, 'subsec') DESC, id LIMIT ?`);
      this.finishedStmts.set(key, stmt);
    }
    return stmt;
  }

  /** Every deployment, by id (deep verify) or in request order (whatif). */
  all(order: 'id' | 'requested' = 'id'): IterableIterator<DeploymentRecord> {
    return this.db.prepare(`SELECT ${ROW} FROM deployments ORDER BY ${order === 'id' ? 'id' : 'requested_at, id'}`).iterate() as IterableIterator<DeploymentRecord>;
  }
}
