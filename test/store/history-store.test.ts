// Retrieval on real SQLite and a real HNSW index: rebuilds, corruption, recall against exact search.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CatalogIndex } from '../../source/domain/catalog.js';
import { featureEmbedder } from '../../source/domain/embedding.js';
import { HistoryStore } from '../../source/store/history-store.js';
import { openDatabase } from '../../source/store/database.js';
import { randomFleet, randomRequest, Rng } from '../../bench/random-requests.js';
import { generateHistory } from '../helpers/history-gen.js';
import { tempDir } from '../helpers/temp-db.js';

const dir = tempDir();
const services = randomFleet(new Rng(9), 12);
const catalog = new CatalogIndex({ services });
const records = generateHistory(services, 3_000, 4).map((value, i) => ({ line: i + 1, value }));
const queries = Array.from({ length: 50 }, (_, i) => randomRequest(new Rng(1000 + i), 90_000 + i, services));

function open(name: string) {
  const path = join(dir, name);
  const db = openDatabase(path);
  return { path, db, store: new HistoryStore(db, catalog, featureEmbedder, `${path}.hnsw`) };
}

const neighbourIds = (store: HistoryStore) => queries.map((q) => store.nearest(featureEmbedder.embed(q, catalog.get(q.serviceId)!), 10).map((n) => n.deploymentId));

describe('history store', () => {
  const { path, db, store } = open('h.db');
  const report = store.importRecords('h.ndjson', records);
  const before = neighbourIds(store);
  db.close();

  it('imports every record, indexes the executed ones and counts failures', () => {
    expect(report).toEqual({ imported: 3_000, problems: [] });
    const executed = records.filter((r) => r.value.outcome !== 'rejected').length;
    expect(store.index.count).toBe(executed);
    expect(store.fleetCounts().executed).toBe(executed);
    expect(store.fleetCounts().failures).toBe(records.filter((r) => ['failed', 'rolled_back'].includes(r.value.outcome)).length);
    expect(existsSync(`${path}.hnsw`)).toBe(true);
    expect(statSync(`${path}.hnsw`).mode & 0o777).toBe(0o600);
  });

  it('loads the persisted index on reopen', () => {
    const again = open('h.db');
    expect(again.store.indexReport).toMatchObject({ rebuilt: false, reason: 'loaded' });
    expect(neighbourIds(again.store)).toEqual(before);
    expect(again.store.fleetCounts()).toEqual(store.fleetCounts());
    again.db.close();
  });

  it('rebuilds a deleted index file from SQLite, with the same neighbours', () => {
    rmSync(`${path}.hnsw`);
    const again = open('h.db');
    expect(again.store.indexReport).toMatchObject({ rebuilt: true, reason: 'index file missing' });
    expect(neighbourIds(again.store)).toEqual(before);
    again.db.close();
  });

  it('rebuilds a corrupt index file instead of crashing', () => {
    const bytes = readFileSync(`${path}.hnsw`);
    writeFileSync(`${path}.hnsw`, bytes.subarray(0, bytes.length >> 1));
    const again = open('h.db');
    expect(again.store.indexReport).toMatchObject({ rebuilt: true, reason: 'index file corrupt (checksum mismatch)' });
    expect(neighbourIds(again.store)).toEqual(before);
    again.db.close();
  });

  it('catches up an index that is behind the database', () => {
    const a = open('behind.db');
    a.store.importRecords('a', records.slice(0, 1_000));
    a.db.close();
    // Rows committed by a process whose index never reached the file (memory only, as after a crash).
    const bdb = openDatabase(join(dir, 'behind.db'));
    new HistoryStore(bdb, catalog, featureEmbedder, undefined).importRecords('b', records.slice(1_000, 1_500));
    bdb.close();
    const c = open('behind.db');
    const added = records.slice(1_000, 1_500).filter((r) => r.value.outcome !== 'rejected').length;
    expect(c.store.indexReport).toMatchObject({ rebuilt: false, reason: `loaded, caught up ${added}` });
    expect(c.store.index.count).toBe(records.slice(0, 1_500).filter((r) => r.value.outcome !== 'rejected').length);
    c.db.close();
  });

  it('reports duplicates and unknown services with their line, and imports the rest', () => {
    const d = open('dupes.db');
    const bad = [
      records[0]!,
      { line: 2, value: records[0]!.value },
      { line: 3, value: { ...records[1]!.value, request: { ...records[1]!.value.request, serviceId: 'ghost' } } },
      records[2]!,
    ];
    const r = d.store.importRecords('x.ndjson', bad);
    expect(r.imported).toBe(2);
    expect(r.problems.map(({ raw: _raw, ...p }) => p)).toEqual([
      { file: 'x.ndjson', line: 2, field: 'request.id', message: `duplicate deployment id "${records[0]!.value.request.id}"` },
      { file: 'x.ndjson', line: 3, field: 'request.serviceId', message: 'unknown service "ghost"' },
    ]);
    expect(r.problems[1]!.raw).toContain('"ghost"');
    // Importing the same file again duplicates nothing.
    expect(d.store.importRecords('x.ndjson', bad).imported).toBe(0);
    d.db.close();
  });

  it('recall@10 of HNSW against exact search is at least 0.95', () => {
    const again = open('h.db');
    let hit = 0;
    let total = 0;
    for (const q of queries) {
      const v = featureEmbedder.embed(q, catalog.get(q.serviceId)!);
      const exact = new Set(again.store.index.exactSearch(v, 10).map((h) => h.label));
      for (const h of again.store.index.search(v, 10)) if (exact.has(h.label)) hit++;
      total += exact.size;
    }
    expect(hit / total).toBeGreaterThanOrEqual(0.95);
    again.db.close();
  });
});
