// Panes on their own: a failed rollback reads as needing a human, with and without colour or Unicode.
import { afterEach, describe, expect, it } from 'vitest';
import type { DeploymentView } from '../../source/engine/deployment-view.js';
import { CanaryPane } from '../../source/ui/panes/canary-pane.js';
import { DeploymentsPane } from '../../source/ui/panes/deployments-pane.js';
import { cleanupSized, renderSized, settle } from '../helpers/console-harness.js';

afterEach(() => cleanupSized());

const failedRollback = {
  id: 'dep-9',
  request: { id: 'dep-9', serviceId: 'payments', version: '2.0.0', requestedBy: 'ci', requestedAt: '2026-01-01T00:00:00Z', change: {} },
  tier: 'critical',
  assessment: { level: 'HIGH', score: 0.6, decision: { action: 'await_approval' } },
  state: 'rollback_failed',
  plan: [1, 5, 25, 100],
  stage: 2,
  samples: [],
  stages: [{ stage: 0, percent: 1, verdict: 'Pass', reason: '3 samples within SLO at 1%' }, { stage: 1, percent: 5, verdict: 'Pass', reason: '3 samples within SLO at 5%' }, { stage: 2, percent: 25, verdict: 'Fail', reason: 'error_rate 2.3% > 1.0% at 25%' }],
  reason: 'error_rate 2.3% > 1.0% at 25%',
  decidedBy: 'olga',
  outcome: null,
  requestedAtMs: 0,
  updatedAtMs: 0,
  finishedAtMs: null,
} as unknown as DeploymentView;

describe('a failed rollback', () => {
  it.each([false, true])('says it needs a human, names the system as who stopped it and the traffic reached (ascii %s)', async (ascii) => {
    const theme = { color: false, ascii };
    const size = { columns: 120, rows: 20 };
    const { lastFrame } = renderSized(
      <>
        <DeploymentsPane rows={[failedRollback]} total={1} selectedId="dep-9" now={60_000} height={6} width={120} focused sort="state" filter="" theme={theme} />
        <CanaryPane deployment={failedRollback} height={10} width={120} focused={false} theme={theme} slo={{ errorRate: 0.01, p99Ms: 500 }} now={60_000} />
      </>,
      size,
    );
    await settle();
    const frame = lastFrame() ?? '';
    expect(frame).toContain(`${ascii ? '!' : '‼'} ROLLBACK FAILED`);
    expect(frame).toContain('ROLLBACK FAILED by the system at 25% traffic (stage 3/4)');
    expect(frame).toContain('needs a human: restore the previous version, then genops-tui resolve dep-9 --reason "what was done"');
    expect(frame).toContain('error_rate 2.3% > 1.0% at 25%');
  });
});
