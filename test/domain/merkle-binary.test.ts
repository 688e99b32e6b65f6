// The append path's hashes as binary strings (leafHashBinary, completeRootBinary) equal the Buffer reference.
import { describe, expect, it } from 'vitest';
import { completeRootBinary, leafHash, leafHashBinary, rootOf } from '../../source/domain/merkle.js';

const data = (i: number): Buffer => Buffer.from(`{"seq":${i},"note":"ünïcode ✓ ${'x'.repeat(i % 300)}"}`, 'utf8');

describe('Merkle hashes as binary strings', () => {
  it('leafHashBinary is leafHash', () => {
    for (const i of [0, 1, 2, 100, 299, 5000]) expect(Buffer.from(leafHashBinary(data(i)), 'latin1').equals(leafHash(data(i)))).toBe(true);
    expect(Buffer.from(leafHashBinary(Buffer.alloc(0)), 'latin1').toString('hex')).toBe('6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d');
  });

  it('completeRootBinary is rootOf for every power of two up to 256 leaves', () => {
    for (let n = 1; n <= 256; n *= 2) {
      const items = Array.from({ length: n }, (_, i) => data(i + n));
      const binary = items.map(leafHashBinary);
      expect(completeRootBinary(binary).toString('hex')).toBe(rootOf(items.map(leafHash)).toString('hex'));
      // The input is not changed (the append keeps its chunk's leaves).
      expect(binary).toEqual(items.map(leafHashBinary));
    }
  });

  it('refuses a count that is not a power of two, and hashes that are not 32 characters', () => {
    expect(() => completeRootBinary([])).toThrow(RangeError);
    expect(() => completeRootBinary(['a'.repeat(32), 'b'.repeat(32), 'c'.repeat(32)])).toThrow(RangeError);
    expect(() => completeRootBinary(['a'.repeat(31), 'b'.repeat(32)])).toThrow(RangeError);
  });
});
