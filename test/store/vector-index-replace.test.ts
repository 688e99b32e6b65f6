// A label's vector replaced in place (a text vector that arrived after the label was indexed), and a loaded
// index file mended where the vectors derived now differ from those it was written with.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { CatalogIndex } from '../../source/domain/catalog.js';
import { featureEmbedder } from '../../source/domain/embedding.js';
import { HistoryStore } from '../../source/store/history-store.js';
import { openDatabase } from '../../source/store/database.js';
import { VectorIndex } from '../../source/store/vector-index.js';
import { randomFleet, Rng } from '../../bench/random-requests.js';
import { generateHistory } from '../helpers/history-gen.js';
import { tempDir } from '../helpers/temp-db.js';

const dir = tempDir();

describe('VectorIndex.replace', () => {
  it('updates a held label in hnswlib and in exact search, keeps the count, and refuses unknown or withdrawn labels', () => {
    const db = openDatabase(join(dir, 'replace.db'));
    const index = new VectorIndex(db, undefined, 3, 'toy');
    index.open();
    index.add(0, [1, 0, 0]);
    index.add(1, [0, 1, 0]);
    index.add(2, [0, 0, 1]);
    expect(index.search([0, 0.1, 1], 1).map((h) => h.label)).toEqual([2]);
    expect(index.replace(2, [1, 0, 0.01])).toBe(true);
    expect(index.count).toBe(3);
    expect(index.search([0, 0.1, 1], 1).map((h) => h.label)).toEqual([1]);
    expect(index.exactSearch([1, 0, 0], 2).map((h) => h.label)).toEqual([0, 2]);
    expect(index.search([1, 0, 0], 2).map((h) => h.label).sort()).toEqual([0, 2]);
    expect(() => index.replace(1, [1, 0])).toThrow(/2 dimensions, but the embedder toy makes 3/);
    expect(index.replace(7, [1, 0, 0])).toBe(false);
    index.withdrawFrom(2);
    expect(index.replace(2, [0, 0, 1])).toBe(false);
    db.close();
  });

  it('a loaded file whose vector for a label differs from the one derived now is mended, persisted, and then loads as is', () => {
    const path = join(dir, 'mend.db');
    const db = openDatabase(path);
    const rng = new Rng(3);
    const services = randomFleet(rng, 5);
    const history = new HistoryStore(db, new CatalogIndex({ services }), featureEmbedder, undefined);
    history.importRecords('h.ndjson', generateHistory(services, 40, 3).map((value, i) => ({ line: i + 1, value })));
    const file = `${path}.hnsw`;
    // What the derivation gives may change (a text vector arrived): label 5 points elsewhere.
    let moved = false;
    const target = Array.from({ length: featureEmbedder.dimensions }, (_, i) => (i === 0 ? 1 : 0));
    const derive = (label: number, stored: number[]): number[] => (moved && label === 5 ? target : stored);
    const open = (): { index: VectorIndex; reason: string } => {
      const index = new VectorIndex(db, file, featureEmbedder.dimensions, 'test-derived', undefined, derive);
      return { index, reason: index.open().reason };
    };
    expect(open().reason).toBe('index file missing');
    expect(open().reason).toBe('loaded');
    moved = true;
    const mended = open();
    expect(mended.reason).toBe('loaded, 1 vector derived anew');
    expect(mended.index.search(target, 1)[0]?.label).toBe(5);
    expect(mended.index.exactSearch(target, 1)[0]?.label).toBe(5);
    expect(open().reason).toBe('loaded');
    db.close();
  });
});
