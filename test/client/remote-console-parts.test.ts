// The parts of the console over HTTP that need no server: a deployment's detail back into a view (a malformed
// one reported, never drawn), and the in-memory audit trail (each seq once; a deployment's history merged with
// what the stream brought meanwhile).
import { describe, expect, it } from 'vitest';
import { viewOfDetail } from '../../source/client/deployment-view-json.js';
import { MemoryAuditTrail } from '../../source/client/memory-audit-trail.js';
import { deploymentDetail } from '../../source/server/views.js';
import type { AuditEntry } from '../../source/store/audit-log.js';
import { config, request, service } from '../helpers/builders.js';
import { harness, T0 } from '../helpers/engine-harness.js';
import { tempDir } from '../helpers/temp-db.js';
import { SimulatedMetricSource } from '../../source/metrics/simulated-source.js';

const entry = (seq: number, deploymentId: string | null, event = 'e'): AuditEntry => ({ seq, hash: `h${seq}`, ts: new Date(T0 + seq).toISOString(), actor: { kind: 'system', id: 'engine' }, event, deploymentId, payload: {} });

describe('viewOfDetail', () => {
  it('is the engine\'s view again after a trip through JSON, actions and countdowns included', () => {
    const h = harness(tempDir(), 'parts.db', [service({ id: 'svc', tier: 'critical' })], config(), new SimulatedMetricSource({ seed: 1, defects: new Map(), providerErrorRate: 0, gapRate: 0 }));
    const d = h.engine.submit(request({ requestedAt: new Date(T0).toISOString(), requestedBy: 'ci' }, { dbMigration: true }));
    expect(d.state).toBe('awaiting_approval');
    const parsed = viewOfDetail(JSON.parse(JSON.stringify(deploymentDetail(d))));
    if ('problem' in parsed) throw new Error(parsed.problem);
    const { view } = parsed;
    expect(view).toMatchObject({ id: d.id, state: d.state, tier: d.tier, stage: d.stage, plan: d.plan, reason: d.reason, decidedBy: d.decidedBy, outcome: d.outcome, requestedAtMs: d.requestedAtMs, approvalExpiresAtMs: d.approvalExpiresAtMs });
    expect(view.actions).toEqual(d.actions);
    expect(view.request).toEqual(d.request);
    expect(view.assessment).toEqual(d.assessment);
  });

  it('reports a malformed deployment by id and field instead of drawing it', () => {
    const r = viewOfDetail({ id: 'x1', state: 'exploded', tier: 'low' });
    expect('problem' in r && r.problem).toMatch(/^deployment x1: /);
    expect('problem' in viewOfDetail(null)).toBe(true);
  });
});

describe('MemoryAuditTrail', () => {
  it('takes each seq once, in order, and keeps the tail', () => {
    const trail = new MemoryAuditTrail(async () => [], () => undefined);
    expect([1, 2, 3, 2, 3, 4].map((s) => trail.add(entry(s, 'd1')))).toEqual([true, true, true, false, false, true]);
    expect(trail.tail(2).map((e) => e.seq)).toEqual([3, 4]);
    expect(trail.lastSeq).toBe(4);
  });

  it('fetches a deployment\'s history once and merges it with what the stream brought meanwhile', async () => {
    let asked = 0;
    let changed = 0;
    const trail = new MemoryAuditTrail(
      async (id) => {
        asked += 1;
        return [entry(1, id, 'received'), entry(3, id, 'decided')];
      },
      () => (changed += 1),
    );
    trail.add(entry(5, 'd1', 'approved')); // the stream, before the history arrives
    expect(trail.forDeployment('d1').map((e) => e.seq)).toEqual([5]);
    expect(trail.forDeployment('d1').map((e) => e.seq)).toEqual([5]); // asked once, not per frame
    await new Promise((r) => setTimeout(r, 0));
    expect(trail.forDeployment('d1').map((e) => e.seq)).toEqual([1, 3, 5]);
    trail.add(entry(6, 'd1'));
    expect(trail.forDeployment('d1').map((e) => e.seq)).toEqual([1, 3, 5, 6]);
    expect({ asked, changed }).toEqual({ asked: 1, changed: 1 });
  });
});
