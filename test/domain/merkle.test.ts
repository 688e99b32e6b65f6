// RFC 6962 / RFC 9162 Merkle math against the 8-leaf reference vectors published with transparency-dev/merkle
// (testonly/constants.go, proof/verify_test.go), and the corruption probes those tests apply.
import { describe, expect, it } from 'vitest';
import {
  consistencyProof,
  EMPTY_ROOT,
  inclusionProof,
  leafHash,
  MerkleFrontier,
  nodeHash,
  rangeHashFrom,
  rootFromInclusionProof,
  rootOf,
  splitPoint,
  verifyConsistency,
  verifyInclusion,
} from '../../source/domain/merkle.js';

const h = (hex: string): Buffer => Buffer.from(hex, 'hex');
const LEAF_INPUTS = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(h);
const LEAVES = LEAF_INPUTS.map(leafHash);
/** Root hashes for tree sizes 0..8. */
const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
].map(h);
/** Complete-subtree hashes by level and index. */
const NODES = [
  [
    '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
    '0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7',
    '07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7',
    'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    '4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658',
    'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
    '46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1',
  ],
  [
    'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
    '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
    '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
    'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
  ],
  ['d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4'],
  ['5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328'],
].map((level) => level.map(h));

/** Inclusion vectors: 1-based leaf, tree size, proof. */
const INCLUSION: Array<[number, number, string[]]> = [
  [1, 1, []],
  [1, 8, ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4']],
  [6, 8, ['bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7']],
  [3, 3, ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125']],
  [2, 5, ['6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b']],
];
/** Consistency vectors: size1, size2, proof. */
const CONSISTENCY: Array<[number, number, string[]]> = [
  [1, 1, []],
  [1, 8, ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4']],
  [6, 8, ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7']],
  [2, 5, ['5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b']],
  [6, 7, ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7']],
];

const SOME_HASH = h('abacaba000000000000000000000000000000000000000000060061e00123456');
const root = (size: number): Buffer => ROOTS[size] as Buffer;
/** MTH over the reference leaves from the published node hashes (the store's way: complete subtrees). */
const fromNodes = rangeHashFrom((level, index) => NODES[level]?.[index] as Buffer);
/** The same, computed from the leaves (no published values involved). */
const fromLeaves = (start: number, end: number): Buffer => rootOf(LEAVES.slice(start, end));
const flip = (proof: readonly Buffer[], i: number, mask: number): Buffer[] => proof.map((p, j) => (j === i ? Buffer.from([(p[0] as number) ^ mask, ...p.subarray(1)]) : p));

describe('RFC 9162 hashing', () => {
  it('hashes the leaves and their complete subtrees as published', () => {
    LEAVES.forEach((leaf, i) => expect(leaf.toString('hex')).toBe(NODES[0]?.[i]?.toString('hex')));
    for (let level = 1; level < NODES.length; level++) {
      (NODES[level] as Buffer[]).forEach((node, i) => expect(nodeHash(NODES[level - 1]?.[2 * i] as Buffer, NODES[level - 1]?.[2 * i + 1] as Buffer)).toEqual(node));
    }
  });

  it('gives the published root for every prefix size 0..8, by frontier, by range and from complete subtrees', () => {
    expect(EMPTY_ROOT).toEqual(root(0));
    for (let n = 0; n <= 8; n++) {
      expect(rootOf(LEAVES.slice(0, n)).toString('hex'), `size ${n}`).toBe(root(n).toString('hex'));
      if (n > 0) expect(fromNodes(0, n)).toEqual(root(n));
    }
  });

  it('the frontier reports each complete subtree as it closes', () => {
    const seen: string[] = [];
    const f = new MerkleFrontier();
    for (const leaf of LEAVES) f.push(leaf, (level, index, hash) => seen.push(`${level}/${index}/${hash.equals(NODES[level]?.[index] as Buffer)}`));
    expect(seen).toEqual(['1/0/true', '1/1/true', '2/0/true', '1/2/true', '1/3/true', '2/1/true', '3/0/true']);
  });

  it('splits at the largest power of two below n', () => {
    expect([2, 3, 4, 5, 8, 9, 2 ** 33 + 1].map(splitPoint)).toEqual([1, 2, 2, 4, 4, 8, 2 ** 33]);
    expect(() => splitPoint(1)).toThrow(RangeError);
  });
});

describe('inclusion proofs', () => {
  it.each(INCLUSION)('leaf %i of %i: generated equal to the vector, and verified', (leaf, size, hexes) => {
    const expected = hexes.map(h);
    expect(inclusionProof(leaf - 1, size, fromNodes)).toEqual(expected);
    expect(inclusionProof(leaf - 1, size, fromLeaves)).toEqual(expected);
    expect(verifyInclusion(leaf - 1, size, LEAVES[leaf - 1] as Buffer, expected, root(size))).toBe(true);
    expect(rootFromInclusionProof(leaf - 1, size, LEAVES[leaf - 1] as Buffer, expected)).toEqual(root(size));
  });

  it('every leaf of every tree up to 8 proves, and only against its own root', () => {
    for (let n = 1; n <= 8; n++) {
      for (let i = 0; i < n; i++) {
        const proof = inclusionProof(i, n, fromLeaves);
        expect(verifyInclusion(i, n, LEAVES[i] as Buffer, proof, root(n))).toBe(true);
        if (n > 1) expect(verifyInclusion(i, n, LEAVES[i] as Buffer, proof, root(n - 1))).toBe(false);
      }
    }
  });

  it.each(INCLUSION.filter(([, , p]) => p.length > 0))('leaf %i of %i: each corruption is rejected', (leaf, size, hexes) => {
    const proof = hexes.map(h);
    const i = leaf - 1;
    const lh = LEAVES[i] as Buffer;
    const r = root(size);
    const probes: Array<[string, boolean]> = [
      ['leaf index - 1', verifyInclusion(i - 1, size, lh, proof, r)],
      ['leaf index + 1', verifyInclusion(i + 1, size, lh, proof, r)],
      ['leaf index ^ 2', verifyInclusion(i ^ 2, size, lh, proof, r)],
      ['size * 2', verifyInclusion(i, size * 2, lh, proof, r)],
      ['size / 2', verifyInclusion(i, Math.floor(size / 2), lh, proof, r)],
      ['wrong leaf', verifyInclusion(i, size, Buffer.from('WrongLeaf'), proof, r)],
      ['another leaf', verifyInclusion(i, size, LEAVES[(i + 1) % 8] as Buffer, proof, r)],
      ['empty root', verifyInclusion(i, size, lh, proof, EMPTY_ROOT)],
      ['random root', verifyInclusion(i, size, lh, proof, SOME_HASH)],
      ['trailing garbage', verifyInclusion(i, size, lh, [...proof, Buffer.alloc(0)], r)],
      ['trailing root', verifyInclusion(i, size, lh, [...proof, r], r)],
      ['preceding garbage', verifyInclusion(i, size, lh, [Buffer.alloc(0), ...proof], r)],
      ['preceding root', verifyInclusion(i, size, lh, [r, ...proof], r)],
      ['removed component', verifyInclusion(i, size, lh, proof.slice(0, -1), r)],
      ...proof.map((_, k): [string, boolean] => [`flipped bit 3 of proof[${k}]`, verifyInclusion(i, size, lh, flip(proof, k, 8), r)]),
      ...proof.map((_, k): [string, boolean] => [`flipped last bit of proof[${k}]`, verifyInclusion(i, size, lh, proof.map((p, j) => (j === k ? Buffer.from([...p.subarray(0, 31), (p[31] as number) ^ 1]) : p)), r)]),
      ...(proof.length > 1 ? [['inserted component', verifyInclusion(i, size, lh, [proof[0] as Buffer, SOME_HASH, ...proof.slice(1)], r)] as [string, boolean]] : []),
    ];
    expect(probes.filter(([, ok]) => ok).map(([name]) => name)).toEqual([]);
  });

  it('rejects impossible indexes and sizes', () => {
    for (const [i, n] of [[0, 0], [1, 0], [2, 1], [-1, 4]] as const) {
      expect(verifyInclusion(i, n, SOME_HASH, [], EMPTY_ROOT)).toBe(false);
      expect(() => inclusionProof(i, n, fromLeaves)).toThrow(RangeError);
    }
    expect(verifyInclusion(0, 1, LEAVES[0] as Buffer, [], LEAVES[0] as Buffer)).toBe(true);
    expect(verifyInclusion(0, 1, Buffer.alloc(0), [], LEAVES[0] as Buffer)).toBe(false);
  });
});

describe('consistency proofs', () => {
  it.each(CONSISTENCY)('%i → %i: generated equal to the vector, and verified', (m, n, hexes) => {
    const expected = hexes.map(h);
    expect(consistencyProof(m, n, fromNodes)).toEqual(expected);
    expect(consistencyProof(m, n, fromLeaves)).toEqual(expected);
    expect(verifyConsistency(m, n, expected, root(m), root(n))).toBe(true);
  });

  it('every pair of prefix sizes up to 8 is consistent, and not with another tree', () => {
    for (let n = 1; n <= 8; n++) {
      for (let m = 1; m <= n; m++) {
        const proof = consistencyProof(m, n, fromLeaves);
        expect(verifyConsistency(m, n, proof, root(m), root(n)), `${m} → ${n}`).toBe(true);
        const forked = LEAVES.slice(0, n).map((l, i) => (i === m - 1 ? leafHash(Buffer.from('fork')) : l));
        if (m < n) expect(verifyConsistency(m, n, consistencyProof(m, n, (s, e) => rootOf(forked.slice(s, e))), root(m), rootOf(forked))).toBe(false);
      }
    }
  });

  it('trivial cases follow RFC 9162', () => {
    const a = Buffer.from("don't care 1");
    const b = Buffer.from("don't care 2");
    expect(verifyConsistency(0, 0, [], a, a)).toBe(true);
    expect(verifyConsistency(0, 1, [], a, b)).toBe(true);
    expect(verifyConsistency(1, 1, [], root(1), root(1))).toBe(true);
    expect(verifyConsistency(1, 1, [], root(1), root(2))).toBe(false);
    expect(verifyConsistency(1, 0, [], a, b)).toBe(false);
    expect(verifyConsistency(2, 1, [], a, b)).toBe(false);
    expect(verifyConsistency(1, 2, [], root(1), root(2))).toBe(false);
    expect(verifyConsistency(0, 1, [EMPTY_ROOT], EMPTY_ROOT, EMPTY_ROOT)).toBe(false);
    expect(verifyConsistency(1, 1, [EMPTY_ROOT], root(1), root(1))).toBe(false);
  });

  it.each(CONSISTENCY.filter(([, , p]) => p.length > 0))('%i → %i: each corruption is rejected', (m, n, hexes) => {
    const proof = hexes.map(h);
    const r1 = root(m);
    const r2 = root(n);
    const v = (a: number, b: number, p: Buffer[], x: Buffer, y: Buffer): boolean => verifyConsistency(a, b, p, x, y);
    const probes: Array<[string, boolean]> = [
      ['size1 - 1', v(m - 1, n, proof, r1, r2)],
      ['size1 + 1', v(m + 1, n, proof, r1, r2)],
      ['size1 ^ 2', v(m ^ 2, n, proof, r1, r2)],
      ['size2 * 2', v(m, n * 2, proof, r1, r2)],
      ['size2 / 2', v(m, Math.floor(n / 2), proof, r1, r2)],
      ['wrong root1', v(m, n, proof, Buffer.from('WrongRoot'), r2)],
      ['wrong root2', v(m, n, proof, r1, Buffer.from('WrongRoot'))],
      ['random root1', v(m, n, proof, SOME_HASH, r2)],
      ['swapped roots', v(m, n, proof, r2, r1)],
      ['empty proof', v(m, n, [], r1, r2)],
      ['trailing garbage', v(m, n, [...proof, Buffer.alloc(0)], r1, r2)],
      ['trailing root1', v(m, n, [...proof, r1], r1, r2)],
      ['trailing root2', v(m, n, [...proof, r2], r1, r2)],
      ['preceding garbage', v(m, n, [Buffer.alloc(0), ...proof], r1, r2)],
      ['preceding root1', v(m, n, [r1, ...proof], r1, r2)],
      ['preceding root2', v(m, n, [r2, ...proof], r1, r2)],
      ['preceding proof[0]', v(m, n, [proof[0] as Buffer, ...proof], r1, r2)],
      ['truncated proof', v(m, n, proof.slice(0, -1), r1, r2)],
      ...proof.map((_, k): [string, boolean] => [`flipped bit 4 of proof[${k}]`, v(m, n, flip(proof, k, 16), r1, r2)]),
    ];
    expect(probes.filter(([, ok]) => ok).map(([name]) => name)).toEqual([]);
  });
});
