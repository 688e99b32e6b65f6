// Retrieval: HNSW against exact search at 10k and 100k deployments, measured in the same run.
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { CatalogIndex } from '../source/domain/catalog.js';
import { featureEmbedder } from '../source/domain/embedding.js';
import { HistoryStore } from '../source/store/history-store.js';
import { openDatabase } from '../source/store/database.js';
import { HNSW_PARAMS, VectorIndex } from '../source/store/vector-index.js';
import type { HistoryRecord, Outcome } from '../source/domain/schemas.js';
import { randomFleet, randomRequest, Rng } from './random-requests.js';
import type { BenchRow } from './results-file.js';
import { writeResults } from './results-file.js';
import { withTempDir } from './temp-db.js';

const QUERIES = 500;
const K = 10;

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
};

function history(rng: Rng, n: number, services: CatalogIndex['services']): Array<{ line: number; value: HistoryRecord }> {
  return Array.from({ length: n }, (_, i) => {
    const request = randomRequest(rng, i, services);
    const outcome: Outcome = rng.float() < 0.08 ? 'rolled_back' : 'succeeded';
    return { line: i + 1, value: { request, outcome, finishedAt: request.requestedAt } };
  });
}

function measure(n: number, dir: string): BenchRow[] {
  const rng = new Rng(n);
  const services = randomFleet(rng, 127);
  const catalog = new CatalogIndex({ services });
  const db = openDatabase(join(dir, `h${n}.db`));
  const store = new HistoryStore(db, catalog, featureEmbedder, join(dir, `h${n}.db.hnsw`));
  const t0 = performance.now();
  store.importRecords('bench', history(rng, n, services));
  const importS = (performance.now() - t0) / 1000;

  // Build time: a fresh index rebuilt from the vectors in SQLite.
  const t1 = performance.now();
  const index = new VectorIndex(db, undefined, featureEmbedder.dimensions, featureEmbedder.version);
  index.open();
  const buildS = (performance.now() - t1) / 1000;

  const queries = Array.from({ length: QUERIES }, (_, i) => {
    const r = randomRequest(rng, n + i, services);
    return featureEmbedder.embed(r, catalog.get(r.serviceId)!);
  });
  const hnswMs: number[] = [];
  const exactMs: number[] = [];
  let found = 0;
  for (const q of queries) {
    let t = performance.now();
    const approx = index.search(q, K);
    hnswMs.push(performance.now() - t);
    t = performance.now();
    const exact = index.exactSearch(q, K);
    exactMs.push(performance.now() - t);
    const truth = new Set(exact.map((h) => h.label));
    found += approx.filter((h) => truth.has(h.label)).length;
  }
  db.close();
  const recall = found / (QUERIES * K);
  const p50 = quantile(hnswMs, 0.5);
  const label = `${n / 1000}k`;
  return [
    { metric: `${label}: import (embed + SQLite + index + persist)`, value: Math.round(importS * 1000), unit: 'ms' },
    { metric: `${label}: HNSW build from SQLite`, value: Math.round(buildS * 1000), unit: 'ms' },
    { metric: `${label}: recall@10 at ef=${HNSW_PARAMS.ef}`, value: recall, unit: '', target: '≥ 0.95', met: recall >= 0.95 },
    { metric: `${label}: HNSW query p50`, value: p50, unit: 'ms', ...(n === 100_000 ? { target: '≤ 0.5 ms', met: p50 <= 0.5 } : {}) },
    { metric: `${label}: HNSW query p99`, value: quantile(hnswMs, 0.99), unit: 'ms' },
    { metric: `${label}: exact query p50`, value: quantile(exactMs, 0.5), unit: 'ms' },
    { metric: `${label}: exact query p99`, value: quantile(exactMs, 0.99), unit: 'ms' },
    { metric: `${label}: speed-up of HNSW over exact (p50)`, value: quantile(exactMs, 0.5) / p50, unit: '×' },
  ];
}

export function runHnswBench(): void {
  withTempDir((dir) => {
    const rows = [...measure(10_000, dir), ...measure(100_000, dir)];
    writeResults('hnsw', 'npm run bench -- hnsw', rows, [
      `hnswlib-node, cosine, M=${HNSW_PARAMS.M}, efConstruction=${HNSW_PARAMS.efConstruction}, ef=${HNSW_PARAMS.ef}; ${QUERIES} seeded random queries, k=${K}; exact search is a dot product over an in-memory Float32 matrix.`,
      'Embeddings: the 64-dimension feature embedder over 127 random services.',
    ]);
  });
}
