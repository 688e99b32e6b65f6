import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { exactNearest } from '../../source/domain/history.js';
import { cosine } from '../../source/domain/embedding.js';

describe('exactNearest', () => {
  it('returns the k most similar, best first, as a full sort would', () => {
    const vec = fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 4, maxLength: 4 });
    fc.assert(
      fc.property(fc.array(vec, { maxLength: 60 }), vec, fc.integer({ min: 1, max: 12 }), (vectors, query, k) => {
        const items = vectors.map((vector, id) => ({ id, vector }));
        const got = exactNearest(items, query, k).map((r) => r.similarity);
        const want = items.map((i) => cosine(query, i.vector)).sort((a, b) => b - a).slice(0, k);
        expect(got).toEqual(want);
      }),
      { numRuns: 2000, seed: 5 },
    );
  });
});
