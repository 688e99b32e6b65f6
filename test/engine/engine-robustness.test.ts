// What the engine does when the world misbehaves: a write that fails mid-transaction must not leave its
// memory ahead of the database, and a slow metric source must not stall a canary.
import { describe, expect, it } from 'vitest';
import { SimulatedMetricSource } from '../../source/metrics/simulated-source.js';
import type { Defect } from '../../source/metrics/simulated-source.js';
import { config, request, service } from '../helpers/builders.js';
import { harness, T0 } from '../helpers/engine-harness.js';
import { tempDir } from '../helpers/temp-db.js';
import type { MetricSample } from '../../source/domain/slo.js';
import { LiveRunner } from '../../source/engine/live-runner.js';
import { Lease } from '../../source/store/lease.js';
import { Submissions } from '../../source/store/submissions.js';

const dir = tempDir();
let n = 0;
const at = (min: number): string => new Date(T0 + min * 60_000).toISOString();
const services = [service({ id: 'svc', tier: 'low' }), service({ id: 'other', tier: 'low' })];
const defects = new Map<string, Defect>([['req-2', { fromPercent: 25, metric: 'errorRate', value: 0.05 }]]);

function run(failAtMinute?: number) {
  const h = harness(dir, `f${n++}.db`, services, config(), new SimulatedMetricSource({ seed: 3, defects, providerErrorRate: 0, gapRate: 0 }));
  for (const [i, minute] of [0, 1, 3, 4].entries()) {
    h.runUntil(T0 + minute * 60_000);
    h.engine.submit(request({ id: `req-${i + 1}`, serviceId: i % 2 ? 'other' : 'svc', requestedAt: at(minute) }));
  }
  if (failAtMinute !== undefined) {
    h.runUntil(T0 + failAtMinute * 60_000);
    h.db.exec("CREATE TEMP TRIGGER disk_full BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'disk full (injected)'); END");
    const entries = h.engine.audit.count();
    const next = h.engine.nextWake()!;
    h.clock.set(next);
    expect(() => h.engine.tick()).toThrow(/disk full/);
    expect(h.engine.audit.count()).toBe(entries);
    h.db.exec('DROP TRIGGER disk_full');
  }
  h.runUntil(T0 + 120 * 60_000);
  return h;
}

describe('a failed write', () => {
  it('rolls memory back with the database: every deployment carries on to the outcome it would have had, audited once', () => {
    const control = run();
    // Minute 9: req-1 finishing, req-2 failing its 25% stage, others mid-canary: the failed tick touched them all.
    const h = run(9);
    const outcomes = (x: typeof h) => x.engine.deployments.map((d) => `${d.id}:${d.outcome}:${d.stages.map((s) => s.verdict).join('')}`).sort();
    expect(outcomes(h)).toEqual(outcomes(control));
    expect(h.engine.audit.verify().ok).toBe(true);
    for (const d of h.engine.deployments) {
      const events = h.engine.audit.forDeployment(d.id).map((e) => e.event);
      expect(events.filter((e) => e === 'finished'), d.id).toHaveLength(1);
      const shifts = h.engine.audit.forDeployment(d.id).filter((e) => e.event === 'traffic_shifted').map((e) => e.payload.stage);
      expect(shifts, d.id).toEqual([...new Set(shifts)]); // no stage shifted twice
    }
    // Counts and index agree with the rows: nothing finished twice, no label without a row.
    const executed = h.db.prepare("SELECT count(*) FROM deployments WHERE outcome IN ('succeeded','rolled_back','failed')").pluck().get();
    expect(h.history.fleetCounts().executed).toBe(executed);
    expect(h.history.index.search(new Array(64).fill(0.1), 50)).toHaveLength(executed as number);
  });

  it('a submission that fails is gone from memory too, and can be sent again', () => {
    const h = harness(dir, `f${n++}.db`, services, config(), new SimulatedMetricSource({ seed: 3, defects: new Map(), providerErrorRate: 0, gapRate: 0 }));
    h.db.exec("CREATE TEMP TRIGGER disk_full BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'disk full (injected)'); END");
    expect(() => h.engine.submit(request({ requestedAt: at(0) }))).toThrow(/disk full/);
    h.db.exec('DROP TRIGGER disk_full');
    h.engine.tick();
    expect(h.engine.get('req-1')).toBeUndefined();
    expect(h.engine.submit(request({ requestedAt: at(0) })).state).toBe('canary');
    h.runUntil(T0 + 60 * 60_000);
    expect(h.engine.get('req-1')!.outcome).toBe('succeeded');
  });

  it('an approval that comes after the gate expired is refused, and the expiry is kept', () => {
    const h = harness(dir, `f${n++}.db`, services, config(), new SimulatedMetricSource({ seed: 3, defects: new Map(), providerErrorRate: 0, gapRate: 0 }));
    h.engine.submit(request({ requestedAt: at(0) }, { dbMigration: true }));
    h.clock.set(T0 + 5 * 60 * 60_000); // past the 4-hour gate, with no tick in between
    expect(() => h.engine.approve('req-1', 'dave')).toThrow(/has finished/);
    expect(h.engine.get('req-1')!.outcome).toBe('expired');
    expect(h.db.prepare('SELECT outcome FROM deployments WHERE id = ?').pluck().get('req-1')).toBe('expired');
  });
});

