// Structural features combined with a text embedding (a model's, through /v1/embeddings), so that "similar"
// also means similar words: what the change is about and which service. Pure: the text vectors are computed
// beforehand (they need the network) and handed in; a text with none is an error, never a silent zero.
import type { DeploymentRequest } from './schemas.js';
import type { ServiceEntry } from './catalog.js';
import type { Embedder } from './embedding.js';

export interface TextEmbeddingSettings {
  model: string;
  dimensions: number;
  /** Share of the combined vector's length given to the text part (0..1); the rest is structure. */
  weight: number;
}

export class MissingTextVector extends Error {}

/** What is embedded as text for a request: its service's name and the change summary. */
export const textOf = (request: DeploymentRequest, entry: ServiceEntry): string => `${entry.service.name}\n${request.change.summary}`;

function scaled(v: readonly number[], length: number): number[] {
  let sum = 0;
  for (const x of v) sum += x * x;
  const k = sum === 0 ? 0 : length / Math.sqrt(sum);
  return v.map((x) => x * k);
}

export function combinedEmbedder(structural: Embedder, text: TextEmbeddingSettings, vectorOf: (text: string) => readonly number[] | undefined): Embedder {
  const w = text.weight;
  return {
    dimensions: structural.dimensions + text.dimensions,
    // A different model, size or weight changes what vectors mean: persisted indexes are rebuilt.
    version: `${structural.version}+text:${text.model}:${text.dimensions}:${w}`,
    embed(request, entry) {
      const t = textOf(request, entry);
      const v = vectorOf(t);
      if (!v) throw new MissingTextVector(`no text embedding for request ${request.id}`);
      if (v.length !== text.dimensions) throw new MissingTextVector(`text embedding for request ${request.id} has ${v.length} dimensions, expected ${text.dimensions}`);
      return [...scaled(structural.embed(request, entry), Math.sqrt(1 - w * w)), ...scaled(v, w)];
    },
  };
}
