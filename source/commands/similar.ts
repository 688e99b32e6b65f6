// `genops-tui similar --request F`: the nearest executed deployments in history, with outcome.
import { safeJson } from '../domain/safe-json.js';
import { featureEmbedder } from '../domain/embedding.js';
import { summariseEvidence } from '../domain/evidence.js';
import { sanitize } from '../domain/sanitize.js';
import { loadRequest } from '../io/load.js';
import { InputError } from '../io/input-error.js';
import type { CommandIo } from './io.js';
import { UsageError } from './io.js';
import { openStoreContext } from './context.js';

export function similarCommand(flags: { request?: string; k?: number; db?: string; catalog?: string; json: boolean; exact: boolean }, io: CommandIo): number {
  if (!flags.request) throw new UsageError('similar needs --request FILE (or - for stdin)');
  const k = flags.k ?? 10;
  if (!Number.isInteger(k) || k < 1 || k > 1000) throw new UsageError('--k must be an integer from 1 to 1000');
  const request = loadRequest(flags.request);
  const ctx = openStoreContext(flags);
  try {
    const entry = ctx.catalog.get(request.serviceId);
    if (!entry) throw new InputError([{ file: flags.request, field: 'serviceId', message: `unknown service "${request.serviceId}"` }]);
    const vector = featureEmbedder.embed(request, entry);
    const neighbours = flags.exact
      ? ctx.history.index.exactSearch(vector, k).flatMap((hit) => ctx.history.nearestByLabel(hit.label, hit.similarity))
      : ctx.history.nearest(vector, k);
    const evidence = summariseEvidence(neighbours, k);
    if (flags.json) {
      io.out(safeJson({ requestId: request.id, k, similarFailureRate: evidence.similarFailureRate, confidence: evidence.confidence, neighbours }, 2));
      return 0;
    }
    io.out(`${neighbours.length} similar to ${sanitize(request.id)} (${sanitize(request.serviceId)}): failure share ${(evidence.similarFailureRate * 100).toFixed(1)}%, confidence ${evidence.confidence.toFixed(2)}`);
    for (const n of neighbours) {
      io.out(`  ${n.similarity.toFixed(3)}  ${sanitize(n.deploymentId, 40).padEnd(24)} ${sanitize(n.serviceId, 30).padEnd(18)} ${n.outcome.padEnd(11)} ${n.finishedAt}${n.failureReason ? `  ${sanitize(n.failureReason, 80)}` : ''}`);
    }
    return 0;
  } finally {
    ctx.close();
  }
}
