// A server keeps only recent finished deployments in memory (Engine.keepFinished): older ones are read from
// the store when asked, the list pages them from SQLite and answers as the unbounded engine's list does, and
// an action on one is refused as on a finished deployment.
import { describe, expect, it } from 'vitest';
import { ActionRefused } from '../../source/engine/engine.js';
import { SimulatedMetricSource } from '../../source/metrics/simulated-source.js';
import { finishedRows, inMemoryList, listDeployments } from '../../source/server/deployment-list.js';
import { storedViews } from '../../source/server/stored-view.js';
import { deploymentSummary } from '../../source/server/views.js';
import { config } from '../helpers/builders.js';
import { harness } from '../helpers/engine-harness.js';
import { tempDir } from '../helpers/temp-db.js';
import { SERVICES, submission } from './harness.js';

const cfg = config({ canary: { bakeSeconds: 60, sampleIntervalSeconds: 10, minSamples: 3 } });
const metrics = () => new SimulatedMetricSource({ seed: 1, defects: new Map(), providerErrorRate: 0, gapRate: 0 });

function run(keep: number | undefined) {
  const h = harness(tempDir(), 'bounded.db', SERVICES, cfg, metrics());
  const stored = storedViews(h.db, h.engine.audit, (id) => h.catalog.get(id)?.service.tier ?? 'medium', cfg.plans);
  if (keep !== undefined) h.engine.keepFinished(keep, stored);
  for (let i = 0; i < 8; i++) {
    // Requested a minute apart, low and critical alternating: promoted ones and ones waiting for approval.
    const at = new Date(h.clock.now()).toISOString();
    h.engine.submit({ ...submission(`d${i}`, i % 2 === 0 ? 'low-svc' : 'crit-svc'), requestedBy: 'alice', requestedAt: at });
    h.runUntil(h.clock.now() + 60_000);
  }
  h.engine.reject('d1', 'bob', 'not now');
  h.runUntil(h.clock.now() + 3_600_000);
  return { ...h, rows: finishedRows(h.db), stored };
}

describe('a bounded engine (serve)', () => {
  it('holds only the most recent finished views, reads the rest from the store, lists all of them from SQLite', () => {
    const all = run(undefined);
    const bounded = run(2);
    const finishedAll = all.engine.deployments.filter((d) => d.outcome !== null);
    expect(finishedAll.length).toBeGreaterThan(3);
    expect(new Set(finishedAll.map((d) => d.state))).toEqual(new Set(['promoted', 'rejected']));
    expect(all.engine.deployments.some((d) => d.state === 'awaiting_approval')).toBe(true);
    expect(bounded.engine.deployments.filter((d) => d.outcome !== null)).toHaveLength(2);
    expect(bounded.engine.deployments.filter((d) => d.outcome === null).length).toBe(all.engine.deployments.filter((d) => d.outcome === null).length);
    // An evicted one is read from the store: the same facts the summary shows.
    const pick = (v: ReturnType<typeof deploymentSummary>) => ({ id: v.id, state: v.state, outcome: v.outcome, decidedBy: v.decidedBy, requestedAt: v.requestedAt, finishedAt: v.finishedAt, decision: v.decision, score: v.score, actions: v.actions });
    for (const d of finishedAll) expect(pick(deploymentSummary(bounded.engine.get(d.id)!))).toEqual(pick(deploymentSummary(d)));
    // The list: the same ids, order and count as the engine that keeps everything, for every filter.
    for (const q of [{}, { inFlight: 'true' as const }, { inFlight: 'false' as const }, { state: 'promoted' }, { state: 'rejected' }, { state: 'awaiting_approval' }, { limit: 3 }]) {
      const want = inMemoryList(all.engine, q);
      const got = listDeployments(bounded.engine, bounded.rows, bounded.stored, q);
      expect(got.count).toBe(want.count);
      expect(got.deployments.map((d) => d.id)).toEqual(want.deployments.map((d) => d.id));
    }
  });

  it('an action on an evicted finished deployment is refused as finished, not as unknown', () => {
    const bounded = run(1);
    expect(bounded.engine.deployments.some((d) => d.id === 'd0')).toBe(false);
    expect(() => bounded.engine.approve('d0', 'carol')).toThrow(ActionRefused);
    expect(() => bounded.engine.approve('d0', 'carol')).toThrow('deployment "d0" has finished');
    expect(() => bounded.engine.approve('nope', 'carol')).toThrow('no deployment "nope"');
  });
});
