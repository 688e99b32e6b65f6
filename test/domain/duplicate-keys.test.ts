// A body that names a key twice is found, wherever the object is and however the key is spelled; JSON that
// does not (any JSON.stringify output) is never accused.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firstDuplicateKey } from '../../source/domain/duplicate-keys.js';

describe('firstDuplicateKey', () => {
  it('finds the first key named twice, with the path of its object', () => {
    expect(firstDuplicateKey('{"serviceId":"a","version":"1","serviceId":"b"}')).toEqual({ key: 'serviceId', path: '$' });
    expect(firstDuplicateKey('{"id":"x","change":{"hotfix":false,"summary":"s","hotfix":true}}')).toEqual({ key: 'hotfix', path: '$.change' });
    expect(firstDuplicateKey('{"items":[{"a":1},{"b":1,"b":2}]}')).toEqual({ key: 'b', path: '$.items[1]' });
    expect(firstDuplicateKey('{"a b":{"k":1,"\\u006b":2}}')).toEqual({ key: 'k', path: '$["a b"]' });
    // Braces, quotes and commas inside strings are text, not structure.
    expect(firstDuplicateKey('{"a":"}{,\\"a\\":","b":["a","a"],"c":{"a":1}}')).toBeUndefined();
    expect(firstDuplicateKey(' [ 1 , {"x" : 1 , "x" : 2} ] ')).toEqual({ key: 'x', path: '$[1]' });
  });

  it('never accuses JSON without a repeated key, and finds one added to any object', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(firstDuplicateKey(JSON.stringify(value))).toBeUndefined();
      }),
      { seed: 2026, numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue(), { minKeys: 1 }), fc.nat(), (object, pick) => {
        const keys = Object.keys(object);
        const key = keys[pick % keys.length]!;
        const text = JSON.stringify(object);
        const twice = `${text.slice(0, -1)},${JSON.stringify(key)}:null}`;
        expect(firstDuplicateKey(twice)).toEqual({ key, path: '$' });
      }),
      { seed: 2026, numRuns: 300 },
    );
  });
});
