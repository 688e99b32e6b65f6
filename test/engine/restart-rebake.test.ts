// An engine that restarts mid-bake with a source that reads only the present (a command, here the simulated
// source, which has no range reads): the time nobody watched is not observation. The stage bakes on for what
// it had left, from the restart, and is not promoted on a burst of samples all taken at one moment.
import { describe, expect, it } from 'vitest';
import { harness } from '../helpers/engine-harness.js';
import { config, request, service } from '../helpers/builders.js';
import { tempDir } from '../helpers/temp-db.js';
import { SimulatedMetricSource } from '../../source/metrics/simulated-source.js';

const SERVICES = [service({ id: 'low-svc', tier: 'low' })];
const CONFIG = config({ canary: { bakeSeconds: 60, sampleIntervalSeconds: 10, minSamples: 3 } });
const healthy = () => new SimulatedMetricSource({ seed: 3, defects: new Map(), providerErrorRate: 0, gapRate: 0 });

describe('restart mid-bake, a source that reads only the present', () => {
  it('bakes on for the time it had left from the restart: no burst, no promotion on unwatched time', () => {
    const dir = tempDir();
    const first = harness(dir, 'rebake.db', SERVICES, CONFIG, healthy());
    first.engine.submit(request({ id: 'rb-1', serviceId: 'low-svc' }));
    // 20 s into the first stage's 60 s bake: two samples watched.
    first.runUntil(first.clock.now() + 20_000);
    const before = first.engine.get('rb-1');
    expect(before?.state).toBe('canary');
    expect(before?.samples).toHaveLength(2);
    const stoppedAt = first.clock.now();
    first.db.close();

    // The engine was down for ten minutes, far past the stage's bake.
    const second = harness(dir, 'rebake.db', SERVICES, CONFIG, healthy(), stoppedAt + 600_000);
    expect(second.engine.restore()).toBe(1);
    const resumed = [...second.engine.audit.entries()].filter((e) => e.event === 'bake_resumed');
    expect(resumed).toHaveLength(1);
    expect(Date.parse(resumed[0]?.payload.bakeUntil as string)).toBe(second.clock.now() + 40_000);
    // Nothing decided at once: still the first stage, no samples for the gap.
    second.engine.tick();
    expect(second.engine.get('rb-1')?.stage).toBe(0);
    expect(second.engine.get('rb-1')?.samples).toHaveLength(2);
    // 30 s on, still baking; once its 40 s are watched, the stage is analysed on samples taken 10 s apart.
    second.runUntil(second.clock.now() + 30_000);
    expect(second.engine.get('rb-1')?.stage).toBe(0);
    second.runUntil(second.clock.now() + 15_000);
    const analysed = [...second.engine.audit.entries()].find((e) => e.event === 'stage_analysed' && e.deploymentId === 'rb-1');
    expect(analysed?.payload.verdict).toBe('Pass');
    expect(second.engine.get('rb-1')?.stage).toBe(1);
    second.db.close();
  });
});
