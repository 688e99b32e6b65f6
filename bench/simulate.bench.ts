// The full study (15,847 deployments) through the real engine: SQLite, audit and HNSW on (issue #4).
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { simulate } from '../source/sources/simulator.js';
import { computeStudy } from '../source/report/study.js';
import { FULL_STUDY } from '../source/commands/simulate.js';
import { writeResults } from './results-file.js';
import { withTempDir } from './temp-db.js';

export function runSimulateBench(): void {
  withTempDir((dir) => {
    const t0 = performance.now();
    const run = simulate({ seed: 42, count: FULL_STUDY, services: 20, autonomy: 'GOVERNED', dbPath: join(dir, 'study.db') });
    const simulateS = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    const study = computeStudy(run, 42);
    const reportS = (performance.now() - t1) / 1000;
    run.db.close();
    const total = simulateS + reportS;
    writeResults(
      'simulate',
      'npm run bench -- simulate',
      [
        { metric: `simulate --full (${FULL_STUDY.toLocaleString('en-US')} deployments), engine run`, value: Number(simulateS.toFixed(2)), unit: 's' },
        { metric: 'study report (audit re-read, safety check, verify, statistics)', value: Number(reportS.toFixed(2)), unit: 's' },
        { metric: 'total wall time', value: Number(total.toFixed(2)), unit: 's', target: '≤ 10 s', met: total <= 10 },
        { metric: 'deployments per second', value: Math.round(FULL_STUDY / total), unit: '/s' },
        { metric: 'audit entries written', value: study.safety.auditEntries, unit: '' },
        { metric: 'safety violations found by the audit-derived checker', value: study.safety.violations, unit: '' },
      ],
      ['Seed 42, 20 services, GOVERNED; one process on one core; SQLite WAL on the temp directory; XState actor per deployment.'],
    );
  });
}
