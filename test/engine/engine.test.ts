import { describe, expect, it } from 'vitest';
import { SimulatedMetricSource } from '../../source/metrics/simulated-source.js';
import type { Defect } from '../../source/metrics/simulated-source.js';
import { config, request, service } from '../helpers/builders.js';
import { harness, T0 } from '../helpers/engine-harness.js';
import { tempDir } from '../helpers/temp-db.js';

const dir = tempDir();
let n = 0;
const svc = service({ id: 'svc', tier: 'low' });
const at = (min: number): string => new Date(T0 + min * 60_000).toISOString();

function setup(defects: Record<string, Defect> = {}, cfg = config()) {
  const metrics = new SimulatedMetricSource({ seed: 1, defects: new Map(Object.entries(defects)), providerErrorRate: 0, gapRate: 0 });
  return harness(dir, `e${n++}.db`, [svc, service({ id: 'crit', tier: 'critical' })], cfg, metrics);
}

describe('engine', () => {
  it('runs a LOW request through every canary stage to promotion, audited in order', () => {
    const h = setup();
    const v = h.engine.submit(request({ requestedAt: at(0) }));
    expect(v.assessment.decision.action).toBe('proceed');
    h.runUntil(T0 + 60 * 60_000);
    const done = h.engine.get('req-1')!;
    expect(done.outcome).toBe('succeeded');
    expect(done.stages.map((s) => `${s.percent}:${s.verdict}`)).toEqual(done.plan.map((p) => `${p}:Pass`));
    const events = h.engine.audit.forDeployment('req-1').map((e) => e.event);
    expect(events.slice(0, 3)).toEqual(['received', 'assessed', 'decided']);
    expect(events.filter((e) => e === 'traffic_shifted')).toHaveLength(done.plan.length);
    expect(events.at(-1)).toBe('finished');
    expect(h.engine.audit.verify().ok).toBe(true);
    expect(h.history.serviceCounts('svc')).toEqual({ executed: 1, failures: 0 });
  });

  it('waits for a human on a migration; the requester cannot approve; an approval lets it run', () => {
    const h = setup();
    const v = h.engine.submit(request({ requestedAt: at(0), requestedBy: 'carol' }, { dbMigration: true }));
    expect(v.state).toBe('awaiting_approval');
    expect(() => h.engine.approve('req-1', 'carol')).toThrow(/carol requested "req-1" and cannot approve it/);
    expect(() => h.engine.reject('req-1', 'dave', '  ')).toThrow(/needs a reason/);
    h.clock.set(T0 + 20 * 60_000);
    h.engine.approve('req-1', 'dave', 'looked at the migration');
    h.runUntil(T0 + 3 * 60 * 60_000);
    expect(h.engine.get('req-1')!.outcome).toBe('succeeded');
    const approved = h.engine.audit.forDeployment('req-1').find((e) => e.event === 'approved')!;
    expect(approved.actor).toEqual({ kind: 'human', id: 'dave' });
    expect(approved.ts).toBe(at(20));
  });

  it('expires an unanswered gate after 4 hours, and refuses a late approval', () => {
    const h = setup();
    h.engine.submit(request({ requestedAt: at(0) }, { dbMigration: true }));
    h.runUntil(T0 + 4 * 60 * 60_000);
    expect(h.engine.get('req-1')!.outcome).toBe('expired');
    expect(() => h.engine.approve('req-1', 'dave')).toThrow(/has finished/);
  });

  it('a restored engine resumes an in-flight canary where it was, with its deadlines', () => {
    const h = setup();
    h.engine.submit(request({ requestedAt: at(0) }));
    h.runUntil(T0 + 5 * 60_000);
    const before = h.engine.get('req-1')!;
    expect(before.state).toBe('canary');
    const stageBefore = before.stage;
    expect(before.samples.length).toBeGreaterThan(0);
    // A new process: new engine over the same database.
    const again = harness(dir, h.path.split('/').pop()!, [svc, service({ id: 'crit', tier: 'critical' })], config(), new SimulatedMetricSource({ seed: 1, defects: new Map(), providerErrorRate: 0, gapRate: 0 }));
    again.clock.set(T0 + 5 * 60_000);
    expect(again.engine.restore()).toBe(1);
    expect(again.engine.get('req-1')!.stage).toBe(stageBefore);
    expect(again.engine.get('req-1')!.samples.length).toBe(before.samples.length); // the stage keeps what it took
    expect(again.engine.nextWake()).toBeGreaterThan(T0 + 5 * 60_000 - 60_000);
    again.runUntil(T0 + 60 * 60_000);
    expect(again.engine.get('req-1')!.outcome).toBe('succeeded');
    expect(again.engine.audit.verify().ok).toBe(true);
    const events = again.engine.audit.forDeployment('req-1').map((e) => e.event);
    expect(events).toContain('resumed_after_restart');
  });

  it('pauses on an inconclusive stage (no data) and continues when promoted', () => {
    const metrics = { sample: (q: { at: number }) => ({ at: q.at }) };
    const h = harness(dir, `e${n++}.db`, [svc], config(), metrics);
    h.engine.submit(request({ requestedAt: at(0) }));
    h.runUntil(T0 + 30 * 60_000);
    const v = h.engine.get('req-1')!;
    expect(v.state).toBe('paused');
    expect(v.reason).toMatch(/^no data at 1%/);
    h.engine.promote('req-1', 'dave');
    expect(h.engine.get('req-1')!.stage).toBe(1);
  });

  it('provider errors below the limit do not roll back; above it they do', () => {
    let calls = 0;
    const flaky = { sample: (q: { at: number }) => (++calls % 2 === 0 ? { at: q.at, providerError: 'timeout' } : { at: q.at, errorRate: 0.001, p50Ms: 20, p99Ms: 100, successRate: 0.999 }) };
    const h = harness(dir, `e${n++}.db`, [svc], config(), flaky);
    h.engine.submit(request({ requestedAt: at(0) }));
    h.runUntil(T0 + 3 * 60 * 60_000);
    expect(h.engine.get('req-1')!.outcome).toBe('succeeded');
    const down = { sample: (q: { at: number }) => ({ at: q.at, providerError: 'backend down' }) };
    const h2 = harness(dir, `e${n++}.db`, [svc], config(), down);
    h2.engine.submit(request({ requestedAt: at(0) }));
    h2.runUntil(T0 + 3 * 60 * 60_000);
    expect(h2.engine.get('req-1')!.outcome).toBe('rolled_back');
    expect(h2.engine.get('req-1')!.reason).toMatch(/metric provider failed 5 times in a row at 1%: backend down/);
  });

  it('rolls back a defect at the stage where it shows, naming metric, value, threshold and stage', () => {
    const h = setup({ 'req-1': { fromPercent: 5, metric: 'errorRate', value: 0.05 } });
    h.engine.submit(request({ requestedAt: at(0) }));
    h.runUntil(T0 + 60 * 60_000);
    const v = h.engine.get('req-1')!;
    expect(v.outcome).toBe('rolled_back');
    expect(v.reason).toMatch(/^error_rate \d+\.\d% > 1\.0% at 5%$/);
    expect(h.engine.audit.forDeployment('req-1').map((e) => e.event)).toContain('rollback_started');
  });
});
