// An engine on a temporary database with a virtual clock, for tests.
import { join } from 'node:path';
import { Assessor } from '../../source/domain/assess.js';
import { CatalogIndex } from '../../source/domain/catalog.js';
import type { Config } from '../../source/domain/config.js';
import { featureEmbedder } from '../../source/domain/embedding.js';
import type { Service } from '../../source/domain/schemas.js';
import { VirtualClock } from '../../source/engine/clock.js';
import { Engine } from '../../source/engine/engine.js';
import type { MetricSource } from '../../source/metrics/metric-source.js';
import { openDatabase } from '../../source/store/database.js';
import { HistoryStore } from '../../source/store/history-store.js';

export const T0 = Date.parse('2026-11-18T10:00:00Z');

export function harness(dir: string, name: string, services: Service[], config: Config, metrics: MetricSource, start = T0) {
  const path = join(dir, name);
  const db = openDatabase(path);
  const catalog = new CatalogIndex({ services });
  const history = new HistoryStore(db, catalog, featureEmbedder, `${path}.hnsw`);
  const clock = new VirtualClock(start);
  const assessor = new Assessor(catalog, config, history, featureEmbedder);
  const engine = new Engine({ db, catalog, config, history, assessor, clock, metrics });
  /** Advances the virtual clock through every deadline up to `until`. */
  const runUntil = (until: number): void => {
    for (;;) {
      const next = engine.nextWake();
      if (next === undefined || next > until) break;
      clock.set(next);
      engine.tick();
    }
    clock.set(until);
  };
  return { path, db, catalog, history, clock, engine, runUntil };
}
