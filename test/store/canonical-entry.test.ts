import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import canonicalize from 'canonicalize';
import { canonicalEntry } from '../../source/store/canonical-entry.js';
import { canonicalJson } from '../../source/store/canonical-json.js';

const json: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, fc.string(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.boolean(), fc.constant(null), fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(fc.string(), tie('value'), { maxKeys: 4 })),
})).value;

describe('canonicalEntry', () => {
  it('equals RFC 8785 canonicalisation of the whole entry', () => {
    fc.assert(
      fc.property(
        fc.record({
          seq: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
          ts: fc.string(),
          actor: fc.record({ kind: fc.constantFrom('ai', 'human', 'system', 'policy'), id: fc.string() }),
          event: fc.string(),
          deploymentId: fc.option(fc.string(), { nil: null }),
          payload: fc.dictionary(fc.string(), json, { maxKeys: 6 }),
        }),
        (entry) => {
          expect(canonicalEntry(entry)).toBe(canonicalize(entry));
        },
      ),
      { numRuns: 3000, seed: 8 },
    );
  });
  it('canonicalJson equals the canonicalize library (RFC 8785) on any JSON value it accepts', () => {
    fc.assert(
      fc.property(json, (value) => {
        let reference: string | undefined;
        try {
          reference = canonicalize(value);
        } catch {
          return; // lone surrogates: the library refuses, canonicalJson replaces (tested below)
        }
        expect(canonicalJson(value)).toBe(reference);
      }),
      { numRuns: 5000, seed: 9 },
    );
  });

  it('replaces lone surrogates instead of refusing hostile text', () => {
    const text = canonicalEntry({ seq: 1, ts: 't', actor: { kind: 'human', id: 'x\ud800' }, event: 'e', deploymentId: null, payload: { reason: 'bad \udc00 text' } });
    expect(text).toContain('"id":"x\ufffd"');
    expect(text).toContain('"reason":"bad \ufffd text"');
  });
});