describe('a slow metric source', () => {
  it('is asked once per due sample; an answer that comes after the operator moved on is dropped, and sampling carries on', async () => {
    const pending: Array<() => void> = [];
    const metrics = {
      sample: (q: { at: number }) => new Promise<MetricSample>((resolve) => pending.push(() => resolve({ at: q.at, errorRate: 0.001, p50Ms: 40, p99Ms: 200, successRate: 0.999 }))),
    };
    const h = harness(dir, `f${n++}.db`, services, config(), metrics);
    const settle = () => new Promise((resolve) => setImmediate(resolve));
    h.engine.submit(request({ requestedAt: at(0) }));
    h.clock.set(T0 + 30_000);
    h.engine.tick();
    h.engine.tick();
    expect(pending).toHaveLength(1); // not asked again while it waits
    h.engine.promote('req-1', 'dave'); // on to the next stage while the sample is out
    pending.shift()!();
    await settle();
    expect(h.engine.get('req-1')!.stage).toBe(1);
    expect(h.engine.get('req-1')!.samples).toHaveLength(0); // the late answer was for stage 0
    for (let minute = 1; minute <= 60 && !h.engine.get('req-1')!.outcome; minute++) {
      h.runUntil(T0 + minute * 60_000);
      while (pending.length) pending.shift()!();
      await settle();
    }
    expect(h.engine.get('req-1')!.outcome).toBe('succeeded');
  });
});

describe('the live loop', () => {
  it('accepts a submission and applies an operator action once, even when marking them done fails the first time', () => {
    const h = harness(dir, `f${n++}.db`, services, config(), new SimulatedMetricSource({ seed: 3, defects: new Map(), providerErrorRate: 0, gapRate: 0 }));
    const submissions = new Submissions(h.db);
    const lease = new Lease(h.db, 'engine', 'test');
    const logged: string[] = [];
    const runner = new LiveRunner({ engine: h.engine, submissions, lease, clock: h.clock, pollMs: 1_000, log: (line) => logged.push(line) });
    expect(lease.acquire(h.clock.now())).toBe(true);
    const once = (table: string) => h.db.exec(`CREATE TEMP TRIGGER busy BEFORE UPDATE ON ${table} BEGIN SELECT RAISE(ABORT, 'database is busy (injected)'); END`);

    submissions.submit(request({ requestedAt: at(0) }, { dbMigration: true }), h.clock.now(), null);
    once('submissions');
    runner.step(); // the submission is run and marked accepted together, or neither
    runner.stop(false);
    h.db.exec('DROP TRIGGER busy');
    expect(h.engine.get('req-1')).toBeUndefined();
    expect(submissions.status('req-1')?.status).toBe('pending');
    runner.step();
    runner.stop(false);
    expect(submissions.status('req-1')?.status).toBe('accepted');
    expect(h.engine.get('req-1')?.state).toBe('awaiting_approval');

    const action = submissions.requestAction('req-1', 'approve', 'dave', 'ok', h.clock.now(), null);
    once('operator_actions');
    runner.step();
    runner.stop(false);
    h.db.exec('DROP TRIGGER busy');
    expect(submissions.actionResult(action)?.result).toBeNull();
    expect(h.engine.get('req-1')?.state).toBe('awaiting_approval'); // not approved in memory either
    runner.step();
    runner.stop(false);
    expect(submissions.actionResult(action)?.result).toBe('done');
    expect(h.engine.audit.forDeployment('req-1').filter((e) => e.event === 'approved')).toHaveLength(1);
    expect(logged.filter((l) => l.includes('injected'))).toHaveLength(2);
  });
});
