// Audit trail: append in batches (target ≥ 100k entries/s) and verify (target ≥ 500k entries/s) at 1M entries.
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { AuditLog } from '../source/store/audit-log.js';
import type { AuditInput } from '../source/store/audit-log.js';
import { openDatabase } from '../source/store/database.js';
import { writeResults } from './results-file.js';
import { availableParallelism } from 'node:os';
import { verifyParallel } from '../source/store/audit-verify.js';
import { withTempDir } from './temp-db.js';

const TOTAL = 1_000_000;
const BATCH = 10_000;

const entry = (i: number): AuditInput => ({
  ts: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
  actor: { kind: i % 4 === 0 ? 'human' : 'ai', id: i % 4 === 0 ? 'alice' : 'builtin' },
  event: ['received', 'assessed', 'decided', 'stage_passed'][i % 4] as string,
  deploymentId: `dep-${Math.floor(i / 4)}`,
  payload: { score: (i % 100) / 100, level: 'LOW', action: 'proceed', plan: 'default', stage: i % 5 },
});

export async function runAuditBench(): Promise<void> {
  await withTempDir(async (dir) => {
    const path = join(dir, 'audit.db');
    const db = openDatabase(path);
    const log = new AuditLog(db);
    let appendMs = 0;
    for (let i = 0; i < TOTAL; i += BATCH) {
      // Entries are made outside the timed part: the figure is the audit log's own cost.
      const batch = Array.from({ length: BATCH }, (_, j) => entry(i + j));
      const t0 = performance.now();
      log.append(batch);
      appendMs += performance.now() - t0;
    }
    const appendS = appendMs / 1000;
    const t1 = performance.now();
    const result = log.verify();
    const verifyS = (performance.now() - t1) / 1000;
    if (!result.ok || result.count !== TOTAL) throw new Error(`verify failed: ${JSON.stringify(result)}`);
    const jobs = Math.min(4, availableParallelism());
    const t2 = performance.now();
    const parallel = await verifyParallel(db, path, jobs);
    const parallelS = (performance.now() - t2) / 1000;
    if (!parallel.ok || parallel.count !== TOTAL || parallel.head !== result.head) throw new Error(`parallel verify disagrees: ${JSON.stringify(parallel)}`);
    db.close();
    const appendRate = TOTAL / appendS;
    const verifyRate = TOTAL / verifyS;
    writeResults(
      'audit',
      'npm run bench -- audit',
      [
        { metric: `append, batches of ${BATCH.toLocaleString('en-US')} (canonical JSON + chain SHA-256 + insert + the Merkle tree maintained)`, value: Math.round(appendRate), unit: 'entries/s', target: '≥ 100,000/s', met: appendRate >= 100_000 },
        { metric: `verify ${TOTAL.toLocaleString('en-US')} entries, one thread`, value: Math.round(verifyS * 1000), unit: 'ms' },
        { metric: 'verify rate, one thread', value: Math.round(verifyRate), unit: 'entries/s' },
        { metric: `verify ${TOTAL.toLocaleString('en-US')} entries, ${jobs} worker threads (what \`audit verify\` does above 200k entries)`, value: Math.round(parallelS * 1000), unit: 'ms', target: '≤ 2,000 ms', met: parallelS <= 2 },
        { metric: `verify rate, ${jobs} worker threads`, value: Math.round(TOTAL / parallelS), unit: 'entries/s', target: '≥ 500,000/s', met: TOTAL / parallelS >= 500_000 },
      ],
      ['SQLite file in WAL mode, synchronous=NORMAL, on the machine temp directory.'],
    );
  });
}
