// `audit verify --deep`: the chain vouches for itself; this checks that the tables a decision reads still say
// what the chain recorded. Each deployment row is reconciled with its `received` (request digest), `assessed`,
// `decided` and `finished` entries, or, for imported history, with the batch digest that covered it; each
// service row with the digest of the last audited catalog. Every row that differs is named.
import type { Assessment } from '../domain/assess.js';
import type { DeploymentRequest, HistoryRecord, Outcome } from '../domain/schemas.js';
import { AuditLog } from './audit-log.js';
import type { Db } from './database.js';
import { DeploymentStore } from './deployment-store.js';
import type { DeploymentRecord } from './deployment-store.js';
import { storedServiceDigests } from './catalog-store.js';
import { historyDigest, requestDigest } from './row-digests.js';

export interface RowDifference {
  table: 'deployments' | 'services';
  id: string;
  field: string;
  row: unknown;
  audit: unknown;
  /** The audit entry the row was compared with, when there is one. */
  seq?: number;
}

interface Recorded {
  received?: { seq: number; payload: Record<string, unknown> };
  assessed?: { seq: number; payload: Record<string, unknown> };
  decided?: { seq: number; payload: Record<string, unknown> };
  finished?: { seq: number; payload: Record<string, unknown> };
  imported?: { seq: number; digest: string };
}

/** The columns deep verify compares: every one but the stored vector. */
type DeploymentRow = DeploymentRecord;

/** Reads the trail once; differences in table order, then id order. */
export function reconcile(db: Db): RowDifference[] {
  const recorded = new Map<string, Recorded>();
  let catalog: { seq: number; services: Record<string, string> } | undefined;
  const at = (id: string): Recorded => {
    let r = recorded.get(id);
    if (!r) recorded.set(id, (r = {}));
    return r;
  };
  for (const e of new AuditLog(db).entries()) {
    const id = e.deploymentId;
    if (id && (e.event === 'received' || e.event === 'assessed' || e.event === 'decided' || e.event === 'finished')) at(id)[e.event] = { seq: e.seq, payload: e.payload };
    else if (e.event === 'history_rows_imported') {
      for (const [rowId, digest] of Object.entries(e.payload.rows as Record<string, string>)) at(rowId).imported = { seq: e.seq, digest };
    } else if (e.event === 'catalog_loaded') catalog = { seq: e.seq, services: e.payload.services as Record<string, string> };
  }
  const out: RowDifference[] = [];
  const rows = new DeploymentStore(db).all('id');
  const present = new Set<string>();
  for (const row of rows) {
    present.add(row.id);
    out.push(...reconcileDeployment(row, recorded.get(row.id)));
  }
  // Rows the trail vouches for that are gone: a deleted failure changes every later failure rate.
  for (const [id, r] of [...recorded].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (present.has(id) || !(r.received || r.imported)) continue;
    out.push({ table: 'deployments', id, field: '(row missing)', row: 'absent', audit: r.imported ? 'imported' : 'received', seq: (r.imported ?? r.received)?.seq ?? 0 });
  }
  out.push(...reconcileServices(db, catalog));
  return out;
}

function reconcileDeployment(row: DeploymentRow, r: Recorded | undefined): RowDifference[] {
  const diff = (field: string, rowValue: unknown, auditValue: unknown, seq?: number): RowDifference => ({ table: 'deployments', id: row.id, field, row: rowValue, audit: auditValue, ...(seq !== undefined ? { seq } : {}) });
  // The lookup columns must say what the request says (queries by service read them, not the JSON).
  const columns: RowDifference[] = [];
  try {
    const request = JSON.parse(row.request) as DeploymentRequest;
    if (row.service_id !== request.serviceId) columns.push(diff('service_id', row.service_id, `the request's serviceId ${request.serviceId}`));
    if (row.requested_at !== request.requestedAt) columns.push(diff('requested_at', row.requested_at, `the request's requestedAt ${request.requestedAt}`));
  } catch {
    return [diff('request', 'not JSON', 'a request')];
  }
  if (r?.imported && row.source !== 'import') columns.push(diff('source', row.source, 'import', r.imported.seq));
  if (!r?.imported && r?.received && row.source === 'import') columns.push(diff('source', row.source, 'run by the engine', r.received.seq));
  if (r?.received && !r.finished && row.outcome === null && row.machine === null) columns.push(diff('machine', 'missing', 'in flight: its persisted state is needed to resume it', r.received.seq));
  return [...columns, ...reconcileContent(row, r, diff)];
}

