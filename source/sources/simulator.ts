// The simulator: a seeded workload replayed through the real engine (SQLite, audit, HNSW) on a virtual clock,
// as a discrete-event simulation: request arrivals, human answers and the engine's own deadlines.
import { Assessor } from '../domain/assess.js';
import { CatalogIndex } from '../domain/catalog.js';
import type { Autonomy, Config, ConfigInput } from '../domain/config.js';
import type { SyncAdvisor } from '../domain/advisor.js';
import { configSchema } from '../domain/config.js';
import { featureEmbedder } from '../domain/embedding.js';
import { VirtualClock } from '../engine/clock.js';
import { Engine } from '../engine/engine.js';
import type { DeploymentView } from '../engine/deployment-view.js';
import { SimulatedMetricSource } from '../metrics/simulated-source.js';
import { openDatabase } from '../store/database.js';
import type { Db } from '../store/database.js';
import { HistoryStore } from '../store/history-store.js';
import { SimulatedApprovers } from './approvers.js';
import { generateWorkload, WORKLOAD } from './workload.js';
import type { Workload } from './workload.js';

export interface SimulationOptions {
  seed: number;
  count: number;
  services: number;
  autonomy: Autonomy;
  dbPath: string;
  onProgress?: (done: number, total: number) => void;
  /** Wraps the simulated metric source (the fixture recorder keeps every sample). */
  wrapMetrics?: (source: SimulatedMetricSource) => { sample: SimulatedMetricSource['sample'] };
  /** Configuration beyond autonomy (freeze windows, thresholds…), validated like a config file. */
  config?: ConfigInput;
  /** The AI actor (tests use a hostile one). */
  advisor?: SyncAdvisor;
  /** Approvers who never answer: every gate expires. */
  silentApprovers?: boolean;
  /** Start of the workload (tests move it across DST changes and freeze windows). */
  startMs?: number;
  /** Skip the clock to each stage's deciding sample (default); false delivers every sample on its own tick. */
  lookahead?: boolean;
  /** For tests of the checker: an engine that skips gates. */
  engineFactory?: (deps: ConstructorParameters<typeof Engine>[0]) => Engine;
}

export interface SimulationRun {
  workload: Workload;
  deployments: DeploymentView[];
  engine: Engine;
  db: Db;
  config: Config;
  startMs: number;
  endMs: number;
}

/** Minutes an on-call operator takes to look at a paused canary; a second pause at the same stage aborts. */
const OPERATOR_MINUTES = 10;
const COMMIT_EVERY = 500;

export function simulate(opts: SimulationOptions): SimulationRun {
  const workload = generateWorkload(opts.seed, opts.count, opts.services, opts.startMs);
  const config = configSchema.parse({ ...opts.config, autonomy: opts.autonomy });
  const db = openDatabase(opts.dbPath);
  const catalog = new CatalogIndex({ services: workload.services.map(({ flakiness: _flakiness, ...s }) => s) });
  const history = new HistoryStore(db, catalog, featureEmbedder, opts.dbPath === ':memory:' ? undefined : `${opts.dbPath}.hnsw`);
  const first = workload.requests[0];
  const clock = new VirtualClock(first ? Date.parse(first.requestedAt) : 0);
  const startMs = clock.now();
  const simulated = new SimulatedMetricSource({ seed: opts.seed, defects: workload.defects, providerErrorRate: WORKLOAD.providerErrorRate, gapRate: WORKLOAD.gapRate });
  const metrics = opts.wrapMetrics ? opts.wrapMetrics(simulated) : simulated;
  const assessor = new Assessor(catalog, config, history, featureEmbedder);
  const deps = { db, catalog, config, history, assessor, clock, metrics, lookahead: opts.lookahead ?? true, ...(opts.advisor ? { advisor: opts.advisor } : {}) };
  const engine = opts.engineFactory ? opts.engineFactory(deps) : new Engine(deps);
  const approvers = new SimulatedApprovers(opts.seed);

  // Human actions due at a time, kept sorted by time (few are pending at once).
  const pending: Array<{ at: number; run: () => void }> = [];
  const schedule = (at: number, run: () => void): void => {
    let i = pending.length;
    while (i > 0 && (pending[i - 1] as { at: number }).at > at) i--;
    pending.splice(i, 0, { at, run });
  };
  const asked = new Set<string>();
  const pauses = new Map<string, number>();
  engine.on((event) => {
    if (event.kind !== 'changed') return;
    const d = event.deployment;
    if (d.state === 'awaiting_approval' && !asked.has(d.id)) {
      asked.add(d.id);
      const tz = catalog.get(d.request.serviceId)?.service.timezone ?? 'UTC';
      const answer = opts.silentApprovers ? undefined : approvers.decide(clock.now(), d.assessment.level, tz);
      if (answer) {
        schedule(answer.at, () => {
          if (engine.get(d.id)?.state !== 'awaiting_approval') return;
          if (answer.approve) engine.approve(d.id, answer.by, answer.reason);
          else engine.reject(d.id, answer.by, answer.reason);
        });
      }
    }
    if (d.state === 'paused') {
      const key = `${d.id}@${d.stage}`;
      const seen = pauses.get(key) ?? 0;
      pauses.set(key, seen + 1);
      schedule(clock.now() + OPERATOR_MINUTES * 60_000, () => {
        if (engine.get(d.id)?.state !== 'paused') return;
        if (seen === 0) engine.resume(d.id, 'oncall-sim');
        else engine.abort(d.id, 'oncall-sim', 'inconclusive twice');
      });
    }
  });

  /** Runs every human action and engine deadline due up to `until`, in time order. */
  const advance = (until: number): void => {
    for (;;) {
      const human = pending[0]?.at ?? Infinity;
      const wake = engine.nextWake() ?? Infinity;
      const next = Math.min(human, wake);
      if (next > until || next === Infinity) return;
      clock.set(next);
      if (human <= wake) (pending.shift() as { run: () => void }).run();
      else engine.tick();
    }
  };

  // Large transactions for speed; a crash loses at most the open batch, never half of one.
  db.exec('BEGIN IMMEDIATE');
  workload.requests.forEach((request, i) => {
    advance(Date.parse(request.requestedAt));
    clock.set(Date.parse(request.requestedAt));
    engine.submit(request, 'simulator');
    if (i % COMMIT_EVERY === COMMIT_EVERY - 1) {
      db.exec('COMMIT');
      opts.onProgress?.(i + 1, workload.requests.length);
      db.exec('BEGIN IMMEDIATE');
    }
  });
  advance(Infinity);
  db.exec('COMMIT');
  history.index.persist();
  opts.onProgress?.(workload.requests.length, workload.requests.length);
  return { workload, deployments: engine.deployments, engine, db, config, startMs, endMs: clock.now() };
}
