import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { simulate } from '../../source/sources/simulator.js';
import { computeStudy } from '../../source/report/study.js';
import { checkSafety } from '../../source/report/safety-checker.js';
import { Engine } from '../../source/engine/engine.js';
import type { DeploymentView } from '../../source/engine/deployment-view.js';
import { tempDir } from '../helpers/temp-db.js';

const dir = tempDir();
let n = 0;
const run = (seed: number, count = 150, engineFactory?: (deps: ConstructorParameters<typeof Engine>[0]) => Engine) => {
  const r = simulate({ seed, count, services: 8, autonomy: 'GOVERNED', dbPath: join(dir, `s${n++}.db`), ...(engineFactory ? { engineFactory } : {}) });
  const study = computeStudy(r, seed);
  r.db.close();
  return { r, study };
};

/** An engine that skips the approval gate: every deployment that should wait for a human runs at once. */
class GateSkippingEngine extends Engine {
  override submit(request: Parameters<Engine['submit']>[0], source?: string): DeploymentView {
    const view = super.submit(request, source);
    if (view.state === 'awaiting_approval') this.approve(view.id, 'nobody-really', 'skipped');
    return view;
  }
  override approve(id: string, by: string, reason?: string): DeploymentView {
    // The planted bug: approvals are not audited as a human's.
    return by === 'nobody-really' ? this.forceApprove(id) : super.approve(id, by, reason);
  }
  private forceApprove(id: string): DeploymentView {
    const live = (this as unknown as { live: Map<string, { actor: { send(e: unknown): void } }> }).live.get(id);
    live?.actor.send({ type: 'APPROVE', by: 'engine' });
    return this.get(id) as DeploymentView;
  }
}

describe('simulator', () => {
  it('the same seed gives a byte-identical report; another seed a different one', () => {
    const a = JSON.stringify(run(7).study);
    const b = JSON.stringify(run(7).study);
    const c = JSON.stringify(run(8).study);
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });

  it('skipping the clock to deciding samples changes nothing: same report, same audit chain, same samples', () => {
    const both = [true, false].map((lookahead) => {
      const r = simulate({ seed: 11, count: 250, services: 8, autonomy: 'GOVERNED', dbPath: join(dir, `s${n++}.db`), lookahead });
      const study = computeStudy(r, 11);
      const head = r.engine.audit.verify();
      const samples = r.deployments.map((d) => [d.id, d.outcome, d.samples.length, d.stages.map((s) => s.verdict).join()]);
      r.db.close();
      return { study: JSON.stringify(study), head, samples };
    });
    expect(both[0]?.head).toMatchObject({ ok: true });
    expect(both[0]).toEqual(both[1]);
  });

  it('finds no safety violation in a normal run, and the audit chain is intact', () => {
    const { study } = run(3, 300);
    expect(study.safety).toMatchObject({ violations: 0, auditIntact: true });
    expect(study.counts.total).toBe(300);
    expect(study.counts.executed).toBe(study.counts.succeeded + study.counts.rolledBack + study.counts.failed);
  });

  it('the independent checker catches an engine that skips a gate', () => {
    const { study } = run(3, 300, (deps) => new GateSkippingEngine(deps));
    expect(study.safety.violations).toBeGreaterThan(0);
    expect(study.safety.examples[0]).toMatchObject({ rule: 'no_human_approval' });
  });

  it('the checker flags traffic on a denied deployment', () => {
    const base = { ts: 't', hash: 'h', deploymentId: 'd1' };
    const result = checkSafety([
      { ...base, seq: 1, actor: { kind: 'ai', id: 'builtin' }, event: 'assessed', payload: { level: 'LOW', autonomy: 'GOVERNED', errorBudgetRemaining: 0.5, policies: [{ id: 'freeze', effect: 'deny' }] } },
      { ...base, seq: 2, actor: { kind: 'system', id: 'engine' }, event: 'traffic_shifted', payload: { percent: 1 } },
    ]);
    expect(result.violations).toEqual([{ deploymentId: 'd1', seq: 2, rule: 'denied_by_policy', detail: 'policy freeze denied it' }]);
  });
});
