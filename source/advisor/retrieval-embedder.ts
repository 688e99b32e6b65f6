// The embedder retrieval uses for a configuration: the structural features alone, or combined with text
// embeddings from the model's endpoint (advisor.embeddings), fetched up front for every request to replay
// (its query text) and every executed one with a failure reason (its evidence text: textOf).
import type { CatalogIndex } from '../domain/catalog.js';
import type { Config } from '../domain/config.js';
import type { Embedder } from '../domain/embedding.js';
import { featureEmbedder } from '../domain/embedding.js';
import { isExecuted } from '../domain/evidence.js';
import type { DeploymentRequest, Outcome } from '../domain/schemas.js';
import { combinedEmbedder, textOf } from '../domain/text-embedding.js';
import { TextEmbeddings } from './embeddings-client.js';
import { apiKeyOf } from './from-config.js';

export interface Replayed {
  request: DeploymentRequest;
  outcome?: Outcome;
  failureReason?: string;
}

export async function retrievalEmbedder(config: Config, configFile: string, catalog: CatalogIndex, recorded: readonly Replayed[]): Promise<Embedder> {
  const a = config.advisor;
  if (a.kind !== 'openai' || !a.embeddings) return featureEmbedder;
  const e = a.embeddings;
  const client = new TextEmbeddings({ baseUrl: a.baseUrl, apiKey: apiKeyOf(a, configFile), model: e.model, dimensions: e.dimensions, timeoutMs: a.timeoutSeconds * 1000, maxRetries: a.maxRetries });
  await client.prefetch(recorded.flatMap(({ request, outcome, failureReason }) => {
    const entry = catalog.get(request.serviceId);
    if (!entry) return [];
    const evidence = outcome && isExecuted(outcome) && failureReason ? [textOf(request, entry, failureReason)] : [];
    return [textOf(request, entry), ...evidence];
  }));
  return combinedEmbedder(featureEmbedder, e, (text) => client.vectorOf(text));
}
