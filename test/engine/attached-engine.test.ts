// A console attached to an engine another process runs: it sees what that engine writes, and its decisions
// go through that engine's queue and rules.
import { describe, expect, it } from 'vitest';
import { AttachedEngine } from '../../source/engine/attached-engine.js';
import { ActionRefused } from '../../source/engine/engine.js';
import type { EngineEvent } from '../../source/engine/engine.js';
import { LiveRunner } from '../../source/engine/live-runner.js';
import { SimulatedMetricSource } from '../../source/metrics/simulated-source.js';
import { openDatabase } from '../../source/store/database.js';
import { Lease } from '../../source/store/lease.js';
import { Submissions } from '../../source/store/submissions.js';
import { config, request, service } from '../helpers/builders.js';
import { harness, T0 } from '../helpers/engine-harness.js';
import { tempDir } from '../helpers/temp-db.js';

const dir = tempDir();
const at = (min: number): string => new Date(T0 + min * 60_000).toISOString();
const summary = (ds: ReadonlyArray<{ id: string; state: string; outcome: string | null; stages: Array<{ verdict: string }> }>) =>
  ds.map((d) => `${d.id} ${d.state} ${d.outcome} ${d.stages.map((s) => s.verdict).join(',')}`).sort();

describe('a console attached to a running engine', () => {
  it('follows the engine through the database and decides through its queue', async () => {
    const defects = new Map([['req-3', { fromPercent: 5, metric: 'errorRate' as const, value: 0.06 }]]);
    const h = harness(dir, 'attached.db', [service({ id: 'svc', tier: 'low' })], config(), new SimulatedMetricSource({ seed: 1, defects, providerErrorRate: 0, gapRate: 0 }));
    const runner = new LiveRunner({ engine: h.engine, submissions: new Submissions(h.db), lease: new Lease(h.db, 'engine', 'test'), clock: h.clock, pollMs: 1_000, log: () => undefined });
    new Lease(h.db, 'engine', 'test').acquire(h.clock.now());
    h.engine.submit(request({ id: 'req-1', requestedAt: at(0), requestedBy: 'carol' }, { dbMigration: true }));
    h.engine.submit(request({ id: 'req-2', requestedAt: at(0) }));
    h.engine.submit(request({ id: 'req-3', requestedAt: at(0) }));

    const db = openDatabase(h.path); // the console's own connection, as another process would have
    const attached = new AttachedEngine(db, h.catalog, config(), h.clock);
    const entriesBefore = h.engine.audit.count();
    const events: EngineEvent['kind'][] = [];
    attached.on((e) => events.push(e.kind));
    expect(summary(attached.deployments)).toEqual(summary(h.engine.deployments));

    h.runUntil(T0 + 75_000);
    attached.refresh();
    expect(attached.get('req-2')!.samples.length).toBe(h.engine.get('req-2')!.samples.length);
    expect(attached.get('req-2')!.samples.length).toBeGreaterThan(0);
    expect(events).toContain('changed');

    const step = () => setTimeout(() => runner.step(), 30);
    step();
    await expect(attached.approve('req-1', 'carol')).rejects.toThrow(/carol requested "req-1" and cannot approve it/);
    step();
    const approved = await attached.approve('req-1', 'dave', 'read the migration');
    runner.stop(false);
    expect(approved.state).toBe('canary');
    expect(h.engine.audit.forDeployment('req-1').find((e) => e.event === 'approved')?.actor).toEqual({ kind: 'human', id: 'dave' });
    step();
    await expect(attached.approve('req-1', 'dave')).rejects.toBeInstanceOf(ActionRefused);
    runner.stop(false);

    h.runUntil(T0 + 3 * 60 * 60_000);
    attached.refresh();
    expect(summary(attached.deployments)).toEqual(summary(h.engine.deployments));
    expect(attached.get('req-3')!.outcome).toBe('rolled_back');
    const later = new AttachedEngine(db, h.catalog, config(), h.clock); // attached after it all happened
    expect(summary(later.deployments)).toEqual(summary(h.engine.deployments));
    expect(later.get('req-1')!.decidedBy).toBe('dave');
    expect(events.filter((k) => k === 'audit').length).toBe(h.engine.audit.count() - entriesBefore); // every entry after it attached
    db.close();
  });
});
