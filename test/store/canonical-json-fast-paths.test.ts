// canonicalJson's fast paths on the audit append: strings that need no escaping go straight between quotes
// (held to JSON.stringify of the well-formed string on every kind of character, escapes and surrogates
// included), and small objects' keys are ordered by an insertion sort (held to the canonicalize library).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import canonicalize from 'canonicalize';
import { canonicalJson } from '../../source/store/canonical-json.js';

const reference = (s: string): string => JSON.stringify(s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'));

describe('canonicalJson strings', () => {
  it('equals JSON.stringify of the well-formed string for every character up to U+FFFF, alone and in text', () => {
    for (let code = 0; code <= 0xffff; code++) {
      const ch = String.fromCharCode(code);
      expect(canonicalJson(ch)).toBe(reference(ch));
      expect(canonicalJson(`a${ch}b`)).toBe(reference(`a${ch}b`));
    }
  });

  it('equals it on any UTF-16 text (lone surrogates, pairs, controls, quotes, U+2028) and as object keys', () => {
    const text = fc.oneof(
      fc.string({ unit: fc.constantFrom('"', '\\', '\n', '\u0000', '\u001f', '\u007f', '\u2028', '\ud800', '\udc00', '\ud83d\ude00', 'a', 'é') }),
      fc.string({ unit: 'binary' }),
      fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) }),
    );
    fc.assert(
      fc.property(text, text, (s, key) => {
        expect(canonicalJson(s)).toBe(reference(s));
        expect(canonicalJson({ [key]: s })).toBe(`{${reference(key)}:${reference(s)}}`);
      }),
      { numRuns: 3000, seed: 16 },
    );
  });
});

describe('canonicalJson keys', () => {
  it('orders keys by UTF-16 code units in objects of 0 to 40 keys, both sides of the insertion-sort limit', () => {
    const key = fc.oneof(fc.string({ maxLength: 3 }), fc.string({ unit: 'binary', maxLength: 3 }), fc.constantFrom('a', 'A', 'aa', 'é', '\u{1f600}', '\uff61', '1', '10', '2'));
    fc.assert(
      fc.property(fc.dictionary(key, fc.integer(), { minKeys: 0, maxKeys: 40 }), (obj) => {
        expect(canonicalJson(obj)).toBe(canonicalize(obj));
      }),
      { numRuns: 2000, seed: 17 },
    );
  });
});
