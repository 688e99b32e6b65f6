// A write that fails at a random step of a busy run (a full disk, a lock held too long) costs nothing but
// that step: SQLite rolls it back, the engine's memory follows, and retrying at the same instant gives the
// run that never failed, down to the last audit hash.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { config } from '../helpers/builders.js';
import { harness } from '../helpers/engine-harness.js';
import { tempDir } from '../helpers/temp-db.js';
import { generateWorkload, WORKLOAD } from '../../source/sources/workload.js';
import { SimulatedMetricSource } from '../../source/metrics/simulated-source.js';

const dir = tempDir();
let n = 0;
const DISK_FULL = "CREATE TEMP TRIGGER disk_full BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'disk full (injected)'); END";

/** Runs a seeded workload through the engine; the write at step `failAt` fails once and the step is retried. */
function drive(seed: number, failAt: number | undefined) {
  const workload = generateWorkload(seed, 40, 6);
  const services = workload.services.map(({ flakiness: _flakiness, ...s }) => s);
  const metrics = new SimulatedMetricSource({ seed, defects: workload.defects, providerErrorRate: WORKLOAD.providerErrorRate, gapRate: WORKLOAD.gapRate });
  const h = harness(dir, `p${n++}.db`, services, config(), metrics, Date.parse(workload.requests[0]!.requestedAt));
  let step = 0;
  let failed = 0;
  /** One engine step; at `failAt` the disk is full for its first try, and the step is tried again. */
  const attempt = (fn: () => void): void => {
    if (step++ !== failAt) return fn();
    h.db.exec(DISK_FULL);
    try {
      fn();
    } catch (error) {
      if (!String(error).includes('disk full')) throw error;
      failed += 1;
    } finally {
      h.db.exec('DROP TRIGGER disk_full');
    }
    fn();
  };
  const advance = (until: number): void => {
    for (let next = h.engine.nextWake(); next !== undefined && next <= until; next = h.engine.nextWake()) {
      h.clock.set(next);
      attempt(() => h.engine.tick());
    }
  };
  for (const request of workload.requests) {
    advance(Date.parse(request.requestedAt));
    h.clock.set(Date.parse(request.requestedAt));
    attempt(() => h.engine.submit(request, 'test'));
  }
  advance(Infinity);
  const verified = h.engine.audit.verify();
  const outcomes = h.engine.deployments.map((d) => `${d.id} ${d.outcome} ${d.stages.map((s) => s.verdict).join(',')}`).sort();
  const executed = h.db.prepare("SELECT count(*) FROM deployments WHERE outcome IN ('succeeded','rolled_back','failed')").pluck().get();
  const counts = { executed, fleet: h.history.fleetCounts().executed, steps: step };
  h.db.close();
  return { verified, outcomes, counts, failed };
}

describe('a failed write at a random step (property)', () => {
  it('changes nothing once the step is retried: same outcomes, same audit chain, counts match the rows', { timeout: 120_000 }, () => {
    let injected = 0;
    let runs = 0;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.double({ min: 0, max: 1, noNaN: true }), (seed, where) => {
        const clean = drive(seed, undefined);
        const failAt = Math.floor(where * clean.counts.steps);
        const disturbed = drive(seed, failAt);
        runs += 1;
        injected += disturbed.failed;
        expect(disturbed.outcomes).toEqual(clean.outcomes);
        expect(disturbed.verified).toEqual(clean.verified);
        expect(disturbed.counts.fleet).toBe(disturbed.counts.executed);
      }),
      { numRuns: 20, seed: 2026 },
    );
    // Steps that write nothing cannot fail; most picked steps must have.
    expect(injected).toBeGreaterThan(runs / 2);
  });
});
