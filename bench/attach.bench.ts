// An operator console attaching to a busy engine's database (`genops-tui --live` while `genops-tui engine`
// runs): how long until it shows everything, and what each refresh (every 250 ms) costs when idle.
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { simulate } from '../source/sources/simulator.js';
import { AttachedEngine } from '../source/engine/attached-engine.js';
import { systemClock } from '../source/engine/clock.js';
import { CatalogIndex } from '../source/domain/catalog.js';
import { openDatabase } from '../source/store/database.js';
import { writeResults } from './results-file.js';
import { withTempDir } from './temp-db.js';

const DEPLOYMENTS = 15_847;
const REFRESHES = 400;

export function runAttachBench(): void {
  withTempDir((dir) => {
    const path = join(dir, 'busy.db');
    const run = simulate({ seed: 42, count: DEPLOYMENTS, services: 20, autonomy: 'GOVERNED', dbPath: path });
    const catalog = new CatalogIndex({ services: run.workload.services.map(({ flakiness: _flakiness, ...s }) => s) });
    const entries = run.engine.audit.count();
    run.db.close();
    const db = openDatabase(path);
    const t0 = performance.now();
    const attached = new AttachedEngine(db, catalog, run.config, systemClock);
    const attachMs = performance.now() - t0;
    const t1 = performance.now();
    for (let i = 0; i < REFRESHES; i++) attached.refresh();
    const refreshMs = (performance.now() - t1) / REFRESHES;
    const shown = attached.deployments.length;
    db.close();
    writeResults(
      'attach',
      'npm run bench -- attach',
      [
        { metric: `attach to a database of ${DEPLOYMENTS.toLocaleString('en-US')} deployments and ${entries.toLocaleString('en-US')} audit entries`, value: Math.round(attachMs), unit: 'ms' },
        { metric: 'deployments shown', value: shown, unit: '' },
        { metric: `idle refresh (mean of ${REFRESHES})`, value: Number(refreshMs.toFixed(3)), unit: 'ms' },
      ],
      ['The database is the full study run (seed 42); the console refreshes every 250 ms.'],
    );
  });
}
