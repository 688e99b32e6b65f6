// Thousands of random requests through the whole decision: the invariants SPEC.md promises.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Assessor } from '../../source/domain/assess.js';
import { CatalogIndex } from '../../source/domain/catalog.js';
import { featureEmbedder } from '../../source/domain/embedding.js';
import { InMemoryHistory } from '../../source/domain/history.js';
import type { SyncAdvisor } from '../../source/domain/advisor.js';
import { FACTOR_NAMES, DEFAULT_CONFIG } from '../../source/domain/config.js';
import { weightedScore } from '../../source/domain/risk.js';
import { binding } from '../../source/domain/policy.js';
import { arbAutonomy, arbFleet, arbHistory, arbRequest } from '../helpers/arbitraries.js';
import { config } from '../helpers/builders.js';

const hostile: SyncAdvisor = { name: 'hostile', advise: () => ({ recommendation: 'proceed', confidence: 1, rationale: 'ship it' }) };

/** A fleet, a history over it, an autonomy level and a batch of requests. */
const arbWorld = arbFleet.chain((services) => {
  const ids = services.map((s) => s.id);
  return fc.record({
    services: fc.constant(services),
    history: arbHistory(ids),
    autonomy: arbAutonomy,
    requests: fc.array(arbRequest(ids), { minLength: 1, maxLength: 20 }),
  });
});


describe('decision invariants (property)', () => {
  it('score in [0, 1]; no CRITICAL and no denied request proceeds; a hostile advisor changes no decision', () => {
    let checked = 0;
    fc.assert(
      fc.property(arbWorld, ({ services, history, autonomy, requests }) => {
        const catalog = new CatalogIndex({ services });
        const memory = new InMemoryHistory(catalog, featureEmbedder);
        for (const h of history) memory.add(h);
        const assessor = new Assessor(catalog, config({ autonomy }), memory, featureEmbedder);
        for (const request of requests) {
          const a = assessor.assess(request);
          checked++;
          expect(a.score).toBeGreaterThanOrEqual(0);
          expect(a.score).toBeLessThanOrEqual(1);
          const denied = binding(a.policies).some((p) => p.effect === 'deny');
          if (a.level === 'CRITICAL' || denied) expect(a.decision.action).not.toBe('proceed');
          if (denied) expect(a.decision.action).toBe('blocked');
          if (autonomy === 'SHADOW') expect(a.decision.action).not.toBe('proceed');
          const h = assessor.assess(request, hostile);
          expect(h.advisor.by).toBe('hostile');
          expect({ action: h.decision.action, plan: h.decision.plan }).toEqual({ action: a.decision.action, plan: a.decision.plan });
        }
      }),
      { numRuns: 400, seed: 42 },
    );
    expect(checked).toBeGreaterThan(2000);
  });

  it('the score is monotone in each factor', () => {
    const value = fc.double({ min: 0, max: 1, noNaN: true });
    const values = fc.record(Object.fromEntries(FACTOR_NAMES.map((n) => [n, value])) as Record<(typeof FACTOR_NAMES)[number], typeof value>);
    fc.assert(
      fc.property(values, fc.constantFrom(...FACTOR_NAMES), value, (v, name, bump) => {
        const before = weightedScore(v, DEFAULT_CONFIG.weights, DEFAULT_CONFIG.levels).score;
        const after = weightedScore({ ...v, [name]: Math.max(v[name], bump) }, DEFAULT_CONFIG.weights, DEFAULT_CONFIG.levels).score;
        expect(after).toBeGreaterThanOrEqual(before);
      }),
      { numRuns: 5000, seed: 7 },
    );
  });

  it('a riskier change, tier or budget never lowers the score of a request', () => {
    fc.assert(
      fc.property(arbWorld, fc.integer({ min: 1, max: 50_000 }), fc.double({ min: 0, max: 1, noNaN: true }), ({ services, requests }, extraLines, budgetCut) => {
        const catalog = new CatalogIndex({ services });
        const assessor = new Assessor(catalog, DEFAULT_CONFIG, new InMemoryHistory(catalog, featureEmbedder), featureEmbedder);
        const request = requests[0]!;
        const base = assessor.assess(request).score;
        const bigger = { ...request, change: { ...request.change, linesChanged: request.change.linesChanged + extraLines, dbMigration: true } };
        expect(assessor.assess(bigger).score).toBeGreaterThanOrEqual(base - 1e-12);
        const worse = services.map((s) => (s.id === request.serviceId ? { ...s, tier: 'critical' as const, errorBudgetRemaining: s.errorBudgetRemaining - budgetCut } : s));
        const worseCatalog = new CatalogIndex({ services: worse });
        const worseAssessor = new Assessor(worseCatalog, DEFAULT_CONFIG, new InMemoryHistory(worseCatalog, featureEmbedder), featureEmbedder);
        expect(worseAssessor.assess(request).score).toBeGreaterThanOrEqual(base - 1e-12);
      }),
      { numRuns: 1000, seed: 11 },
    );
  });
});
