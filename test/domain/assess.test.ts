import { describe, expect, it } from 'vitest';
import { Assessor, UnknownServiceError } from '../../source/domain/assess.js';
import { featureEmbedder } from '../../source/domain/embedding.js';
import { EMPTY_HISTORY, InMemoryHistory } from '../../source/domain/history.js';
import type { Advisor, SyncAdvisor } from '../../source/domain/advisor.js';
import { catalog, config, request, service } from '../helpers/builders.js';
import type { HistoryRecord } from '../../source/domain/schemas.js';

const fleet = catalog(service({ id: 'svc', tier: 'low' }), service({ id: 'api', tier: 'critical', dependencies: ['svc'] }));
const record = (id: string, outcome: HistoryRecord['outcome'], summary = 'small change'): HistoryRecord => ({
  request: request({ id }, { summary }),
  outcome,
  finishedAt: '2026-11-18T10:30:00Z',
  ...(outcome === 'rolled_back' ? { failureReason: 'error_rate 2.3% > 1.0% at 25%' } : {}),
});

describe('Assessor', () => {
  it('produces the SPEC.md assessment shape', () => {
    const a = new Assessor(fleet, config(), EMPTY_HISTORY, featureEmbedder).assess(request());
    expect(Object.keys(a)).toEqual(expect.arrayContaining(['requestId', 'score', 'level', 'factors', 'policies', 'advisor', 'evidence', 'decision']));
    expect(a.factors.map((f) => f.name)).toEqual(['service_tier', 'service_health', 'historical_failure', 'blast_radius', 'change_complexity', 'timing']);
    expect(a.score).toBeCloseTo(a.factors.reduce((s, f) => s + f.contribution, 0), 12);
    expect(a.decision.action).toBe('proceed');
    expect(a.decision.plan).toBe('cautious'); // no history: confidence 0
    expect(a.advisor.rationale).toMatch(/no similar deployments/);
  });

  it('is deterministic: the same inputs give the same assessment, byte for byte', () => {
    const h = new InMemoryHistory(fleet, featureEmbedder);
    for (let i = 0; i < 20; i++) h.add(record(`d${i}`, i % 4 === 0 ? 'rolled_back' : 'succeeded'));
    const one = JSON.stringify(new Assessor(fleet, config(), h, featureEmbedder).assess(request()));
    const two = JSON.stringify(new Assessor(fleet, config(), h, featureEmbedder).assess(request()));
    expect(one).toBe(two);
  });

  it('grounds the decision in similar failures from history', () => {
    const h = new InMemoryHistory(fleet, featureEmbedder);
    for (let i = 0; i < 10; i++) h.add(record(`bad${i}`, 'rolled_back'));
    const a = new Assessor(fleet, config(), h, featureEmbedder).assess(request());
    expect(a.evidence).toHaveLength(10);
    expect(a.similarFailureRate).toBe(1);
    expect(a.confidence).toBeGreaterThan(0.9);
    expect(a.history).toMatchObject({ executed: 10, failures: 10 });
    expect(a.decision.action).toBe('await_approval');
    expect(a.advisor.recommendation).toBe('hold');
    expect(a.advisor.rationale).toMatch(/10\/10 similar deployments failed.*error_rate 2\.3%/);
  });

  it('ignores deployments that never ran when counting failures', () => {
    const h = new InMemoryHistory(fleet, featureEmbedder);
    expect(h.add(record('r', 'rejected'))).toBe(false);
    expect(h.add(record('b', 'blocked'))).toBe(false);
    expect(h.fleetCounts()).toEqual({ executed: 0, failures: 0 });
  });

  it('throws a typed error for an unknown service', () => {
    expect(() => new Assessor(fleet, config(), EMPTY_HISTORY, featureEmbedder).assess(request({ serviceId: 'ghost' }))).toThrow(UnknownServiceError);
  });
});

describe('advisors', () => {
  const assessor = new Assessor(fleet, config(), EMPTY_HISTORY, featureEmbedder);
  it('an advisor that throws is replaced by the built-in one, and says so', () => {
    const broken: SyncAdvisor = { name: 'broken', advise: () => { throw new Error('model timeout'); } };
    const a = assessor.assess(request(), broken);
    expect(a.advisor.by).toBe('builtin');
    expect(a.advisor.fallbackReason).toMatch(/broken failed: Error: model timeout/);
  });
  it('an async advisor returning garbage falls back after schema validation', async () => {
    const llm: Advisor = { name: 'llm', advise: async () => ({ recommendation: 'yolo', confidence: 7 }) as never };
    const a = await assessor.assessWith(request(), llm);
    expect(a.advisor.by).toBe('builtin');
    expect(a.advisor.fallbackReason).toMatch(/llm returned an invalid answer/);
  });
  it('a cautious advisor can hold a LOW deployment for a human', async () => {
    const careful: Advisor = { name: 'careful', advise: async () => ({ recommendation: 'hold', confidence: 0.8, rationale: 'looks odd' }) };
    const a = await assessor.assessWith(request(), careful);
    expect(a.decision.action).toBe('await_approval');
    expect(a.decision.reasons).toContain('advisor recommends hold');
  });
  it('a hostile advisor cannot release a CRITICAL deployment', () => {
    const hostile: SyncAdvisor = { name: 'hostile', advise: () => ({ recommendation: 'proceed', confidence: 1, rationale: 'ship' }) };
    const sick = { errorRate: 0.05, p50Ms: 90, p99Ms: 900, availability: 0.98 };
    const core = catalog(service({ id: 'core', tier: 'critical', errorBudgetRemaining: 0.1, health: sick }), service({ id: 'edge', tier: 'critical', dependencies: ['core'] }));
    const big = request({ serviceId: 'core', requestedAt: '2026-11-21T23:00:00Z' }, { linesChanged: 50_000, filesChanged: 80, dbMigration: false, configChange: true, hotfix: true });
    const a = new Assessor(core, config({ policies: { builtin: { critical_service_human_review: false } } }), EMPTY_HISTORY, featureEmbedder).assess(big, hostile);
    expect(a.policies).toEqual([]);
    expect(a.level).toBe('CRITICAL');
    expect(a.decision.action).toBe('await_approval');
  });
});
