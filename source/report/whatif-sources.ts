// Where `whatif` and `evaluate` read recorded history from: a replay fixture (run once through the engine
// under the baseline configuration, on a virtual clock, to learn each deployment's outcome), a history file
// (NDJSON, with a catalog), or a database.
import { Assessor } from '../domain/assess.js';
import type { SyncAdvisor } from '../domain/advisor.js';
import { CatalogIndex } from '../domain/catalog.js';
import type { Config } from '../domain/config.js';
import { featureEmbedder } from '../domain/embedding.js';
import type { Catalog, DeploymentRequest, Outcome } from '../domain/schemas.js';
import { VirtualClock } from '../engine/clock.js';
import { Engine } from '../engine/engine.js';
import { InputError } from '../io/input-error.js';
import type { InputProblem } from '../io/input-error.js';
import { loadHistory } from '../io/load.js';
import { readText } from '../io/read-document.js';
import { FixtureMetricSource, parseFixture } from '../sources/fixture.js';
import { Replay } from '../sources/replay.js';
import { recordedAdvisorOf } from '../advisor/recorded-advisor.js';
import { storedCatalog } from '../store/catalog-store.js';
import type { Db } from '../store/database.js';
import { DeploymentStore } from '../store/deployment-store.js';
import { openDatabase } from '../store/database.js';
import { HistoryStore } from '../store/history-store.js';
import type { RecordedDeployment } from './whatif-replay.js';

export interface RecordedHistory {
  source: string;
  catalog: CatalogIndex;
  deployments: RecordedDeployment[];
  problems: InputProblem[];
  /** A fixture recorded with a model: its answers, which decided the recording. */
  advisor?: SyncAdvisor;
}

const THIRTY_DAYS_MS = 30 * 86_400_000;

/** A replay fixture's deployments with the outcomes the engine gives them under `config` (recorded samples, recorded human decisions). */
export function fromFixture(file: string, config: Config): RecordedHistory {
  const fixture = parseFixture(file, readText(file));
  if (fixture.services.length === 0 || fixture.requests.length === 0) throw new InputError([{ file, field: '(file)', message: 'no services or no requests in this fixture' }]);
  const catalog = new CatalogIndex({ services: fixture.services });
  const db = openDatabase(':memory:');
  try {
    const history = new HistoryStore(db, catalog, featureEmbedder, undefined);
    const clock = new VirtualClock(Date.parse((fixture.requests[0] as DeploymentRequest).requestedAt));
    // A model's recorded answers decide again as they did (the recording's outcomes depend on them).
    const advisor = recordedAdvisorOf(fixture.advice ?? []);
    const engine = new Engine({ db, catalog, config, history, assessor: new Assessor(catalog, config, history, featureEmbedder), clock, metrics: new FixtureMetricSource(fixture.samples), lookahead: true, ...(advisor ? { advisor } : {}) });
    const replay = new Replay(fixture, engine, clock);
    const problems = [...fixture.problems];
    replay.onRefused = (request, reason) => problems.push({ file, field: 'request', message: `${request.id}: ${reason}` });
    replay.advanceTo(replay.endMs + THIRTY_DAYS_MS);
    const deployments = engine.deployments.map((d): RecordedDeployment => ({
      request: d.request,
      ...(d.outcome ? { outcome: d.outcome, finishedAt: new Date(d.finishedAtMs ?? d.updatedAtMs).toISOString() } : {}),
      ...(d.outcome && d.outcome !== 'succeeded' && d.reason ? { failureReason: d.reason } : {}),
      recordedAction: d.assessment.decision.action,
    }));
    return { source: file, catalog, deployments, problems, ...(advisor ? { advisor } : {}) };
  } finally {
    db.close();
  }
}

/** A history file (NDJSON of finished deployments) with its catalog. */
export function fromHistoryFile(file: string, catalog: CatalogIndex): RecordedHistory {
  const parsed = loadHistory(file);
  return {
    source: file,
    catalog,
    deployments: parsed.records.map(({ value }) => ({ request: value.request, outcome: value.outcome, finishedAt: value.finishedAt, ...(value.failureReason ? { failureReason: value.failureReason } : {}) })),
    problems: parsed.problems,
  };
}

/** Every deployment in a database (finished or not), with the decision it recorded. */
export function fromDatabase(db: Db, path: string, catalogOverride?: Catalog): RecordedHistory {
  const catalog = catalogOverride ?? storedCatalog(db);
  if (!catalog) throw new InputError([{ file: path, field: 'services', message: 'no service catalog in the database: pass --catalog FILE' }]);
  const rows = [...new DeploymentStore(db).all('requested')];
  return {
    source: path,
    catalog: new CatalogIndex(catalog),
    deployments: rows.map((r) => ({
      request: JSON.parse(r.request) as DeploymentRequest,
      ...(r.outcome && r.finished_at ? { outcome: r.outcome, finishedAt: r.finished_at } : {}),
      ...(r.failure_reason ? { failureReason: r.failure_reason } : {}),
      ...(r.decision ? { recordedAction: r.decision } : {}),
    })),
    problems: [],
  };
}
