// Whatever a model answers (any recommendation, any confidence, any rationale), the governed decision is at
// least as cautious as with the built-in advisor: the same action or a more cautious one, never less.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Assessor } from '../../source/domain/assess.js';
import { CatalogIndex } from '../../source/domain/catalog.js';
import { featureEmbedder } from '../../source/domain/embedding.js';
import { InMemoryHistory } from '../../source/domain/history.js';
import { builtinAdvisor } from '../../source/domain/advisor.js';
import type { Action } from '../../source/domain/autonomy.js';
import { arbAutonomy, arbFleet, arbHistory, arbRequest } from '../helpers/arbitraries.js';
import { config } from '../helpers/builders.js';

const RANK: Record<Action, number> = { proceed: 0, await_approval: 1, blocked: 2 };
const arbAnswer = fc.record({
  recommendation: fc.constantFrom('proceed' as const, 'hold' as const, 'reject' as const),
  confidence: fc.double({ min: 0, max: 1, noNaN: true }),
  rationale: fc.string({ minLength: 1, maxLength: 200 }),
});

const arbWorld = arbFleet.chain((services) => {
  const ids = services.map((s) => s.id);
  return fc.record({ services: fc.constant(services), history: arbHistory(ids), autonomy: arbAutonomy, requests: fc.array(fc.tuple(arbRequest(ids), arbAnswer), { minLength: 1, maxLength: 10 }) });
});

describe('a model advisor only adds caution (property)', () => {
  it('no answer makes a decision less cautious than the built-in advisor’s; a hold never runs alone', () => {
    fc.assert(
      fc.property(arbWorld, ({ services, history, autonomy, requests }) => {
        const catalog = new CatalogIndex({ services });
        const view = new InMemoryHistory(catalog, featureEmbedder);
        for (const h of history) view.add(h);
        const assessor = new Assessor(catalog, config({ autonomy }), view, featureEmbedder);
        for (const [request, answer] of requests) {
          const e = assessor.evaluate(request);
          const input = assessor.advisorInput(e);
          const builtin = assessor.conclude(e, { advice: builtinAdvisor.advise(input), by: 'builtin' }).decision;
          const model = assessor.conclude(e, { advice: answer, by: 'model' }).decision;
          expect(RANK[model.action]).toBeGreaterThanOrEqual(RANK[builtin.action]);
          expect(model.plan === 'cautious' || builtin.plan === 'default').toBe(true);
          if (answer.recommendation !== 'proceed') expect(model.action).not.toBe('proceed');
        }
      }),
      { numRuns: 200 },
    );
  });
});