function reconcileContent(row: DeploymentRow, r: Recorded | undefined, diff: (field: string, rowValue: unknown, auditValue: unknown, seq?: number) => RowDifference): RowDifference[] {
  if (r?.imported) {
    const record: HistoryRecord = {
      request: JSON.parse(row.request) as DeploymentRequest,
      outcome: row.outcome as Outcome,
      finishedAt: row.finished_at ?? '',
      ...(row.failure_reason !== null ? { failureReason: row.failure_reason } : {}),
      ...(row.stopped_at_stage !== null ? { stoppedAtStage: row.stopped_at_stage } : {}),
    };
    const digest = historyDigest(record);
    return digest === r.imported.digest ? [] : [diff('(imported row)', `sha256 ${digest.slice(0, 16)}… (outcome ${String(row.outcome)})`, `sha256 ${r.imported.digest.slice(0, 16)}…`, r.imported.seq)];
  }
  if (!r?.received) return [diff('(row)', 'present', 'no audit entry received or imported this deployment')];
  const out: RowDifference[] = [];
  const request = JSON.parse(row.request) as DeploymentRequest;
  const rec = r.received;
  if (typeof rec.payload.requestSha256 === 'string') {
    if (requestDigest(request) !== rec.payload.requestSha256) out.push(diff('request', `sha256 ${requestDigest(request).slice(0, 16)}…`, `sha256 ${rec.payload.requestSha256.slice(0, 16)}…`, rec.seq));
  } else {
    // Entries written before requests were digested: the fields they carried.
    for (const [field, value] of [['serviceId', request.serviceId], ['version', request.version], ['requestedBy', request.requestedBy]] as const) {
      if (rec.payload[field] !== value) out.push(diff(`request.${field}`, value, rec.payload[field], rec.seq));
    }
  }
  if (r.decided) {
    const d = r.decided;
    if (row.decision !== d.payload.action) out.push(diff('decision', row.decision, d.payload.action, d.seq));
    const a = row.assessment ? (JSON.parse(row.assessment) as Assessment) : undefined;
    if (a && a.decision.action !== d.payload.action) out.push(diff('assessment.decision.action', a.decision.action, d.payload.action, d.seq));
    if (a && a.decision.plan !== d.payload.plan) out.push(diff('assessment.decision.plan', a.decision.plan, d.payload.plan, d.seq));
    if (a && r.assessed && (a.score !== r.assessed.payload.score || a.level !== r.assessed.payload.level)) {
      out.push(diff('assessment.score', `${a.level} ${a.score}`, `${String(r.assessed.payload.level)} ${String(r.assessed.payload.score)}`, r.assessed.seq));
    }
  }
  const f = r.finished;
  if (f && row.outcome !== f.payload.outcome) out.push(diff('outcome', row.outcome, f.payload.outcome, f.seq));
  else if (!f && row.outcome !== null) out.push(diff('outcome', row.outcome, 'no finished entry: still in flight', rec.seq));
  else if (f && row.outcome !== 'succeeded' && (row.failure_reason ?? '') !== (f.payload.reason ?? '')) out.push(diff('failure_reason', row.failure_reason, f.payload.reason, f.seq));
  return out;
}

function reconcileServices(db: Db, catalog: { seq: number; services: Record<string, string> } | undefined): RowDifference[] {
  const now = storedServiceDigests(db);
  const audited = catalog?.services ?? {};
  const out: RowDifference[] = [];
  for (const id of [...new Set([...Object.keys(now), ...Object.keys(audited)])].sort()) {
    const row = now[id];
    const want = audited[id];
    if (row === want) continue;
    out.push({
      table: 'services',
      id,
      field: row === undefined ? '(row missing)' : want === undefined ? '(row not in the audited catalog)' : 'body',
      row: row === undefined ? 'absent' : `sha256 ${row.slice(0, 16)}…`,
      audit: want === undefined ? (catalog ? 'absent' : 'no catalog was ever audited') : `sha256 ${want.slice(0, 16)}…`,
      ...(catalog ? { seq: catalog.seq } : {}),
    });
  }
  return out;
}
