// Assessments per second: 100k seeded random requests through the whole pure decision (issue #2).
import { performance } from 'node:perf_hooks';
import { Assessor } from '../source/domain/assess.js';
import { CatalogIndex } from '../source/domain/catalog.js';
import { DEFAULT_CONFIG } from '../source/domain/config.js';
import { featureEmbedder } from '../source/domain/embedding.js';
import { EMPTY_HISTORY, InMemoryHistory } from '../source/domain/history.js';
import { randomFleet, randomRequest, Rng } from './random-requests.js';
import { writeResults } from './results-file.js';

const N = 100_000;

function rate(assessor: Assessor, requests: ReturnType<typeof randomRequest>[]): number {
  for (let i = 0; i < 2_000; i++) assessor.assess(requests[i % requests.length]!); // warm-up
  let best = 0;
  for (let round = 0; round < 3; round++) {
    const t0 = performance.now();
    for (const r of requests) assessor.assess(r);
    best = Math.max(best, requests.length / ((performance.now() - t0) / 1000));
  }
  return best;
}

export function runAssessBench(): void {
  const rng = new Rng(42);
  const catalog = new CatalogIndex({ services: randomFleet(rng, 50) });
  const requests = Array.from({ length: N }, (_, i) => randomRequest(rng, i, catalog.services));

  const pure = rate(new Assessor(catalog, DEFAULT_CONFIG, EMPTY_HISTORY, featureEmbedder), requests);

  // With evidence: exact search over 1,000 finished deployments in memory (the store issue brings HNSW).
  const history = new InMemoryHistory(catalog, featureEmbedder);
  for (let i = 0; i < 1_000; i++) history.add({ request: randomRequest(rng, N + i, catalog.services), outcome: rng.float() < 0.1 ? 'rolled_back' : 'succeeded', finishedAt: '2026-12-01T00:00:00Z' });
  const withEvidence = rate(new Assessor(catalog, DEFAULT_CONFIG, history, featureEmbedder), requests.slice(0, 10_000));

  writeResults(
    'assess',
    'npm run bench -- assess',
    [
      { metric: 'assessments per second (no history: risk, policies, advisor, decision)', value: Math.round(pure), unit: '/s', target: '≥ 200,000/s', met: pure >= 200_000 },
      { metric: 'time per assessment (no history)', value: Math.round(1e9 / pure), unit: 'ns' },
      { metric: 'assessments per second with exact retrieval over 1k history', value: Math.round(withEvidence), unit: '/s' },
    ],
    [`${N.toLocaleString('en-US')} seeded random requests (seed 42) over 50 random services, best of 3 rounds, one core.`],
  );
}
