// Panes on their own: a failed rollback reads as needing a human, with and without colour or Unicode.
import { afterEach, describe, expect, it } from 'vitest';
import type { DeploymentView } from '../../source/engine/deployment-view.js';
import { CanaryPane } from '../../source/ui/panes/canary-pane.js';
import { DeploymentsPane } from '../../source/ui/panes/deployments-pane.js';
import { RiskPane } from '../../source/ui/panes/risk-pane.js';
import { cleanupSized, renderSized, settle } from '../helpers/console-harness.js';

afterEach(() => cleanupSized());

const failedRollback = {
  id: 'dep-9',
  request: { id: 'dep-9', serviceId: 'payments', version: '2.0.0', requestedBy: 'ci', requestedAt: '2026-01-01T00:00:00Z', change: { linesChanged: 10, filesChanged: 1, dbMigration: false, configChange: false, hotfix: false, summary: 'fix' } },
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
    expect(frame).toContain('needs a human: restore the previous version, then press R (or genops-tui resolve dep-9 --reason "what was done")');
    expect(frame).toContain('error_rate 2.3% > 1.0% at 25%');
  });

  it('failing at the first stage it still names the traffic reached, and it shows why the rollback failed and when it retries', async () => {
    const atFirst = { ...failedRollback, stage: 0, stages: [], rollback: { attempts: 2, error: 'kubectl: connection refused', retryAtMs: 70_000 } } as unknown as DeploymentView;
    const { lastFrame } = renderSized(<CanaryPane deployment={atFirst} height={12} width={120} focused={false} theme={{ color: false, ascii: false }} slo={{ errorRate: 0.01, p99Ms: 500 }} now={60_000} />, { columns: 120, rows: 14 });
    await settle();
    const frame = lastFrame() ?? '';
    expect(frame).not.toContain('no traffic');
    expect(frame).toContain('ROLLBACK FAILED by the system at 1% traffic (stage 1/4)');
    expect(frame).toContain('rollback attempt 2 failed: kubectl: connection refused');
    expect(frame).toContain('the engine tries again in 10s');
  });
});

describe('wording', () => {
  it('"1 sample", the bake left, and the advisor\'s recommendation said once (no "hold: hold:")', async () => {
    const theme = { color: false, ascii: false };
    const running = {
      ...failedRollback,
      state: 'canary',
      stage: 1,
      samples: [{ at: 0, errorRate: 0.001, p99Ms: 120 }],
      stages: [],
      reason: '',
      bakeUntilMs: 60_000 + 95_000,
      assessment: {
        level: 'MEDIUM', score: 0.4, confidence: 0.5, similarFailureRate: 0, evidence: [], policies: [], factors: [],
        decision: { action: 'await_approval', plan: 'default', reasons: ['MEDIUM risk with confidence 0.50 < 0.60'] },
        advisor: { recommendation: 'hold', confidence: 0.5, rationale: 'hold: the last similar change failed', by: 'builtin' },
      },
    } as unknown as DeploymentView;
    const size = { columns: 120, rows: 30 };
    const { lastFrame } = renderSized(
      <>
        <CanaryPane deployment={running} height={10} width={120} focused={false} theme={theme} slo={{ errorRate: 0.01, p99Ms: 500 }} now={60_000} />
        <RiskPane deployment={running} height={14} width={120} focused={false} theme={theme} />
      </>,
      size,
    );
    await settle();
    const frame = lastFrame() ?? '';
    expect(frame).toContain('1 sample this stage');
    expect(frame).toContain('bake 1m35s left at 5%');
    expect(frame).toContain('stage 2/4');
    expect(frame).toContain('advisor hold (0.50): the last similar change failed');
    expect(frame).not.toContain('hold: hold');
  });
});

describe('the deployments table', () => {
  it.each([60, 80, 120, 200])('keeps rows distinct at %i columns: long ids keep their suffix, wide service names keep the columns aligned', async (columns) => {
    const rows = Array.from({ length: 6 }, (_, i) => ({
      ...failedRollback,
      id: `deploy-payments-api-2026-11-24-${String(40 + i).padStart(5, '0')}`,
      request: { ...failedRollback.request, serviceId: i % 2 ? '支付服务-api' : 'payments-api' },
      state: 'promoted',
      outcome: 'succeeded',
      requestedAtMs: i,
    })) as unknown as DeploymentView[];
    const theme = { color: false, ascii: false };
    const { lastFrame } = renderSized(<DeploymentsPane rows={rows} total={6} selectedId={rows[0]!.id} now={60_000} height={10} width={columns} focused sort="age" filter="" theme={theme} />, { columns, rows: 12 });
    await settle();
    const lines = (lastFrame() ?? '').split('\n').filter((l) => l.includes('…') && /-000\d\d /.test(l));
    expect(lines).toHaveLength(6);
    expect(new Set(lines.map((l) => /-(000\d\d) /.exec(l)?.[1])).size).toBe(6);
    // Every row as wide as the pane, East Asian names included (two cells a character).
    const stringWidth = (await import('string-width')).default;
    for (const l of lines) expect(stringWidth(l)).toBe(columns);
  });
});
