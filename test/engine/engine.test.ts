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
